using System.Buffers.Binary;
using System.Text;

namespace ProcMacroSrv.Inspection;

/// <summary>What the start of a `.rustc` section says: its format version and the compiler's version string.</summary>
internal readonly record struct RustcMetadataHeader(int FormatVersion, string VersionString);

/// <summary>
/// Reads the header of a `.rustc` section (rustc's crate metadata, which every proc-macro dylib
/// carries) far enough to get the version string of the rustc that built it.
/// </summary>
/// <remarks>
/// Layouts by metadata format version (bytes 0..8 are always <c>rust\0\0\0</c> and the version):
/// <list type="bullet">
/// <item>6: bytes 8.. are a snappy framed stream; the decoded metadata starts with the same 8-byte
/// header, a u32 root position, then the version string.</item>
/// <item>8: a u32 big-endian data length at 8..12; the metadata starts at 12 with the 8-byte
/// header and a u32 root position.</item>
/// <item>9, 10: a u64 little-endian data length at 8..16; the metadata starts at 16 with the
/// 8-byte header and a u64 root position.</item>
/// </list>
/// The version string is a LEB128 length followed by UTF-8 bytes. Errors raise
/// <see cref="InvalidDataException"/> whose message is a reason for the user.
/// </remarks>
internal static class RustcMetadata
{
    /// <summary>Length of the <c>rust\0\0\0</c> + version header.</summary>
    public const int HeaderLength = 8;

    /// <summary>Longer version strings are rejected as corrupt; real ones are well under 100 bytes.</summary>
    public const int MaxVersionStringLength = 1024;

    private const int MaxLeb128Length = 5;

    private static ReadOnlySpan<byte> Magic => "rust"u8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the magic and returns the metadata format version from the first 8 bytes.</summary>
    public static uint ReadFormatVersion(ReadOnlySpan<byte> section)
    {
        if (section.Length < HeaderLength)
        {
            throw new InvalidDataException(
                $"truncated `.rustc` section: {section.Length} bytes, too short for its {HeaderLength}-byte header");
        }

        if (!section.StartsWith(Magic))
        {
            throw new InvalidDataException(
                $"bad `.rustc` magic: expected `rust`, found {Describe(section[..Magic.Length])}");
        }

        return BinaryPrimitives.ReadUInt32BigEndian(section[4..]);
    }

    /// <summary>How many bytes from the start of the section <see cref="ReadHeader"/> needs for this format version.</summary>
    public static int PrefixLength(uint formatVersion) => formatVersion switch
    {
        // A compressed chunk decodes to at most 64 KiB, so its encoding stays well below 128 KiB;
        // the version string is in the first chunk.
        6 => 256 * 1024,
        _ => 16 + 8 + MaxLeb128Length + MaxVersionStringLength,
    };

    /// <summary>Reads the format version and the version string.</summary>
    /// <param name="prefix">The first <see cref="PrefixLength"/> bytes of the section (or all of it, if shorter).</param>
    /// <param name="sectionSize">The section's full size, to check the length fields against.</param>
    public static RustcMetadataHeader ReadHeader(ReadOnlySpan<byte> prefix, ulong sectionSize)
    {
        uint version = ReadFormatVersion(prefix);
        string text = version switch
        {
            6 => ReadVersion6(prefix),
            8 => ReadLengthPrefixed(prefix, sectionSize, version, lengthFieldWidth: 4, rootPositionWidth: 4),
            9 or 10 => ReadLengthPrefixed(prefix, sectionSize, version, lengthFieldWidth: 8, rootPositionWidth: 8),
            _ => throw new InvalidDataException(
                $"unsupported metadata version {version} in `.rustc` (this server reads versions 6, 8, 9 and 10)"),
        };
        return new RustcMetadataHeader((int)version, text);
    }

    private static string ReadVersion6(ReadOnlySpan<byte> prefix)
    {
        int wanted = HeaderLength + 4 + MaxLeb128Length + MaxVersionStringLength;
        byte[] decoded;
        try
        {
            decoded = SnappyFrameDecoder.Decode(prefix[HeaderLength..], wanted);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"corrupt `.rustc` section (metadata version 6): {e.Message}", e);
        }

        return ReadVersionString(decoded, 6, rootPositionWidth: 4);
    }

    private static string ReadLengthPrefixed(
        ReadOnlySpan<byte> prefix, ulong sectionSize, uint version, int lengthFieldWidth, int rootPositionWidth)
    {
        int dataStart = HeaderLength + lengthFieldWidth;
        if (prefix.Length < dataStart)
        {
            throw new InvalidDataException(
                $"truncated `.rustc` section: {prefix.Length} bytes, too short for the {dataStart}-byte header of metadata version {version}");
        }

        ulong dataLength = lengthFieldWidth == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(prefix[HeaderLength..])
            : BinaryPrimitives.ReadUInt64LittleEndian(prefix[HeaderLength..]);
        ulong available = sectionSize > (ulong)dataStart ? sectionSize - (ulong)dataStart : 0;
        if (dataLength > available)
        {
            throw new InvalidDataException(
                $"truncated `.rustc` section: its header announces {dataLength} bytes of metadata, but only {available} follow");
        }

        ReadOnlySpan<byte> data = prefix[dataStart..];
        if ((ulong)data.Length > dataLength)
        {
            data = data[..(int)dataLength];
        }

        return ReadVersionString(data, version, rootPositionWidth);
    }

    /// <summary>Reads the version string from the start of the (decoded) metadata block.</summary>
    private static string ReadVersionString(ReadOnlySpan<byte> block, uint version, int rootPositionWidth)
    {
        if (block.Length < HeaderLength || !block.StartsWith(Magic) || BinaryPrimitives.ReadUInt32BigEndian(block[4..]) != version)
        {
            throw new InvalidDataException(
                $"corrupt `.rustc` section: the metadata does not start with the `rust` header of version {version}");
        }

        int position = HeaderLength + rootPositionWidth;
        ulong length = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (position >= block.Length)
            {
                throw new InvalidDataException("truncated `.rustc` section: the metadata ends before the rustc version string");
            }

            if (shift >= 7 * MaxLeb128Length)
            {
                throw new InvalidDataException("corrupt `.rustc` section: the version string length is not a valid LEB128 number");
            }

            byte b = block[position++];
            length |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        if (length > MaxVersionStringLength)
        {
            throw new InvalidDataException(
                $"corrupt `.rustc` section: a rustc version string of {length} bytes (at most {MaxVersionStringLength} expected)");
        }

        if ((ulong)(block.Length - position) < length)
        {
            throw new InvalidDataException(
                $"truncated `.rustc` section: the rustc version string ({length} bytes) runs past the end of the metadata");
        }

        try
        {
            return StrictUtf8.GetString(block.Slice(position, (int)length));
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException("corrupt `.rustc` section: the rustc version string is not valid UTF-8");
        }
    }

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("`");
        foreach (byte b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return text.Append('`').ToString();
    }
}
