namespace ProcMacroSrv.Fixtures;

/// <summary>Where the repository, the fixture workspace and the build outputs are.</summary>
public static class RepositoryLayout
{
    private const string SolutionFileName = "ProcMacroSrv.slnx";

    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory that contains ProcMacroSrv.slnx (found from the test assembly's directory).</summary>
    public static string Root => s_root.Value;

    /// <summary><c>fixtures/</c>: the Cargo workspace with the fixture crates.</summary>
    public static string FixturesWorkspace => Path.Combine(Root, "fixtures");

    /// <summary><c>artifacts/fixtures/</c>: per-toolchain target directories (gitignored).</summary>
    public static string FixtureArtifacts => Path.Combine(Root, "artifacts", "fixtures");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }

        throw new FixtureSetupException(
            $"No {SolutionFileName} in {AppContext.BaseDirectory} or any parent directory: "
            + "the fixtures are built from the repository's fixtures/ workspace, so tests must run from a build inside the repository.");
    }
}
