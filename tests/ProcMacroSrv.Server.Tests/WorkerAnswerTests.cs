using System.Text;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Server.Isolation;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// An expansion worker's answers as its supervisor relies on them: each reaches the client as the
/// in-process server writes it but without its newline, between a Begins and an Ends report,
/// whatever its size; a client that cannot be written to is reported gone.
/// </summary>
public class WorkerAnswerTests
{
    // Answer lengths (without the newline) around the line writer's 64 KiB chunks.
    public static TheoryData<int> AnswerLengths() => [200, 1000, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300_000];

    [Theory]
    [MemberData(nameof(AnswerLengths))]
    public void An_answer_goes_out_without_its_newline_between_Begins_and_Ends(int answerLength)
    {
        // The answer names the path: as much path as makes the answer `answerLength` bytes.
        var overhead = InProcessAnswer(ListMacros(1, 'a')).Length - 1 - 1;
        var pathLength = answerLength - overhead;
        var first = ListMacros(pathLength, 'a');
        var second = ListMacros(pathLength / 2 + 1, 'b');
        var client = new MemoryStream();
        var reports = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(reports));
        var output = new JsonLineWriter(client);

        worker.Answer(first, output);
        var afterFirst = client.ToArray();
        worker.Answer(second, output);

        var expectedFirst = InProcessAnswer(first);
        var expectedSecond = InProcessAnswer(second);
        Assert.Equal(answerLength + 1, expectedFirst.Length);
        Assert.Equal(expectedFirst[..^1], afterFirst);
        Assert.Equal([.. expectedFirst[..^1], .. expectedSecond[..^1]], client.ToArray());
        Assert.Equal("BEBE", Encoding.ASCII.GetString(reports.ToArray()));
    }

    [Fact]
    public void A_client_that_cannot_be_written_to_is_reported_gone()
    {
        var reports = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(reports));

        Assert.Throws<IOException>(() => worker.Answer(ListMacros(10, 'c'), new JsonLineWriter(new ClosedPipe())));
        Assert.Equal("BG", Encoding.ASCII.GetString(reports.ToArray()));
    }

    [Fact]
    public void A_supervisor_that_has_gone_ends_the_worker_before_the_answer()
    {
        var client = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(new ClosedPipe()));

        Assert.Throws<IOException>(() => worker.Answer(ListMacros(10, 'd'), new JsonLineWriter(client)));
        Assert.Empty(client.ToArray());
    }

    // The in-process server's whole answer line to `request`.
    private static byte[] InProcessAnswer(byte[] request)
    {
        var client = new MemoryStream();
        using var server = new InProcessHandler();
        server.Answer(request, new JsonLineWriter(client));
        var line = client.ToArray();
        Assert.Equal((byte)'\n', line[^1]);
        return line;
    }

    // A ListMacros request for a library that does not exist: its answer is an error naming the path.
    private static byte[] ListMacros(int pathLength, char fill) =>
        JsonLegacyWriter.EncodeRequest(new Protocol.ListMacrosRequest("/nonexistent/" + new string(fill, pathLength)));

    private sealed class ClosedPipe : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("Broken pipe");
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
        public override void WriteByte(byte value) => throw new IOException("Broken pipe");
    }
}
