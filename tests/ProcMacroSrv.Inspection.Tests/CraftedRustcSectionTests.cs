using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>
/// Real proc-macro dylibs whose `.rustc` section was replaced with objcopy --update-section, for
/// layouts no installed toolchain produces and for corrupt sections, end to end through the inspector.
/// </summary>
public class CraftedRustcSectionTests
{
    private const string Version = "rustc 1.70.0 (90c541806 2023-05-31)";

    private static string Craft(byte[] section, string label) =>
        BinaryTools.WithRustcSection(TestDylibs.ProcMacro(Toolchains.Stable), section, label);

    private static DylibInspectionException Rejected(string path) =>
        Assert.Throws<DylibInspectionException>(() => DylibInspector.Inspect(path));

    [Fact]
    public void Reads_a_version_8_section()
    {
        DylibInfo info = DylibInspector.Inspect(Craft(RustcSections.Version8(Version), "v8"));

        Assert.Equal(8, info.MetadataVersion);
        Assert.Equal(Version, info.RustcVersion.Raw);
        Assert.Equal(70, info.RustcVersion.Minor);
    }

    [Fact]
    public void Reads_a_version_6_section_with_a_compressed_chunk()
    {
        byte[] section = RustcSections.Version6(Snappy.CompressedChunk(Snappy.LiteralBlock(RustcSections.Version6Metadata(Version))));

        DylibInfo info = DylibInspector.Inspect(Craft(section, "v6"));

        Assert.Equal(6, info.MetadataVersion);
        Assert.Equal(Version, info.RustcVersion.Raw);
    }

    [Fact]
    public void Rejects_unsupported_metadata_version_7()
    {
        byte[] section = [.. RustcSections.Header(7), .. RustcSections.Version8(Version)[8..]];
        string path = Craft(section, "v7");

        DylibInspectionException error = Rejected(path);

        Assert.Equal(path, error.Path);
        Assert.StartsWith("unsupported metadata version 7", error.Reason);
        Assert.Equal($"{path}: {error.Reason}", error.Message);
    }

    [Fact]
    public void Rejects_bad_magic()
    {
        byte[] section = RustcSections.Version10(Version);
        "RUST"u8.CopyTo(section);

        Assert.Equal("bad `.rustc` magic: expected `rust`, found `RUST`", Rejected(Craft(section, "magic")).Reason);
    }

    [Fact]
    public void Rejects_a_truncated_snappy_stream()
    {
        byte[] section = RustcSections.Version6(Snappy.CompressedChunk(Snappy.LiteralBlock(RustcSections.Version6Metadata(Version))));

        string reason = Rejected(Craft(section[..30], "snappy-truncated")).Reason;

        Assert.StartsWith("corrupt `.rustc` section (metadata version 6): snappy stream is truncated", reason);
    }

    [Fact]
    public void Rejects_a_garbage_snappy_stream()
    {
        // Decoded length 64, then a copy from 300 bytes back before anything was decoded.
        byte[] section = RustcSections.Version6(Snappy.CompressedChunk([0x40, 0x0e, 0x2c, 0x01]));

        string reason = Rejected(Craft(section, "snappy-garbage")).Reason;

        Assert.Equal("corrupt `.rustc` section (metadata version 6): snappy copy refers 300 bytes back, but only 0 bytes have been decoded", reason);
    }

    [Fact]
    public void Rejects_a_malformed_version_string()
    {
        string reason = Rejected(Craft(RustcSections.Version10("rustc one.two.three"), "bad-version")).Reason;

        Assert.Equal(
            "malformed rustc version string `rustc one.two.three` in `.rustc`: version number `one.two.three` is not of the form <major>.<minor>.<patch>",
            reason);
    }

    [Fact]
    public void Escapes_control_characters_in_a_malformed_version_string()
    {
        string reason = Rejected(Craft(RustcSections.Version10("rustc 1.2.3\n(x)"), "control")).Reason;

        Assert.StartsWith("malformed rustc version string `rustc 1.2.3\\u000a(x)`", reason);
    }

    [Fact]
    public void Rejects_a_section_shorter_than_its_header()
    {
        Assert.Contains("too short for its 8-byte header", Rejected(Craft("rus"u8.ToArray(), "short")).Reason);
    }
}
