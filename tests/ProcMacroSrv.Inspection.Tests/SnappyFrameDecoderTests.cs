using System.Text;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

public class SnappyFrameDecoderTests
{
    private static byte[] Stream(params byte[][] chunks) => [.. Snappy.StreamIdentifier, .. chunks.SelectMany(c => c)];

    [Fact]
    public void Decodes_compressed_and_uncompressed_chunks_in_order()
    {
        byte[] stream = Stream(
            Snappy.CompressedChunk([0x08, 0x0c, .. "abcd"u8, 0x01, 0x04]),
            Snappy.UncompressedChunk("-tail"u8.ToArray()));

        Assert.Equal("abcdabcd-tail", Encoding.ASCII.GetString(SnappyFrameDecoder.Decode(stream, 100)));
    }

    [Fact]
    public void Skips_padding_skippable_chunks_and_repeated_stream_identifiers()
    {
        byte[] stream = Stream(
            Snappy.Chunk(0xfe, new byte[10]),
            Snappy.Chunk(0x80, [1, 2, 3]),
            Snappy.StreamIdentifier,
            Snappy.UncompressedChunk("data"u8.ToArray()));

        Assert.Equal("data", Encoding.ASCII.GetString(SnappyFrameDecoder.Decode(stream, 100)));
    }

    [Fact]
    public void Stops_decoding_once_enough_bytes_are_out()
    {
        // A reserved unskippable chunk follows; it is only an error if the decoder gets that far.
        byte[] stream = Stream(
            Snappy.UncompressedChunk("rust\0\0\0\u0006"u8.ToArray()),
            Snappy.Chunk(0x02, [0]));

        Assert.Equal(8, SnappyFrameDecoder.Decode(stream, 8).Length);
        var error = Assert.Throws<InvalidDataException>(() => SnappyFrameDecoder.Decode(stream, 9));
        Assert.Contains("reserved unskippable chunk (type 0x02)", error.Message);
    }

    [Fact]
    public void Returns_fewer_bytes_when_the_stream_ends_first()
    {
        byte[] stream = Stream(Snappy.UncompressedChunk("short"u8.ToArray()));

        Assert.Equal("short", Encoding.ASCII.GetString(SnappyFrameDecoder.Decode(stream, 1000)));
    }

    public static TheoryData<string, byte[], string> Corrupt => new()
    {
        { "no stream identifier", [.. Snappy.UncompressedChunk("x"u8.ToArray())], "does not start with the stream identifier" },
        { "wrong identifier body", [0xff, 0x06, 0x00, 0x00, .. "SNAPPY"u8], "does not start with the stream identifier" },
        { "chunk longer than the stream", Stream([0x00, 0x40, 0x00, 0x00, 0, 0, 0, 0, 0x05]), "truncated" },
        { "chunk header cut short", Stream([0x00, 0x40]), "inside a chunk header" },
        { "compressed chunk without checksum", Stream(Snappy.Chunk(0x00, [1, 2])), "too short for its checksum" },
        { "compressed chunk over 64 KiB", Stream(Snappy.CompressedChunk([0x81, 0x80, 0x04])), "claims 65537 decoded bytes" },
        { "garbage in a compressed chunk", Stream(Snappy.CompressedChunk([0x08, 0x01, 0x04])), "refers 4 bytes back" },
        { "second identifier corrupt", Stream(Snappy.Chunk(0xff, "sNaPpX"u8.ToArray())), "bad snappy stream identifier" },
    };

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void Rejects_corrupt_streams(string description, byte[] stream, string expectedMessage)
    {
        _ = description;
        var error = Assert.Throws<InvalidDataException>(() => SnappyFrameDecoder.Decode(stream, 100));
        Assert.Contains(expectedMessage, error.Message);
    }
}
