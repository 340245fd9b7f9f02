using System.Diagnostics;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.RustAnalyzer.Tests;

/// <summary>One finished <c>rust-analyzer analysis-stats</c> run.</summary>
/// <param name="Label">What the run used (our server, the reference server, no proc macros).</param>
/// <param name="CsvRows">stdout: with <c>--output csv</c>, one row per expression or pattern whose type is
/// unknown or partially unknown, and per type mismatch (paths relative to the workspace).</param>
internal sealed record AnalysisRun(string Label, string CommandLine, TimeSpan Elapsed, AnalysisStats Stats, IReadOnlyList<string> CsvRows)
{
    public string Describe() => $"{Label,-28} {Stats.Line.Trim()}   ({Elapsed.TotalSeconds:0.0} s)";
}

/// <summary>
/// Runs Debian's rust-analyzer 1.96 (installed by scripts/install-deps.sh under /opt/rust-analyzer-1.96)
/// the way a user would, with rustc 1.96 first on PATH, so the workspace's proc macros are built by the
/// toolchain whose reference server is the baseline.
/// </summary>
internal static class RustAnalyzer
{
    public const string InstallDirectory = "/opt/rust-analyzer-1.96";

    /// <summary>A cold run builds tokio, clap, serde... with cargo first: minutes on a slow machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    private const string InstallHint =
        "Run `scripts/install-deps.sh` as root: it installs Debian's rust-web-analyzer 1.96 under "
        + InstallDirectory + " (with a wrapper that finds rustc 1.96's libraries), makes rustc 1.96's sysroot "
        + "library sources resolvable offline, and installs the Debian crates fixtures/ra-derives needs.";

    /// <summary>Variables that would make rust-analyzer log to stderr or look elsewhere for the std sources
    /// (ProcessRunner already clears those that would redirect cargo or rustc).</summary>
    private static readonly string[] s_variablesToClear = ["RA_LOG", "RUST_LOG", "RUST_SRC_PATH"];

    private static readonly Lazy<string> s_executable = new(FindExecutable);

    /// <summary>The rust-analyzer wrapper; throws (naming scripts/install-deps.sh) when it is missing or not 1.96.</summary>
    public static string Executable => s_executable.Value;

    /// <summary>
    /// <c>rust-analyzer analysis-stats --output csv [--proc-macro-srv SERVER | --disable-proc-macros] WORKSPACE</c>
    /// with cargo's target directory at <paramref name="targetDirectory"/>.
    /// </summary>
    /// <param name="procMacroServer">The server executable, or null to run with proc macros disabled.</param>
    public static AnalysisRun RunAnalysisStats(string label, string workspace, string targetDirectory, string? procMacroServer)
    {
        List<string> arguments = ["analysis-stats", "--output", "csv"];
        arguments.AddRange(procMacroServer is null ? ["--disable-proc-macros"] : ["--proc-macro-srv", procMacroServer]);
        arguments.Add(workspace);

        var toolchainBin = Path.Combine(Toolchains.Debian196.DebianDirectory!, "bin");
        var path = Environment.GetEnvironmentVariable("PATH");
        var environment = s_variablesToClear.ToDictionary(name => name, _ => (string?)null);
        environment["PATH"] = string.IsNullOrEmpty(path) ? toolchainBin : toolchainBin + Path.PathSeparator + path;
        environment["CARGO_TARGET_DIR"] = targetDirectory;

        var commandLine = $"PATH={toolchainBin}:$PATH CARGO_NET_OFFLINE=true CARGO_TARGET_DIR={targetDirectory} "
            + string.Join(' ', arguments.Prepend(Executable));
        var stopwatch = Stopwatch.StartNew();
        var result = ProcessRunner.Run(Executable, arguments, workspace, environment, Timeout);
        stopwatch.Stop();
        var stats = AnalysisStats.ParseLast(result.StandardOutput + "\n" + result.StandardError);
        if (result.ExitCode != 0 || stats is null)
        {
            throw new InvalidOperationException(
                $"{label}: `{commandLine}` exited with {result.ExitCode}"
                + (stats is null ? " without an `exprs: ...` line" : "") + $".\n{Tail(result.StandardError)}");
        }

        var rows = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(",type,", StringComparison.Ordinal) || line.Contains(",mismatch,", StringComparison.Ordinal))
            .Select(line => line.Replace(workspace + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))
            .ToList();
        return new AnalysisRun(label, commandLine, stopwatch.Elapsed, stats, rows);
    }

    private static string FindExecutable()
    {
        var executable = Path.Combine(InstallDirectory, "bin", "rust-analyzer");
        if (!File.Exists(executable))
        {
            throw new FixtureSetupException($"rust-analyzer 1.96 is not installed: {executable} does not exist. {InstallHint}");
        }

        var result = ProcessRunner.Run(executable, ["--version"]);
        var version = result.StandardOutput.Trim();
        if (result.ExitCode != 0 || !version.StartsWith("rust-analyzer 1.96", StringComparison.Ordinal))
        {
            throw new FixtureSetupException(
                $"`{executable} --version` printed `{version}` (exit code {result.ExitCode}; {result.StandardError.Trim()}), "
                + $"expected rust-analyzer 1.96. {InstallHint}");
        }

        return executable;
    }

    /// <summary>The last lines of a tool's stderr; progress reports are redrawn with carriage returns.</summary>
    private static string Tail(string text, int maxLines = 60)
    {
        var lines = text.Replace("\r", "\n", StringComparison.Ordinal)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', lines.Length <= maxLines ? lines : ["...", .. lines[^maxLines..]]);
    }
}
