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
    // Answer lengths around the line writer's 64 KiB chunks.
    public static TheoryData<int> PathLengths() => [1, 1000, 64 * 1024 - 60, 64 * 1024, 64 * 1024 + 60, 300_000];

    [Theory]
    [MemberData(nameof(PathLengths))]
    public void An_answer_goes_out_without_its_newline_between_Begins_and_Ends(int pathLength)
    {
        var first = ListMacros(pathLength, 'a');
        var second = ListMacros(pathLength / 2 + 1, 'b');
        var client = new MemoryStream();
        var reports = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(reports));
        var output = new JsonLineWriter(client, endsLines: false);

        worker.Answer(first, output);
        var afterFirst = client.ToArray();
        worker.Answer(second, output);

        var expectedFirst = InProcessAnswer(first);
        var expectedSecond = InProcessAnswer(second);
        Assert.True(expectedFirst.Length > pathLength, "the answer names the path");
        Assert.Equal(expectedFirst[..^1], afterFirst);
        Assert.Equal([.. expectedFirst[..^1], .. expectedSecond[..^1]], client.ToArray());
        Assert.Equal("BEBE", Encoding.ASCII.GetString(reports.ToArray()));
    }

    [Fact]
    public void A_client_that_cannot_be_written_to_is_reported_gone()
    {
        var reports = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(reports));

        Assert.Throws<IOException>(() => worker.Answer(ListMacros(10, 'c'), new JsonLineWriter(new ClosedPipe(), endsLines: false)));
        Assert.Equal("BG", Encoding.ASCII.GetString(reports.ToArray()));
    }

    [Fact]
    public void A_supervisor_that_has_gone_ends_the_worker_before_the_answer()
    {
        var client = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(new ClosedPipe()));

        Assert.Throws<IOException>(() => worker.Answer(ListMacros(10, 'd'), new JsonLineWriter(client, endsLines: false)));
        Assert.Empty(client.ToArray());
    }

    [Fact]
    public void A_worker_refuses_to_write_its_answers_as_whole_lines()
    {
        // Its supervisor ends each line: a newline of its own would give the client an empty line.
        var client = new MemoryStream();
        var reports = new MemoryStream();
        using var worker = new InProcessHandler(observer: new AnswerReporter(reports));

        Assert.Throws<ArgumentException>(() => worker.Answer(ListMacros(10, 'e'), new JsonLineWriter(client)));
        Assert.Empty(client.ToArray());
        Assert.Empty(reports.ToArray());
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
