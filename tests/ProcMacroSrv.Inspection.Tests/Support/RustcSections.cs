using System.Buffers.Binary;
using System.Text;

namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>
/// Writes `.rustc` section contents in each metadata layout, for crafted test files. Independent
/// of the reader under test: the layouts are spelled out here byte by byte.
/// </summary>
internal static class RustcSections
{
    /// <summary><c>rust\0\0\0</c> and the format version.</summary>
    public static byte[] Header(uint version) => [.. "rust"u8, .. BigEndian(version)];

    /// <summary>Versions 9 and 10: u64 LE data length at 8, metadata (with a u64 root position) from 16.</summary>
    public static byte[] Version10(string versionString, uint version = 10, ulong? claimedLength = null)
    {
        byte[] data = MetadataBlock(version, rootPositionWidth: 8, Encoding.UTF8.GetBytes(versionString));
        byte[] length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, claimedLength ?? (ulong)data.Length);
        return [.. Header(version), .. length, .. data];
    }

    /// <summary>Version 8: u32 BE data length at 8, metadata (with a u32 root position) from 12.</summary>
    public static byte[] Version8(string versionString)
    {
        byte[] data = MetadataBlock(8, rootPositionWidth: 4, Encoding.UTF8.GetBytes(versionString));
        return [.. Header(8), .. BigEndian((uint)data.Length), .. data];
    }

    /// <summary>Version 6: a snappy framed stream from byte 8 whose decoded bytes are the metadata.</summary>
    public static byte[] Version6(params byte[][] chunks) => [.. Header(6), .. Snappy.StreamIdentifier, .. chunks.SelectMany(c => c)];

    /// <summary>The metadata of <paramref name="version"/> with <paramref name="versionString"/>, as version 6 decodes it.</summary>
    public static byte[] Version6Metadata(string versionString) =>
        MetadataBlock(6, rootPositionWidth: 4, Encoding.UTF8.GetBytes(versionString));

    /// <summary>
    /// The decoded metadata: the header again, a root position (an arbitrary value here), the
    /// LEB128 length of the version string, the string, and some bytes standing in for the rest.
    /// </summary>
    public static byte[] MetadataBlock(uint version, int rootPositionWidth, byte[] versionString)
    {
        byte[] root = new byte[rootPositionWidth];
        root[^1] = 0x40;
        byte[] rest = Enumerable.Range(0, 48).Select(i => (byte)(i * 7)).ToArray();
        return [.. Header(version), .. root, .. Leb128((uint)versionString.Length), .. versionString, .. rest];
    }

    public static byte[] Leb128(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] BigEndian(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}

/// <summary>Snappy encodings for tests: literal-only raw blocks and framing chunks.</summary>
internal static class Snappy
{
    public static readonly byte[] StreamIdentifier = [0xff, 0x06, 0x00, 0x00, .. "sNaPpY"u8];

    /// <summary>A raw block that stores <paramref name="data"/> as literals of at most 60 bytes each.</summary>
    public static byte[] LiteralBlock(byte[] data)
    {
        var block = new List<byte>(RustcSections.Leb128((uint)data.Length));
        for (int i = 0; i < data.Length; i += 60)
        {
            int length = Math.Min(60, data.Length - i);
            block.Add((byte)((length - 1) << 2));
            block.AddRange(data.AsSpan(i, length).ToArray());
        }

        return [.. block];
    }

    /// <summary>A framing chunk: type, 24-bit LE length, and the body (checksum included by the caller's choice).</summary>
    public static byte[] Chunk(byte type, byte[] body) =>
        [type, (byte)body.Length, (byte)(body.Length >> 8), (byte)(body.Length >> 16), .. body];

    /// <summary>A compressed chunk (type 0) with a dummy checksum, which the reader does not verify.</summary>
    public static byte[] CompressedChunk(byte[] rawBlock) => Chunk(0x00, [0, 0, 0, 0, .. rawBlock]);

    /// <summary>An uncompressed chunk (type 1) with a dummy checksum.</summary>
    public static byte[] UncompressedChunk(byte[] data) => Chunk(0x01, [0, 0, 0, 0, .. data]);
}
