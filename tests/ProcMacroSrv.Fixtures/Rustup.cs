namespace ProcMacroSrv.Fixtures;

/// <summary>Finds rustup and its toolchains (without ever installing anything).</summary>
internal static class Rustup
{
    private static readonly Lazy<string> s_path = new(Find);
    private static readonly Lazy<IReadOnlyList<string>> s_toolchains = new(ListToolchains);

    /// <summary>The rustup executable: from PATH, else $CARGO_HOME/bin, else ~/.cargo/bin.</summary>
    public static string Path => s_path.Value;

    /// <summary>The directory with rustup's proxies (cargo, rustc), next to rustup itself.</summary>
    public static string ProxyDirectory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary><c>rustup toolchain list</c>, e.g. <c>stable-x86_64-unknown-linux-gnu</c>.</summary>
    public static IReadOnlyList<string> InstalledToolchains => s_toolchains.Value;

    private static string Find()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "rustup"))
            .ToList();
        if (Environment.GetEnvironmentVariable("CARGO_HOME") is { Length: > 0 } cargoHome)
        {
            candidates.Add(System.IO.Path.Combine(cargoHome, "bin", "rustup"));
        }

        candidates.Add(System.IO.Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cargo", "bin", "rustup"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FixtureSetupException(
                "rustup was not found (looked in PATH, $CARGO_HOME/bin and ~/.cargo/bin). The tests need rustup's "
                + "`stable` and `nightly` toolchains: install rustup, then `rustup toolchain install stable nightly --profile minimal`.");
    }

    private static IReadOnlyList<string> ListToolchains()
    {
        var result = ProcessRunner.Run(Path, ["toolchain", "list"]);
        if (!result.Succeeded)
        {
            throw new FixtureSetupException($"`{result.CommandLine}` failed:\n{result.StandardErrorTail()}");
        }

        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .ToList();
    }
}
