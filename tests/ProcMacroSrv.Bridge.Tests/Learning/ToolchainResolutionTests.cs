using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Abi.Learning;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Bridge.Tests.Learning;

/// <summary>
/// Dylibs are matched to the installed toolchain with exactly their rustc version string, and
/// served end to end with the table learned from that toolchain's sources (the built-in tables
/// are skipped, as they would be for a version without one).
/// </summary>
[Collection(nameof(LearningCollection))]
public sealed class ToolchainResolutionTests
{
    public static TheoryData<string, string> All => new()
    {
        { "1.63", "A63" }, { "1.85", "A85" }, { "1.96", "A95" }, { "stable", "A95" }, { "nightly", "A95" },
    };

    [Theory]
    [MemberData(nameof(All))]
    public void ToolchainVersionIsTheStringItWritesIntoDylibs(string name, string _)
    {
        var toolchain = Toolchains.Get(name);
        Assert.True(RustToolchains.TryGetVersion(toolchain.Sysroot, out var version, out var failure), failure);
        Assert.Equal(toolchain.RustcVersion, version);
        var dylib = DylibInspector.Inspect(FixtureCrates.Build(toolchain).PmBasics);
        Assert.Equal(dylib.RustcVersion.Raw, version);
        Assert.Contains(Path.GetFullPath(toolchain.Sysroot), RustToolchains.InstalledSysroots());
    }

    [Theory]
    [InlineData("stable")]
    [InlineData("nightly")]
    public void RustupManifestAgreesWithRustc(string name)
    {
        var toolchain = Toolchains.Get(name);
        var manifest = Path.Combine(toolchain.Sysroot, "lib", "rustlib", "multirust-channel-manifest.toml");
        Assert.True(File.Exists(manifest), $"{manifest} is missing");
        Assert.Equal(toolchain.RustcVersion, "rustc " + RustToolchains.ManifestRustcVersion(File.ReadAllText(manifest)));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void BuiltInTablesStayBuiltIn(string name, string abiName)
    {
        var info = DylibInspector.Inspect(FixtureCrates.Build(name).PmBasics);
        Assert.True(BridgeAbiCatalog.TryResolve(info.RustcVersion, out var resolved, out var failure), failure);
        Assert.Equal(ResolvedBridgeAbi.BuiltInOrigin, resolved.Origin);
        Assert.True(resolved.IsBuiltIn);
        Assert.Equal(abiName, resolved.Abi.Name);
        Assert.Same(BridgeAbiCatalog.For(info.RustcVersion), resolved.Abi);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void DylibIsServedWithTheTableLearnedFromItsToolchain(string name, string abiName)
    {
        var toolchain = Toolchains.Get(name);
        var info = DylibInspector.Inspect(FixtureCrates.Build(toolchain).PmBasics);
        var resolved = BridgeAbiCatalog.Resolve(info.RustcVersion, useBuiltIn: false);

        Assert.False(resolved.IsBuiltIn);
        var expectedDirectory = BridgeSourceLocator.Find(toolchain.Sysroot)!.Directory;
        Assert.Equal($"learned from {expectedDirectory}", resolved.Origin);
        var builtIn = BridgeAbiCatalog.For(info.RustcVersion);
        Assert.NotSame(builtIn, resolved.Abi);
        Assert.Empty(resolved.Abi.DescribeDifferences(builtIn));
        Assert.Equal(abiName, resolved.Abi.Name);

        var library = ProcMacroLibrary.Load(info, null, resolved);
        Assert.Same(resolved.Abi, library.Abi);
        Assert.Equal(resolved.Origin, library.AbiOrigin);

        var thrice = MacroRunner.Expand(library, "do_thrice", "{ say_hi(); }");
        Assert.True(thrice.Succeeded, thrice.PanicMessage);
        Assert.Equal("{ say_hi(); } { say_hi(); } { say_hi(); }", TokenPrinter.Print(thrice.Output!));
        Assert.Equal(0, thrice.LeakedHandles);

        var tagged = MacroRunner.Expand(library, "tag", "fn item() {}", attr: "name = \"x\", 3");
        Assert.True(tagged.Succeeded, tagged.PanicMessage);
        Assert.Equal(["name = \"x\", 3"], ConstItems.Strings(tagged.Output!, "ITEM_TAG_ARGS"));

        var described = MacroRunner.Expand(library, "Describe", "#[describe(label = \"p\")] struct P { x: u8 }");
        Assert.True(described.Succeeded, described.PanicMessage);
        Assert.Equal(["P"], ConstItems.Strings(described.Output!, "DESCRIBE_NAME"));

        var boom = MacroRunner.Expand(library, "boom", "");
        Assert.False(boom.Succeeded);
        Assert.Equal("boom from proc macro", boom.PanicMessage);
    }

    /// <summary>
    /// The production path, no switch: a dylib claiming rustc 1.86.0 (no built-in table; a copy of
    /// the 1.85 dylib with its version string changed) is served once a toolchain with exactly
    /// that version and bridge sources is installed (here a sysroot whose rustc prints 1.86.0 and
    /// whose rust-src is 1.85's, given through the environment variable).
    /// </summary>
    [Fact]
    public void ADylibOfAVersionWithoutBuiltInTableIsServedWithALearnedTable()
    {
        var original = DylibInspector.Inspect(FixtureCrates.Build(Toolchains.Debian185).PmBasics);
        var claimed = original.RustcVersion.Raw.Replace("1.85.0", "1.86.0", StringComparison.Ordinal);
        using var temp = new TempDirectory("pms-186-");
        var root = temp.Path;
        var dylib = Path.Combine(root, "dylib", Path.GetFileName(original.Path));
        Directory.CreateDirectory(Path.GetDirectoryName(dylib)!);
        File.WriteAllBytes(dylib, ReplaceOnce(File.ReadAllBytes(original.Path), original.RustcVersion.Raw, claimed));

        var sysroot = Path.Combine(root, "sysroot");
        Directory.CreateDirectory(Path.Combine(sysroot, "bin"));
        Directory.CreateDirectory(Path.Combine(sysroot, "lib", "rustlib", "src"));
        var rustc = Path.Combine(sysroot, "bin", "rustc");
        File.WriteAllText(rustc, $"#!/bin/sh\necho '{claimed}'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(rustc, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var debianSources = Path.Combine(Toolchains.Debian185.Sysroot, "src", "rustc-1.85.0");
        Assert.True(Directory.Exists(debianSources), $"{debianSources} is missing");
        Directory.CreateSymbolicLink(Path.Combine(sysroot, "lib", "rustlib", "src", "rust"), debianSources);

        Assert.Null(BridgeAbiCatalog.TryFor(RustcVersion.Parse(claimed)));
        WithSources(sysroot, () =>
        {
            var library = ProcMacroLibrary.Load(dylib);
            Assert.Equal(claimed, library.Info.RustcVersion.Raw);
            Assert.Equal($"learned from {Path.Combine(sysroot, "lib", "rustlib", "src", "rust", "library", "proc_macro", "src", "bridge")}", library.AbiOrigin);
            Assert.Equal("A85", library.Abi.Name);
            var thrice = MacroRunner.Expand(library, "do_thrice", "{ x }");
            Assert.True(thrice.Succeeded, thrice.PanicMessage);
            Assert.Equal("{ x } { x } { x }", TokenPrinter.Print(thrice.Output!));
        });
    }

    private static byte[] ReplaceOnce(byte[] bytes, string old, string replacement)
    {
        var from = System.Text.Encoding.UTF8.GetBytes(old);
        var to = System.Text.Encoding.UTF8.GetBytes(replacement);
        Assert.Equal(from.Length, to.Length);
        var at = bytes.AsSpan().IndexOf(from);
        Assert.True(at >= 0, $"`{old}` is not in the dylib");
        Assert.True(bytes.AsSpan(at + 1).IndexOf(from) < 0, $"`{old}` occurs more than once in the dylib");
        to.CopyTo(bytes, at);
        return bytes;
    }

    [Fact]
    public void AVersionWithoutToolchainIsNotLearned()
    {
        var version = RustcVersion.Parse("rustc 1.70.0 (90c541806 2023-05-31)");
        Assert.False(BridgeAbiCatalog.TryResolve(version, out var resolved, out var failure));
        Assert.Null(resolved);
        Assert.Contains("no installed toolchain is `rustc 1.70.0 (90c541806 2023-05-31)`", failure);
        Assert.Contains(Toolchains.Stable.RustcVersion, failure);

        var e = Assert.Throws<UnknownBridgeAbiException>(() => BridgeAbiCatalog.Resolve(version));
        Assert.Equal(failure, e.LearningFailure);
        Assert.Contains("no built-in table, and none could be learned", e.Message);
    }

    [Fact]
    public void AnExplicitBridgeDirectoryIsUsedAsGiven()
    {
        using var copy = MangledSources.CopyOf(Toolchains.Debian185.Sysroot, BridgeSourceLayout.DebianSource);
        var version = RustcVersion.Parse("rustc 1.86.0 (05f9846f8 2025-03-31)");
        WithSources(copy.Directory, () =>
        {
            Assert.True(BridgeAbiLearner.TryLearnFor(version, out var resolved, out var failure), failure);
            Assert.Equal($"learned from {copy.Directory}", resolved.Origin);
            Assert.Equal("A85", resolved.Abi.Name);
        });
    }

    [Fact]
    public void AnExplicitBridgeDirectoryThatIsNotUnderstoodFails()
    {
        using var copy = MangledSources.CopyOf(Toolchains.Debian185.Sysroot, BridgeSourceLayout.DebianSource)
            .Replace("mod.rs", "fn is_empty($self: &$S::TokenStream) -> bool;", "fn is_empty($self: &$S::TokenStream) -> Maybe;");
        var version = RustcVersion.Parse("rustc 1.86.0 (05f9846f8 2025-03-31)");
        WithSources(copy.Directory, () =>
        {
            Assert.False(BridgeAbiLearner.TryLearnFor(version, out var resolved, out var failure));
            Assert.Null(resolved);
            Assert.Contains("`TokenStream::is_empty`, return type: type `Maybe` is not understood", failure);
        });
    }

    [Fact]
    public void AnExplicitSysrootMustMatchTheVersion()
    {
        var version = RustcVersion.Parse(Toolchains.Debian185.RustcVersion);
        WithSources(Toolchains.Debian185.Sysroot, () =>
        {
            Assert.True(BridgeAbiLearner.TryLearnFor(version, out var resolved, out var failure), failure);
            Assert.StartsWith($"learned from {Toolchains.Debian185.Sysroot}", resolved.Origin);
            Assert.False(BridgeAbiLearner.TryLearnFor(RustcVersion.Parse("rustc 1.70.0"), out _, out failure));
        });
    }

    private static void WithSources(string value, Action test)
    {
        var previous = Environment.GetEnvironmentVariable(RustToolchains.SourcesVariable);
        Environment.SetEnvironmentVariable(RustToolchains.SourcesVariable, value);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(RustToolchains.SourcesVariable, previous);
        }
    }
}
