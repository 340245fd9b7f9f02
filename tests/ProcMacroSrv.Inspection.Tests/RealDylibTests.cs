using System.Text.RegularExpressions;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>
/// Proc-macro dylibs built at test time by each toolchain, checked against what the toolchain and
/// binutils say about them.
/// </summary>
public class RealDylibTests
{
    private static readonly Regex RegistrarPattern = new("^__rustc_proc_macro_decls_[0-9a-f]{8,}__$");

    public static TheoryData<string, int> MetadataVersionByToolchain => new()
    {
        { "stable", 10 },
        { "nightly", 10 },
        { "1.63", 6 },
        { "1.85", 9 },
    };

    [Theory]
    [MemberData(nameof(MetadataVersionByToolchain))]
    public void Reads_the_exact_rustc_version_string(string toolchainName, int metadataVersion)
    {
        Toolchain toolchain = Toolchains.Get(toolchainName);
        string dylib = TestDylibs.ProcMacro(toolchain);

        DylibInfo info = DylibInspector.Inspect(dylib);

        Assert.Equal(toolchain.RustcVersion, info.RustcVersion.Raw);
        Assert.Equal(metadataVersion, info.MetadataVersion);
    }

    [Theory]
    [MemberData(nameof(MetadataVersionByToolchain))]
    public void Parses_the_version_as_rustc_vV_reports_it(string toolchainName, int metadataVersion)
    {
        _ = metadataVersion;
        Toolchain toolchain = Toolchains.Get(toolchainName);
        IReadOnlyDictionary<string, string> verbose = VerboseVersion(toolchain);

        RustcVersion version = DylibInspector.Inspect(TestDylibs.ProcMacro(toolchain)).RustcVersion;

        // release: 1.95.0 / 1.97.0-nightly
        string release = verbose["release"];
        Assert.Equal(release.Split('-')[0], $"{version.Major}.{version.Minor}.{version.Patch}");
        RustcChannel expectedChannel = release.Contains("-nightly", StringComparison.Ordinal) ? RustcChannel.Nightly
            : release.Contains("-beta", StringComparison.Ordinal) ? RustcChannel.Beta
            : release.Contains("-dev", StringComparison.Ordinal) ? RustcChannel.Dev
            : RustcChannel.Stable;
        Assert.Equal(expectedChannel, version.Channel);

        // commit-hash is the full hash ("unknown" for Debian's 1.63); the version string has a prefix of it.
        string hash = verbose["commit-hash"];
        if (hash == "unknown")
        {
            Assert.Null(version.Commit);
            Assert.Null(version.Date);
        }
        else
        {
            Assert.NotNull(version.Commit);
            Assert.StartsWith(version.Commit, hash, StringComparison.Ordinal);
            Assert.Equal(verbose["commit-date"], version.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Nightly_is_on_the_nightly_channel_and_stable_on_stable()
    {
        Assert.Equal(RustcChannel.Nightly, DylibInspector.Inspect(TestDylibs.ProcMacro(Toolchains.Nightly)).RustcVersion.Channel);
        Assert.Equal(RustcChannel.Stable, DylibInspector.Inspect(TestDylibs.ProcMacro(Toolchains.Stable)).RustcVersion.Channel);
    }

    [Fact]
    public void Debian_toolchains_give_their_known_version_strings()
    {
        DylibInfo old = DylibInspector.Inspect(TestDylibs.ProcMacro(Toolchains.Debian163));
        Assert.Equal("rustc 1.63.0", old.RustcVersion.Raw);
        Assert.Equal(6, old.MetadataVersion);

        DylibInfo web = DylibInspector.Inspect(TestDylibs.ProcMacro(Toolchains.Debian185));
        Assert.Equal("rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)", web.RustcVersion.Raw);
        Assert.Equal(9, web.MetadataVersion);
        Assert.Equal("4d91de4e4", web.RustcVersion.Commit);
        Assert.Equal(new DateOnly(2025, 2, 17), web.RustcVersion.Date);
    }

    [Theory]
    [MemberData(nameof(MetadataVersionByToolchain))]
    public void Finds_the_registrar_symbol_that_nm_lists(string toolchainName, int metadataVersion)
    {
        _ = metadataVersion;
        string dylib = TestDylibs.ProcMacro(Toolchains.Get(toolchainName));
        IReadOnlyList<(string Name, char Type)> nm = BinaryTools.DefinedDynamicSymbols(dylib);

        DylibInfo info = DylibInspector.Inspect(dylib);

        Assert.Matches(RegistrarPattern, info.Registrar.Name);
        Assert.Equal(info.Registrar.Name, RegistrarSymbol.Prefix + info.Registrar.CrateId + RegistrarSymbol.Suffix);
        Assert.Equal([info.Registrar.Name], nm.Select(s => s.Name).Where(name => RegistrarPattern.IsMatch(name)));

        // nm prints global and weak symbols with upper-case type letters, local ones in lower case.
        Assert.Equal(nm.Count(s => char.IsUpper(s.Type)), info.ExportedSymbolCount);
    }

    [Fact]
    public void Reports_the_file_itself()
    {
        string dylib = TestDylibs.ProcMacro(Toolchains.Stable);
        var file = new FileInfo(dylib);

        DylibInfo info = DylibInspector.Inspect(dylib);

        Assert.Equal(Path.GetFullPath(dylib), info.Path);
        Assert.Equal(file.Length, info.Length);
        Assert.Equal(file.LastWriteTimeUtc, info.LastWriteTimeUtc);
        Assert.Equal(DateTimeKind.Utc, info.LastWriteTimeUtc.Kind);
        Assert.Equal(ElfMachine.X86_64, info.Machine);
    }

    [Fact]
    public void Canonicalizes_symbolic_links_and_dot_dot()
    {
        string dylib = TestDylibs.ProcMacro(Toolchains.Stable);
        string directory = TestFiles.NewDirectory("links");
        string linkedDirectory = Path.Combine(directory, "linked-dir");
        Directory.CreateSymbolicLink(linkedDirectory, Path.GetDirectoryName(dylib)!);
        string fileLink = Path.Combine(directory, "libalias.so");
        File.CreateSymbolicLink(fileLink, Path.Combine("linked-dir", Path.GetFileName(dylib)));

        Assert.Equal(dylib, DylibInspector.Inspect(fileLink).Path);
        // ".." after a directory link leaves the link's target, not the directory holding the link.
        string viaDotDot = Path.Combine(linkedDirectory, "..", Path.GetFileName(Path.GetDirectoryName(dylib)!), Path.GetFileName(dylib));
        Assert.Equal(dylib, DylibInspector.Inspect(viaDotDot).Path);

        string previous = Environment.CurrentDirectory;
        Assert.Equal(dylib, DylibInspector.Inspect(Path.GetRelativePath(previous, fileLink)).Path);
    }

    [Fact]
    public void The_version_6_reader_agrees_with_the_real_snappy_stream()
    {
        // 1.63's `.rustc` is compressed with back-references, so the version string is not in the
        // raw bytes; finding it at all shows the decoder handles real compressor output.
        byte[] section = BinaryTools.DumpRustcSection(TestDylibs.ProcMacro(Toolchains.Debian163));
        Assert.Equal(-1, section.AsSpan().IndexOf("rustc 1.63.0"u8));

        Assert.Equal(new RustcMetadataHeader(6, "rustc 1.63.0"), RustcMetadata.ReadHeader(section, (ulong)section.Length));
    }

    /// <summary>The key/value lines of <c>rustc -vV</c> (release, commit-hash, commit-date, …).</summary>
    private static IReadOnlyDictionary<string, string> VerboseVersion(Toolchain toolchain) =>
        ProcessRunner.RunChecked(toolchain.RustcPath, ["-vV"]).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
}
