using System.Diagnostics;
using System.Text;

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

/// <summary>Runs a program with redirected streams, an optional environment and a time limit.</summary>
internal static class ChildProcess
{
    /// <summary>Variables of the test run that would redirect or alter cargo/rustc in a child.</summary>
    private static readonly string[] s_cargoVariablesToClear =
    [
        "RUSTC", "RUSTDOC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTUP_TOOLCHAIN",
        "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "RUSTC_BOOTSTRAP",
        "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "CARGO_BUILD_TARGET", "CARGO", "CARGO_MANIFEST_DIR",
    ];

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
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in s_cargoVariablesToClear)
        {
            start.Environment.Remove(name);
        }

        // Messages of System.CommandLine are localised: keep them in English.
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["LANG"] = "C.UTF-8";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    start.Environment.Remove(name);
                }
                else
                {
                    start.Environment[name] = value;
                }
            }
        }

        var commandLine = string.Join(' ', new[] { fileName }.Concat(start.ArgumentList).Select(Quote));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {commandLine}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"`{commandLine}` did not finish within {limit} and was killed.\n--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
        }

        process.WaitForExit(); // until the redirected streams are drained
        return new ProcessOutcome(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a tool the tests depend on (nm, gcc, rustc); fails the test if it does not succeed.</summary>
    public static ProcessOutcome RunTool(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        ProcessOutcome outcome;
        try
        {
            outcome = Run(fileName, arguments, workingDirectory);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run `{fileName}` ({e.Message}); scripts/install-deps.sh installs the tools the tests need", e);
        }

        return outcome.ShouldExit(0);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=+,@".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
