using System.Collections.Concurrent;
using System.Text;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.Conformance.Tests.Sides;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Conformance.Tests;

/// <summary>The comparison of every case on one toolchain: rustc's report and ours.</summary>
public sealed class ToolchainComparison
{
    private ToolchainComparison(Toolchain toolchain, IReadOnlyDictionary<string, string> rustc, IReadOnlyDictionary<string, string> ours)
    {
        Toolchain = toolchain;
        Rustc = rustc;
        Ours = ours;
        Different = CaseSet.All.Where(c => rustc[c.Id] != ours[c.Id]).Select(c => c.Id).ToList();
    }

    /// <summary>The toolchain that built the probe and ran rustc's side.</summary>
    public Toolchain Toolchain { get; }

    /// <summary>rustc's report by case id.</summary>
    public IReadOnlyDictionary<string, string> Rustc { get; }

    /// <summary>Our report by case id.</summary>
    public IReadOnlyDictionary<string, string> Ours { get; }

    /// <summary>The ids of the cases whose reports differ, in case order.</summary>
    public IReadOnlyList<string> Different { get; }

    /// <summary>The number of cases whose reports are equal.</summary>
    public int Equal => Rustc.Count - Different.Count;

    private static readonly ConcurrentDictionary<string, Lazy<ToolchainComparison>> s_comparisons = new();

    /// <summary>The comparison on <paramref name="toolchain"/>, computed once per test run.</summary>
    public static ToolchainComparison For(Toolchain toolchain) =>
        s_comparisons.GetOrAdd(toolchain.Name, _ => new Lazy<ToolchainComparison>(() => Compute(toolchain))).Value;

    private static ToolchainComparison Compute(Toolchain toolchain)
    {
        var dylib = FixtureCrates.Build(toolchain).PmProbe;
        var cases = CaseSet.All;
        var rustc = RustcSide.Reports(toolchain, dylib, "corpus", cases);
        var library = ProcMacroLibrary.Load(dylib);
        var ours = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in cases) ours[c.Id] = ServerSide.Report(library, c);
        var comparison = new ToolchainComparison(toolchain, rustc, ours);
        comparison.WriteDifferences();
        return comparison;
    }

    /// <summary>The first line where the two reports of a case differ, with both versions.</summary>
    public string FirstDifference(string id)
    {
        var expected = Rustc[id].Split('\n');
        var actual = Ours[id].Split('\n');
        for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
        {
            var e = i < expected.Length ? expected[i] : "<end>";
            var a = i < actual.Length ? actual[i] : "<end>";
            if (e != a) return $"line {i + 1}\n  rustc: {e}\n  ours:  {a}";
        }
        return "(equal)";
    }

    /// <summary>artifacts/conformance/&lt;toolchain&gt;/differences.txt: every differing case with both reports.</summary>
    private void WriteDifferences()
    {
        var sb = new StringBuilder();
        sb.Append($"{Toolchain.RustcVersion}: {Equal} equal, {Different.Count} different of {Rustc.Count} cases\n");
        foreach (var id in Different)
        {
            sb.Append("\n======== ").Append(id).Append('\n').Append(FirstDifference(id)).Append('\n');
            sb.Append("-------- rustc\n").Append(Rustc[id]).Append("\n-------- ours\n").Append(Ours[id]).Append('\n');
        }
        var directory = Path.Combine(RepositoryLayout.Root, "artifacts", "conformance", Toolchain.Name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "differences.txt"), sb.ToString(), new UTF8Encoding(false));
    }
}
