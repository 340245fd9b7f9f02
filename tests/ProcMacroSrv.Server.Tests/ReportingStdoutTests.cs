using System.Text;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Server.Isolation;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// A worker's stdout as the supervisor relies on it: each answer reaches the client without its
/// newline, between a Begins and an Ends report, however the line writer cuts it into writes.
/// </summary>
public class ReportingStdoutTests
{
    public static TheoryData<int> BodyLengths() => [2, 1000, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300_000];

    [Theory]
    [MemberData(nameof(BodyLengths))]
    public void An_answer_goes_out_without_its_newline_between_Begins_and_Ends(int length)
    {
        var client = new MemoryStream();
        var reports = new MemoryStream();
        var writer = new JsonLineWriter(new ReportingStdout(client, reports));
        var first = Message(length, 'a');
        var second = Message(length / 2 + 2, 'b');

        writer.WriteLine(first);
        var afterFirst = client.ToArray();
        writer.WriteLine(second);

        Assert.Equal(first, afterFirst);
        Assert.Equal([.. first, .. second], client.ToArray());
        Assert.Equal("BEBE", Encoding.ASCII.GetString(reports.ToArray()));
    }

    [Fact]
    public async Task An_answer_written_asynchronously_is_reported_the_same_way()
    {
        var client = new MemoryStream();
        var reports = new MemoryStream();
        var writer = new JsonLineWriter(new ReportingStdout(client, reports));
        var message = Message(200_000, 'c');

        await writer.WriteLineAsync(message);

        Assert.Equal(message, client.ToArray());
        Assert.Equal("BE", Encoding.ASCII.GetString(reports.ToArray()));
    }

    [Fact]
    public void A_client_that_cannot_be_written_to_is_reported_gone()
    {
        var reports = new MemoryStream();
        var writer = new JsonLineWriter(new ReportingStdout(new ClosedPipe(), reports));

        Assert.Throws<IOException>(() => writer.WriteLine(Message(10, 'd')));
        Assert.Equal("BG", Encoding.ASCII.GetString(reports.ToArray()));
    }

    // A JSON object of about `length` bytes, without a newline, as an answer is.
    private static byte[] Message(int length, char fill) =>
        Encoding.ASCII.GetBytes("{\"x\":\"" + new string(fill, Math.Max(0, length - 8)) + "\"}");

    private sealed class ClosedPipe : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("Broken pipe");
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
    }
}
