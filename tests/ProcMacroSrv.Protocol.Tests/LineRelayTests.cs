using System.Buffers;
using System.Text;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>
/// Relaying lines without holding them whole: the supervisor passes a worker's large answers on
/// as they arrive, and a server writes its answer in chunks. What the peer reads must be the
/// same bytes, framed the same way.
/// </summary>
public class LineRelayTests
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

    /// <summary>Records what reached the sink, and how much of it at a time.</summary>
    private sealed class RecordingSink : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public List<int> Pieces { get; } = [];

        public string Text => Encoding.UTF8.GetString(_inner.WrittenSpan);

        public void Advance(int count)
        {
            Pieces.Add(count);
            _inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
    }

    private static JsonLineReader Reader(string text, int bufferSize = 64) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), bufferSize);

    [Fact]
    public void A_line_under_the_limit_reaches_the_sink_whole_and_junk_lines_are_skipped()
    {
        var reader = Reader("printed by a macro\n{\"a\":1}\n{\"b\":2}\n", 8);
        var sink = new RecordingSink();
        var asked = false;

        Assert.True(reader.TryCopyMessage(sink, 1024, () => asked = true, out var partial));
        Assert.Equal("{\"a\":1}", sink.Text);
        Assert.Single(sink.Pieces);
        Assert.False(partial);
        Assert.False(asked);
        Assert.True(reader.TryReadMessage(out var next));
        Assert.Equal("{\"b\":2}", Encoding.UTF8.GetString(next.Span));
    }

    [Fact]
    public void A_line_over_the_limit_is_passed_on_in_pieces_with_the_same_bytes()
    {
        var big = "{\"x\":\"" + new string('y', 50_000) + "\"}";
        var reader = Reader("junk line that is rather long " + new string('j', 5000) + "\n" + big + "\n{\"after\":1}\n", 256);
        var sink = new RecordingSink();
        var asked = 0;

        Assert.True(reader.TryCopyMessage(sink, 1000, () => { asked++; return true; }, out var partial));
        Assert.Equal(big, sink.Text);
        Assert.Equal(1, asked);
        Assert.False(partial);
        Assert.True(sink.Pieces.Count > 10, $"{sink.Pieces.Count} pieces");
        Assert.True(reader.TryReadMessage(out var next));
        Assert.Equal("{\"after\":1}", Encoding.UTF8.GetString(next.Span));
    }

    [Fact]
    public void A_refused_stream_copies_nothing_and_a_cut_line_is_reported_partial()
    {
        var big = "{\"x\":\"" + new string('y', 5_000) + "\"}";
        var refused = new RecordingSink();
        Assert.False(Reader(big + "\n").TryCopyMessage(refused, 1000, () => false, out var partial));
        Assert.False(partial);
        Assert.Empty(refused.Pieces);

        // The peer died in the middle of a long line: what came is passed on, and said to be partial.
        var cut = new RecordingSink();
        Assert.False(Reader(big[..3000]).TryCopyMessage(cut, 1000, () => true, out partial));
        Assert.True(partial);
        Assert.Equal(big[..3000], cut.Text);
    }

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

    [Fact]
    public void A_short_line_cut_off_by_the_end_of_the_stream_is_not_a_message_to_relay()
    {
        // A worker that died while writing: its last bytes have no newline.
        var sink = new RecordingSink();
        Assert.False(Reader("{\"ExpandMacro\":{\"Err\":\"").TryCopyMessage(sink, 1024, () => true, out var partial));
        Assert.False(partial);
        Assert.Empty(sink.Pieces);
    }
}
