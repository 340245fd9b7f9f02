using System.Text;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>The `.rustc` header reader on section bytes built by <see cref="RustcSections"/>, without ELF around them.</summary>
public class RustcMetadataTests
{
    private const string Stable = "rustc 1.95.0 (59807616e 2026-04-14)";

    private static RustcMetadataHeader Read(byte[] section) => RustcMetadata.ReadHeader(section, (ulong)section.Length);

    private static string Failure(byte[] section) =>
        Assert.Throws<InvalidDataException>(() => Read(section)).Message;

    [Theory]
    [InlineData(9u)]
    [InlineData(10u)]
    public void Reads_versions_9_and_10(uint version)
    {
        Assert.Equal(new RustcMetadataHeader((int)version, Stable), Read(RustcSections.Version10(Stable, version)));
    }

    [Fact]
    public void Reads_version_8()
    {
        Assert.Equal(new RustcMetadataHeader(8, Stable), Read(RustcSections.Version8(Stable)));
    }

    [Fact]
    public void Reads_version_6_from_a_compressed_chunk()
    {
        byte[] section = RustcSections.Version6(Snappy.CompressedChunk(Snappy.LiteralBlock(RustcSections.Version6Metadata("rustc 1.63.0"))));

        Assert.Equal(new RustcMetadataHeader(6, "rustc 1.63.0"), Read(section));
    }

    [Fact]
    public void Reads_version_6_split_over_uncompressed_chunks()
    {
        byte[] metadata = RustcSections.Version6Metadata(Stable);
        byte[] section = RustcSections.Version6(
            Snappy.UncompressedChunk(metadata[..5]),
            Snappy.Chunk(0xfe, [0, 0]),
            Snappy.UncompressedChunk(metadata[5..20]),
            Snappy.CompressedChunk(Snappy.LiteralBlock(metadata[20..])));

        Assert.Equal(new RustcMetadataHeader(6, Stable), Read(section));
    }

    [Fact]
    public void Reads_a_multi_byte_LEB128_length()
    {
        string longVersion = "rustc 1.85.0 (4d91de4e4 2025-02-17) (" + new string('x', 200) + ")";
        Assert.True(Encoding.UTF8.GetByteCount(longVersion) >= 128);

        Assert.Equal(longVersion, Read(RustcSections.Version10(longVersion)).VersionString);
        Assert.Equal(longVersion, Read(RustcSections.Version8(longVersion)).VersionString);
    }

    [Fact]
    public void Reads_only_the_prefix_it_asks_for()
    {
        // A section far longer than the prefix: the declared length is checked against the full size.
        byte[] section = RustcSections.Version10(Stable);
        byte[] prefix = section[..Math.Min(section.Length, RustcMetadata.PrefixLength(10))];

        Assert.Equal(Stable, RustcMetadata.ReadHeader(prefix, 10_000_000).VersionString);
    }

    [Theory]
    [InlineData(7u)]
    [InlineData(5u)]
    [InlineData(11u)]
    [InlineData(0x01000000u)]
    public void Rejects_unsupported_versions(uint version)
    {
        byte[] section = [.. RustcSections.Header(version), .. new byte[64]];
        Assert.StartsWith($"unsupported metadata version {version}", Failure(section));
    }

    [Fact]
    public void Rejects_bad_magic()
    {
        byte[] section = RustcSections.Version10(Stable);
        section[3] = (byte)'k';

        Assert.Equal("bad `.rustc` magic: expected `rust`, found `rusk`", Failure(section));
        Assert.Contains("found `\\x00\\x01rs`", Failure([0, 1, (byte)'r', (byte)'s', 0, 0, 0, 10]));
    }

    [Fact]
    public void Rejects_sections_too_short_for_a_header()
    {
        Assert.Contains("5 bytes, too short for its 8-byte header", Failure("rust\0"u8.ToArray()));
        Assert.Contains("too short for the 16-byte header of metadata version 10", Failure([.. RustcSections.Header(10), 1, 2]));
    }

    [Fact]
    public void Rejects_a_data_length_larger_than_the_section()
    {
        byte[] section = RustcSections.Version10(Stable, claimedLength: 1_000_000);
        Assert.Contains("announces 1000000 bytes of metadata, but only", Failure(section));
    }

    [Fact]
    public void Rejects_a_version_string_running_past_the_metadata()
    {
        byte[] section = RustcSections.Version10(Stable);
        section[32] = 0x7f; // the length byte at section offset 32: 127 bytes, more than the metadata has

        Assert.Contains("runs past the end of the metadata", Failure(section));
    }

    [Fact]
    public void Rejects_a_missing_inner_header()
    {
        byte[] section = RustcSections.Version10(Stable);
        section[16] = (byte)'R';

        Assert.Contains("does not start with the `rust` header of version 10", Failure(section));
    }

    [Fact]
    public void Rejects_an_implausibly_long_version_string()
    {
        byte[] section = RustcSections.Version10(Stable);
        section[32] = 0xff; // LEB128 0xff 0x?? ...: a length far above 1024
        section[33] = 0x7f;

        Assert.Contains("a rustc version string of 16383 bytes", Failure(section));
    }

    [Fact]
    public void Rejects_an_overlong_LEB128_length()
    {
        byte[] section = RustcSections.Version10(Stable);
        section.AsSpan(32, 6).Fill(0x80);

        Assert.Contains("not a valid LEB128 number", Failure(section));
    }

    [Fact]
    public void Rejects_a_version_string_that_is_not_UTF8()
    {
        byte[] section = RustcSections.Version10(Stable);
        section[33 + 6] = 0xff;

        Assert.Contains("not valid UTF-8", Failure(section));
    }

    [Fact]
    public void Reports_snappy_errors_in_version_6()
    {
        byte[] truncated = RustcSections.Version6(Snappy.CompressedChunk(Snappy.LiteralBlock(RustcSections.Version6Metadata(Stable))));
        Assert.Contains("corrupt `.rustc` section (metadata version 6): snappy stream is truncated", Failure(truncated[..40]));

        byte[] noIdentifier = [.. RustcSections.Header(6), .. Snappy.UncompressedChunk(RustcSections.Version6Metadata(Stable))];
        Assert.Contains("does not start with the stream identifier", Failure(noIdentifier));

        byte[] tooShort = RustcSections.Version6(Snappy.UncompressedChunk(RustcSections.Version6Metadata(Stable)[..12]));
        Assert.Contains("ends before the rustc version string", Failure(tooShort));
    }
}
