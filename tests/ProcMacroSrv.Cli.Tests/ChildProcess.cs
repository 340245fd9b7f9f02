using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>The outcome of one finished child process: exit code, stdout and stderr kept apart.</summary>
internal sealed record ProcessOutcome(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>stdout split into lines, without the empty string after the final newline.</summary>
    public string[] StdoutLines => Lines(Stdout);

    /// <summary>stderr split into lines, without the empty string after the final newline.</summary>
    public string[] StderrLines => Lines(Stderr);

    /// <summary>Fails the test (showing both streams) unless the process exited with <paramref name="expected"/>.</summary>
    public ProcessOutcome ShouldExit(int expected)
    {
        if (ExitCode != expected)
        {
            Assert.Fail($"expected exit code {expected}, got {ExitCode}\n{this}");
        }

        return this;
    }

    public override string ToString() =>
        $"$ {CommandLine}\n(exit code {ExitCode})\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}--- end ---";

    private static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}

/// <summary>Runs a program (the shared fixture runner) with the CLI tests' locale, as a <see cref="ProcessOutcome"/>.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="fileName"/>; <paramref name="environment"/> entries with a null value are removed
    /// from the inherited environment. Kills the process tree and fails the test after <paramref name="timeout"/>.
    /// </summary>
    public static ProcessOutcome Run(
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
        var result = ProcessRunner.Run(fileName, arguments, workingDirectory, variables, timeout ?? TimeSpan.FromMinutes(2));
        return new ProcessOutcome(result.CommandLine, result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Runs a tool the tests depend on (nm, gcc, rustc); fails the test if it does not succeed (<see cref="ProcessRunner.RunChecked"/>).</summary>
    public static ProcessOutcome RunTool(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var result = ProcessRunner.RunChecked(fileName, arguments, workingDirectory);
        return new ProcessOutcome(result.CommandLine, result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
