using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Abi.Learning;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Bridge.Tests.Learning;

/// <summary>
/// Each toolchain's bridge table, learned from its own sources, equals the built-in table for
/// its version. The toolchains and their sources must be installed (scripts/install-deps.sh):
/// a missing one fails the test.
/// </summary>
public sealed class LearnedTableTests
{
    public static TheoryData<string, string, BridgeSourceLayout> Sources => new()
    {
        { "1.63", "A63", BridgeSourceLayout.DebianSource },
        { "1.63", "A63", BridgeSourceLayout.RustSrc },
        { "1.85", "A85", BridgeSourceLayout.DebianSource },
        { "1.85", "A85", BridgeSourceLayout.RustSrc },
        { "1.96", "A95", BridgeSourceLayout.DebianSource },
        { "1.96", "A95", BridgeSourceLayout.RustSrc },
        { "stable", "A95", BridgeSourceLayout.RustdocHtml },
        { "nightly", "A95", BridgeSourceLayout.RustdocHtml },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void LearnedTableEqualsTheBuiltInOne(string toolchain, string abiName, BridgeSourceLayout layout)
    {
        var sysroot = Toolchains.Get(toolchain).Sysroot;
        var locations = BridgeSourceLocator.FindAll(sysroot);
        var location = locations.FirstOrDefault(l => l.Layout == layout);
        Assert.True(location is not null, $"{toolchain} ({sysroot}) has no {layout} bridge sources; found: {string.Join(", ", locations)}");

        Assert.True(BridgeAbiLearner.TryLearn(location, out var learned, out var failure), failure);
        var builtIn = Assert.Single(BridgeAbiCatalog.BuiltIn, a => a.Name == abiName);
        var differences = learned.DescribeDifferences(builtIn);
        Assert.True(differences.Count == 0, $"learned from {location}:\n{string.Join("\n", differences)}");
        Assert.Equal(builtIn.ToCanonicalText(), learned.ToCanonicalText());
        Assert.Equal(abiName, learned.Name);
    }

    public static TheoryData<string, string> ToolchainAbis => new()
    {
        { "1.63", "A63" }, { "1.85", "A85" }, { "1.96", "A95" }, { "stable", "A95" }, { "nightly", "A95" },
    };

    /// <summary>Every layout found (also rust-src of rustup toolchains, once installed) gives the same table.</summary>
    [Theory]
    [MemberData(nameof(ToolchainAbis))]
    public void EverySourceLayoutOfAToolchainGivesItsTable(string toolchain, string abiName)
    {
        var builtIn = Assert.Single(BridgeAbiCatalog.BuiltIn, a => a.Name == abiName);
        var locations = BridgeSourceLocator.FindAll(Toolchains.Get(toolchain).Sysroot);
        Assert.NotEmpty(locations);
        foreach (var location in locations)
        {
            Assert.True(BridgeAbiLearner.TryLearn(location, out var learned, out var failure), failure);
            Assert.True(learned.DescribeDifferences(builtIn).Count == 0, $"learned from {location}:\n{string.Join("\n", learned.DescribeDifferences(builtIn))}");
        }
        Assert.True(BridgeAbiLearner.TryLearn(Toolchains.Get(toolchain).Sysroot, out var preferred, out var error), error);
        Assert.Empty(preferred.DescribeDifferences(builtIn));
    }

    [Fact]
    public void DifferencesBetweenTheBuiltInTablesAreListed()
    {
        var (a63, a85, a95) = (BridgeAbiCatalog.BuiltIn[0], BridgeAbiCatalog.BuiltIn[1], BridgeAbiCatalog.BuiltIn[2]);
        Assert.Empty(a95.DescribeDifferences(a95));
        var differences = a85.DescribeDifferences(a95);
        Assert.Contains("tag width: 2 vs 1", differences);
        Assert.Contains("reversed arguments: True vs False", differences);
        Assert.Contains("handle FreeFunctions: only in A85", differences);
        Assert.Contains("tag 104: TokenStream::from_str = TsFromStr(String) -> TokenStream vs nothing", differences);
        Assert.Contains("counters access: Function vs Pointer", a63.DescribeDifferences(a85));
        Assert.Contains("trees by handle: True vs False", a63.DescribeDifferences(a85));
        Assert.NotEqual(a85.ToCanonicalText(), a95.ToCanonicalText());
    }
}
