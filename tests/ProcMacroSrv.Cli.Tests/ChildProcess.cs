using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>Runs a program (the shared fixture runner) with the CLI tests' locale.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="fileName"/>; <paramref name="environment"/> entries with a null value are removed
    /// from the inherited environment. Kills the process tree and fails the test after <paramref name="timeout"/>.
    /// </summary>
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        // Messages of System.CommandLine are localised: keep them in English.
        var variables = new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8", ["LANG"] = "C.UTF-8" };
        if (environment is not null)
        {
            foreach (var (name, value) in environment) variables[name] = value;
        }
        return ProcessRunner.Run(fileName, arguments, workingDirectory, variables, timeout ?? TimeSpan.FromMinutes(2));
    }

    /// <summary>Fails the test (showing both streams) unless the process exited with <paramref name="expected"/>.</summary>
    public static ProcessResult ShouldExit(this ProcessResult result, int expected)
    {
        if (result.ExitCode != expected) Assert.Fail($"expected exit code {expected}, got {result.ExitCode}\n{result}");
        return result;
    }
}
