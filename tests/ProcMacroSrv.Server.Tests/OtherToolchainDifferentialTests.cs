using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Server.Tests.Support;

namespace ProcMacroSrv.Server.Tests;

/// <summary>Our server against Debian rustc 1.85's own reference server, on dylibs 1.85 built.</summary>
public sealed class Debian185ServerPair() : ServerPair(Toolchains.Debian185)
{
    /// <summary>1.85's server speaks API version 5, where contexts are small interned ids (root 0).</summary>
    public override uint TokenContext => 0;

    /// <inheritdoc/>
    public override bool ComparesTokensOnly => true;

    // 1.85's reference prints token streams with an older rust-analyzer layout (`"point" , 3`),
    // and lexes malformed strings leniently where rustc 1.85 fails the macro.
    internal override IReadOnlyCollection<Divergence> DivergencesFor(ExpansionCase @case) =>
        @case.MacroName == "parse_stream" && @case.Divergences.Contains(Divergence.LexErrorText)
            ? [Divergence.LexErrorOnOldBridge]
            : [.. @case.Divergences, Divergence.ToStringLayout];
}

/// <summary>Our server against Debian rustc 1.96's own reference server, on dylibs 1.96 built.</summary>
public sealed class Debian196ServerPair() : ServerPair(Toolchains.Debian196);

/// <summary>
/// The differential test for other bridges: each reference server expands only dylibs of its own
/// rustc, so the same cases go to 1.85's and 1.96's reference with their dylibs (bridge ABIs A85
/// and A95), and to our one server. Against 1.96 responses must be byte-identical modulo the
/// declared divergences; against 1.85, whose server speaks the older API version 5, token for token.
/// </summary>
public static class OtherToolchainCases
{
    public static TheoryData<string, SpanMode> For(string toolchain)
    {
        var dylibs = FixtureCrates.Build(toolchain);
        var data = new TheoryData<string, SpanMode>();
        foreach (var @case in FixtureCases.All.Concat(RealMacroCases.All))
        {
            // 1.85 cannot build pm-modern (its APIs are newer); a missing dylib case needs no toolchain.
            if (@case.Crate != ExpansionCase.MissingCrate && !dylibs.Contains(@case.Crate)) continue;
            foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer]) data.Add(@case.Name, mode);
        }
        return data;
    }

    internal static ExpansionCase Named(string name) =>
        FixtureCases.All.Concat(RealMacroCases.All).Single(c => c.Name == name);
}

public sealed class Rustc185DifferentialTests(Debian185ServerPair servers) : IClassFixture<Debian185ServerPair>
{
    public static TheoryData<string, SpanMode> Cases() => OtherToolchainCases.For("1.85");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Expansion_is_identical_to_rustc_185s_reference(string name, SpanMode mode) =>
        servers.AssertExpansionAsync(OtherToolchainCases.Named(name), mode);
}

public sealed class Rustc196DifferentialTests(Debian196ServerPair servers) : IClassFixture<Debian196ServerPair>
{
    public static TheoryData<string, SpanMode> Cases() => OtherToolchainCases.For("1.96");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Expansion_is_identical_to_rustc_196s_reference(string name, SpanMode mode) =>
        servers.AssertExpansionAsync(OtherToolchainCases.Named(name), mode);
}
