using System.Text;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>The raw snappy decoder on blocks encoded by hand (tag layouts from the snappy format description).</summary>
public class SnappyRawDecoderTests
{
    public static TheoryData<string, byte[], string> Blocks => new()
    {
        // length 5; literal tag (5-1)<<2 = 0x10
        { "literal only", [0x05, 0x10, .. "hello"u8], "hello" },
        // length 8; literal "abcd"; copy, 1-byte offset: tag (len-4)<<2 | 1 = 0x01, offset 4
        { "copy with 1-byte offset", [0x08, 0x0c, .. "abcd"u8, 0x01, 0x04], "abcdabcd" },
        // length 10; literal "a"; copy len 9 offset 1: tag (9-4)<<2 | 1 = 0x15 (overlapping: a run)
        { "overlapping copy, offset 1", [0x0a, 0x00, (byte)'a', 0x15, 0x01], "aaaaaaaaaa" },
        // length 10; literal "ab"; copy len 8 offset 2: tag (8-4)<<2 | 1 = 0x11
        { "overlapping copy, offset 2", [0x0a, 0x04, .. "ab"u8, 0x11, 0x02], "ababababab" },
        // length 6; literal "xyz"; copy, 2-byte offset: tag (3-1)<<2 | 2 = 0x0a, offset 3 LE
        { "copy with 2-byte offset", [0x06, 0x08, .. "xyz"u8, 0x0a, 0x03, 0x00], "xyzxyz" },
        // same with a 4-byte offset: tag (3-1)<<2 | 3 = 0x0b
        { "copy with 4-byte offset", [0x06, 0x08, .. "xyz"u8, 0x0b, 0x03, 0x00, 0x00, 0x00], "xyzxyz" },
        // length 7; literal "rust"; copy len 3 offset 4 (2-byte form): tag (3-1)<<2 | 2
        { "copy shorter than its offset", [0x07, 0x0c, .. "rust"u8, 0x0a, 0x04, 0x00], "rustrus" },
        // length 0: just the preamble
        { "empty", [0x00], "" },
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Decodes_hand_encoded_blocks(string description, byte[] block, string expected)
    {
        _ = description;
        byte[] output = new byte[expected.Length];

        int written = SnappyRawDecoder.Decode(block, output);

        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void Decodes_a_literal_with_a_one_byte_length_extension()
    {
        byte[] data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        // varint 100 = 0x64; tag 60<<2 = 0xf0 says "length-1 in the next byte": 99 = 0x63
        byte[] block = [0x64, 0xf0, 0x63, .. data];

        byte[] output = new byte[100];
        Assert.Equal(100, SnappyRawDecoder.Decode(block, output));
        Assert.Equal(data, output);
    }

    [Fact]
    public void Decodes_a_two_byte_literal_length_and_a_copy_with_high_offset_bits()
    {
        byte[] data = Enumerable.Range(0, 300).Select(i => (byte)(i * 31)).ToArray();
        // varint 304 = 0xb0 0x02; tag 61<<2 = 0xf4: length-1 = 299 = 0x012b in two LE bytes;
        // then a 1-byte-offset copy of 4 bytes from 260 back: offset bits 8..10 (=1) go in the tag's
        // top three bits: (1<<5) | (0<<2) | 1 = 0x21, low offset byte 0x04.
        byte[] block = [0xb0, 0x02, 0xf4, 0x2b, 0x01, .. data, 0x21, 0x04];

        byte[] output = new byte[304];
        Assert.Equal(304, SnappyRawDecoder.Decode(block, output));
        Assert.Equal(data, output[..300]);
        Assert.Equal(data[40..44], output[300..]);
    }

    [Fact]
    public void Reads_the_decoded_length_preamble()
    {
        Assert.Equal(304u, SnappyRawDecoder.ReadDecodedLength([0xb0, 0x02, 0xff], out int used));
        Assert.Equal(2, used);
        Assert.Equal(uint.MaxValue, SnappyRawDecoder.ReadDecodedLength([0xff, 0xff, 0xff, 0xff, 0x0f], out used));
        Assert.Equal(5, used);
    }

    [Fact]
    public void Stops_when_the_destination_is_full()
    {
        // "ab" then a run to 10 bytes; only the first 5 are wanted.
        byte[] block = [0x0a, 0x04, .. "ab"u8, 0x11, 0x02];
        byte[] output = new byte[5];

        Assert.Equal(5, SnappyRawDecoder.Decode(block, output));
        Assert.Equal("ababa", Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void A_partial_decode_does_not_read_elements_after_the_wanted_bytes()
    {
        // The second element is a copy from 9 bytes back, which is invalid, but it is never reached.
        byte[] block = [0x0a, 0x0c, .. "rust"u8, 0x15, 0x09];

        Assert.Equal(4, SnappyRawDecoder.Decode(block, new byte[4]));
        Assert.Throws<InvalidDataException>(() => SnappyRawDecoder.Decode(block, new byte[10]));
    }

    public static TheoryData<string, byte[], string> Corrupt => new()
    {
        { "copy with offset 0", [0x08, 0x0c, .. "abcd"u8, 0x01, 0x00], "refers 0 bytes back" },
        { "copy reaching before the start", [0x08, 0x0c, .. "abcd"u8, 0x01, 0x05], "refers 5 bytes back, but only 4" },
        { "literal past the end of the block", [0x05, 0x10, .. "hel"u8], "runs past the end" },
        { "more output than declared", [0x03, 0x10, .. "hello"u8], "more than its declared 3" },
        { "less output than declared", [0x09, 0x10, .. "hello"u8], "ends after 5 of 9" },
        { "bytes after the declared length", [0x05, 0x10, .. "hello"u8, 0x00], "1 bytes left" },
        { "preamble cut short", [0x80], "inside its length preamble" },
        { "preamble too long", [0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "32 bits" },
        { "copy offset cut short", [0x06, 0x08, .. "xyz"u8, 0x0a, 0x03], "inside a copy offset" },
        { "literal length cut short", [0x64, 0xf4, 0x10], "inside a literal length" },
    };

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void Rejects_corrupt_blocks(string description, byte[] block, string expectedMessage)
    {
        _ = description;
        var error = Assert.Throws<InvalidDataException>(() => SnappyRawDecoder.Decode(block, new byte[64]));
        Assert.Contains(expectedMessage, error.Message);
    }
}
