using System.Text;
using ProcMacroSrv.Fixtures;
using Xunit.Abstractions;

namespace ProcMacroSrv.RustAnalyzer.Tests;

/// <summary>
/// The real client as the judge: rust-analyzer 1.96 type-checks fixtures/ra-derives (serde, thiserror,
/// strum, pin_project, derive_more, async_trait, tracing, tokio, clap and the repository's own fixture
/// macros) once through our server, once through rustc 1.96's reference server and once with proc
/// macros disabled. Our figures must be the reference's, and the disabled run shows that they depend
/// on the expansions.
/// </summary>
public sealed class DeriveWorkspaceTests(ITestOutputHelper output)
{
    private const string WorkspaceName = "ra-derives";

    [Fact]
    public void Rust_analyzer_types_the_derive_workspace_through_our_server_as_through_the_reference()
    {
        var toolchain = Toolchains.Debian196;
        var referenceServer = toolchain.ReferenceServer; // throws, naming scripts/install-deps.sh, when 1.96 is missing
        _ = toolchain.RustcVersion;                      // ... and when its rustc does not run
        _ = RustAnalyzer.Executable;                     // ... and when rust-analyzer 1.96 is missing
        var ourServer = OurServer();

        var workspace = Path.Combine(RepositoryLayout.FixturesWorkspace, WorkspaceName);
        // One target directory for the three runs: cargo builds the proc-macro dylibs (with rustc 1.96) once.
        var targetDirectory = Path.Combine(RepositoryLayout.Root, "artifacts", WorkspaceName, toolchain.Name);
        Directory.CreateDirectory(targetDirectory);

        var reference = RustAnalyzer.RunAnalysisStats("reference server (1.96)", workspace, targetDirectory, referenceServer);
        var ours = RustAnalyzer.RunAnalysisStats("our server", workspace, targetDirectory, ourServer);
        var disabled = RustAnalyzer.RunAnalysisStats("--disable-proc-macros", workspace, targetDirectory, procMacroServer: null);

        var report = new StringBuilder()
            .AppendLine($"rust-analyzer analysis-stats on fixtures/{WorkspaceName}:")
            .AppendLine("  " + ours.Describe())
            .AppendLine("  " + reference.Describe())
            .AppendLine("  " + disabled.Describe())
            .AppendLine($"  our server: {ourServer}")
            .AppendLine($"  reference server: {referenceServer}")
            .AppendLine($"  command (ours): {ours.CommandLine}");
        AppendRowDifferences(report, ours, reference);
        var summary = report.ToString();
        output.WriteLine(summary);

        Assert.True(ours.Stats.Figures == reference.Stats.Figures, "Our figures differ from the reference server's.\n" + summary);
        Assert.True(reference.Stats.UnknownTypes == 0, "The reference server leaves expressions of unknown type (??ty): the fixture must type-check completely.\n" + summary);
        Assert.True(ours.Stats.UnknownTypes == 0, "Through our server expressions have unknown types (??ty).\n" + summary);
        Assert.True(
            disabled.Stats.Exprs < reference.Stats.Exprs || disabled.Stats.UnknownTypes > reference.Stats.UnknownTypes,
            "Disabling proc macros changes nothing, so the comparison does not show that macros expanded.\n" + summary);
    }

    /// <summary>Our server: the published build when scripts/test.sh names it, else the apphost next to the tests.</summary>
    private static string OurServer() => Fixtures.ServerUnderTest.Path;

    /// <summary>The <c>--output csv</c> rows (unknown types, mismatches) that only one of the runs has.</summary>
    private static void AppendRowDifferences(StringBuilder report, AnalysisRun ours, AnalysisRun reference, int limit = 40)
    {
        var onlyOurs = ours.CsvRows.Except(reference.CsvRows).ToList();
        var onlyReference = reference.CsvRows.Except(ours.CsvRows).ToList();
        foreach (var (label, rows) in new[] { ("only with our server", onlyOurs), ("only with the reference server", onlyReference) })
        {
            if (rows.Count == 0)
            {
                continue;
            }

            report.AppendLine($"  {label} ({rows.Count} rows of `--output csv`):");
            foreach (var row in rows.Take(limit))
            {
                report.AppendLine("    " + row);
            }

            if (rows.Count > limit)
            {
                report.AppendLine("    ...");
            }
        }
    }
}
