using System.Buffers;
using System.Text;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>
/// Lines written in chunks without holding them whole (a server writes its answer as it is made):
/// what the peer reads must be the same bytes, framed the same way.
/// </summary>
public class ChunkedLineTests
{
    /// <summary>A stream that records every write, to see how many chunks a line went out in.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes.Add(buffer.Length);
            base.Write(buffer);
        }
    }

    private static JsonLineReader Reader(string text, int bufferSize = 64) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), bufferSize);

    [Fact]
    public void A_chunked_line_goes_out_in_pieces_and_reads_back_as_one_message()
    {
        var stream = new RecordingStream();
        var writer = new JsonLineWriter(stream);
        var response = ListMacrosResponse.Ok(Enumerable.Range(0, 20_000)
            .Select(i => new ProcMacroDescriptor($"Macro{i}", ProcMacroKind.CustomDerive)).ToArray());

        JsonLegacyWriter.WriteResponse(writer.BeginLine(), response);
        writer.EndLine();
        writer.WriteResponse(new ApiVersionCheckResponse(6));

        Assert.True(stream.Writes.Count > 4, $"{stream.Writes.Count} writes");
        Assert.True(stream.Writes.Max() <= 64 * 1024, $"a write of {stream.Writes.Max()} bytes");
        stream.Position = 0;
        var reader = new JsonLineReader(stream);
        Assert.True(reader.TryReadMessage(out var first));
        var expected = new ArrayBufferWriter<byte>();
        JsonLegacyWriter.WriteResponse(expected, response);
        Assert.Equal(expected.WrittenSpan.ToArray(), first.ToArray());
        Assert.True(reader.TryReadMessage(out var second));
        Assert.Equal("{\"ApiVersionCheck\":6}", Encoding.UTF8.GetString(second.Span));
    }

    [Fact]
    public void Short_lines_after_a_very_long_one_read_correctly()
    {
        var huge = "{\"x\":\"" + new string('h', 6 * 1024 * 1024) + "\"}";
        var small = Enumerable.Range(0, 200).Select(i => $"{{\"n\":{i}}}").ToList();
        var reader = Reader(huge + "\n" + string.Join("\n", small) + "\n", 1024);

        Assert.True(reader.TryReadMessage(out var first));
        Assert.Equal(huge.Length, first.Length);
        foreach (var expected in small)
        {
            Assert.True(reader.TryReadMessage(out var line));
            Assert.Equal(expected, Encoding.UTF8.GetString(line.Span));
        }
        Assert.False(reader.TryReadMessage(out _));
    }

    [Fact]
    public void A_string_longer_than_a_chunk_is_written_whole_in_a_chunked_line()
    {
        // One request for more room than a chunk holds (a 16 MB macro name echoed in an error).
        var stream = new MemoryStream();
        var writer = new JsonLineWriter(stream);
        var response = ExpandMacroResponse.Err("proc-macro `" + new string('m', 300_000) + "` is missing");

        JsonLegacyWriter.WriteResponse(writer.BeginLine(), response);
        writer.EndLine();
        JsonLegacyWriter.WriteResponse(writer.BeginLine(), new ApiVersionCheckResponse(6));
        writer.EndLine();

        stream.Position = 0;
        var reader = new JsonLineReader(stream);
        Assert.True(reader.TryReadMessage(out var first));
        var decoded = Assert.IsType<ExpandMacroResponse>(JsonLegacyReader.ReadResponse(first.Span));
        Assert.Equal(response.Error, decoded.Error);
        Assert.True(reader.TryReadMessage(out var second));
        Assert.Equal("{\"ApiVersionCheck\":6}", Encoding.UTF8.GetString(second.Span));
    }

    public static TheoryData<int> MessageLengths() => [1, 1000, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300_000];

    [Theory]
    [MemberData(nameof(MessageLengths))]
    public void A_line_ended_without_its_newline_goes_out_whole_and_nothing_else(int length)
    {
        // An expansion worker's answers: its supervisor ends each line on the same stream.
        var response = ExpandMacroResponse.Err(new string('e', length));
        var expected = new ArrayBufferWriter<byte>();
        JsonLegacyWriter.WriteResponse(expected, response);
        // The whole message `length` bytes long, so that the chunk's edge (64 KiB) falls among the cases.
        response = ExpandMacroResponse.Err(new string('e', Math.Max(1, 2 * length - expected.WrittenCount)));
        expected.ResetWrittenCount();
        JsonLegacyWriter.WriteResponse(expected, response);
        var stream = new MemoryStream();
        var writer = new JsonLineWriter(stream);

        JsonLegacyWriter.WriteResponse(writer.BeginLine(), response);
        writer.EndLine(newline: false);
        JsonLegacyWriter.WriteResponse(writer.BeginLine(), response);
        writer.EndLine(newline: false);

        Assert.True(length < 32 || expected.WrittenCount == length, $"{expected.WrittenCount} bytes");
        Assert.Equal([.. expected.WrittenSpan, .. expected.WrittenSpan], stream.ToArray());
    }
}
