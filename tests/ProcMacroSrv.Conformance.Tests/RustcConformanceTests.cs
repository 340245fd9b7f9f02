using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.Fixtures;
using Xunit.Abstractions;

namespace ProcMacroSrv.Conformance.Tests;

/// <summary>
/// The whole corpus on one toolchain: for every case the probe's report from rustc and from our
/// server must be equal, except for the documented differences, which must still differ.
/// </summary>
public abstract class RustcConformanceTests(ITestOutputHelper output, Toolchain toolchain)
{
    [Fact]
    public void EveryReportEqualsRustcsExceptTheDocumentedOnes()
    {
        var comparison = ToolchainComparison.For(toolchain);
        var pinned = KnownDifferences.For(toolchain.Name);
        output.WriteLine($"{toolchain.RustcVersion}: {comparison.Equal} equal, {comparison.Different.Count} different "
            + $"({pinned.Count} documented) of {comparison.Rustc.Count} cases");
        foreach (var group in CaseSet.All.GroupBy(c => c.Id[..c.Id.IndexOf('/', StringComparison.Ordinal)]))
        {
            var different = group.Count(c => comparison.Different.Contains(c.Id));
            output.WriteLine($"  {group.Key}: {group.Count() - different} equal, {different} different");
        }

        var unexpected = comparison.Different.Where(id => !pinned.ContainsKey(id)).ToList();
        var fixedNow = pinned.Keys.Where(id => !comparison.Different.Contains(id)).ToList();
        foreach (var id in unexpected.Take(20)) output.WriteLine($"{id}: {comparison.FirstDifference(id)}");
        Assert.True(unexpected.Count == 0,
            $"{unexpected.Count} cases differ from rustc ({toolchain.Name}); all of them with both reports are in "
            + $"artifacts/conformance/{toolchain.Name}/differences.txt. First ones:\n"
            + string.Join("\n", unexpected.Take(10).Select(id => id + ": " + comparison.FirstDifference(id))));
        Assert.True(fixedNow.Count == 0,
            $"documented differences that are gone ({toolchain.Name}), remove them from known-differences.txt and CONFORMANCE.md: "
            + string.Join(", ", fixedNow));
    }

    [Fact]
    public void EveryCaseHasAReportFromRustc()
    {
        var comparison = ToolchainComparison.For(toolchain);
        var missing = comparison.Rustc.Where(p => p.Value.StartsWith("<rustc made no report>", StringComparison.Ordinal)).Select(p => p.Key).ToList();
        Assert.True(missing.Count == 0, "rustc did not run the probe for: " + string.Join(", ", missing.Take(20)));
    }
}

/// <summary>The corpus against rustup's stable rustc.</summary>
public sealed class StableConformanceTests(ITestOutputHelper output) : RustcConformanceTests(output, Toolchains.Stable);

/// <summary>The corpus against rustup's nightly rustc (which also reports <c>join</c>, <c>byte_range</c>, <c>subspan</c>).</summary>
public sealed class NightlyConformanceTests(ITestOutputHelper output) : RustcConformanceTests(output, Toolchains.Nightly);
