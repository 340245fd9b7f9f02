using System.Diagnostics;
using System.Text;

namespace ProcMacroSrv.Fixtures;

/// <summary>The outcome of one finished child process.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether the process exited with code 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>stdout split into lines, without the empty string after the final newline.</summary>
    public string[] StandardOutputLines => Lines(StandardOutput);

    /// <summary>stderr split into lines, without the empty string after the final newline.</summary>
    public string[] StandardErrorLines => Lines(StandardError);

    /// <summary>The run as a transcript: command line, exit code and both streams.</summary>
    public override string ToString() =>
        $"$ {CommandLine}\n(exit code {ExitCode})\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}--- end ---";

    private static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>The last <paramref name="maxLines"/> lines of stderr, for exception messages.</summary>
    public string StandardErrorTail(int maxLines = 60)
    {
        var lines = StandardError.TrimEnd().Split('\n');
        return lines.Length <= maxLines
            ? string.Join('\n', lines)
            : "...\n" + string.Join('\n', lines[^maxLines..]);
    }
}

/// <summary>
/// Runs a program the tests need (cargo, rustc, rustup, the built <c>proc-macro-srv</c>) with its
/// streams captured and a time limit, in an environment cleared of what would redirect cargo or
/// rustc.
/// </summary>
public static class ProcessRunner
{
    /// <summary>Variables that would redirect or alter a cargo/rustc run; removed from child processes.</summary>
    private static readonly string[] s_inheritedVariablesToClear =
    [
        "RUSTC", "RUSTDOC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTUP_TOOLCHAIN",
        "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "RUSTC_BOOTSTRAP",
        "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "CARGO_BUILD_TARGET", "CARGO_BUILD_RUSTC",
        "CARGO_MANIFEST_DIR", "CARGO_PRIMARY_PACKAGE", "CARGO",
    ];

    /// <summary>
    /// Runs <paramref name="fileName"/> to its end; <paramref name="environment"/> entries with a
    /// null value are removed from the inherited environment. <paramref name="standardInput"/> (UTF-8)
    /// is written to the process, then its stdin is closed. A process still running after
    /// <paramref name="timeout"/> (default 30 minutes) is killed with its children, and the run
    /// fails with what it printed.
    /// </summary>
    /// <exception cref="FixtureSetupException">The program cannot be started (not installed).</exception>
    /// <exception cref="FixtureBuildException">The program did not finish in time.</exception>
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? standardInput = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            // Not the process's current directory: an expansion running in another test moves
            // it into a request's directory for a moment, which may be gone by the time this
            // child starts.
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in s_inheritedVariablesToClear)
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["CARGO_TERM_COLOR"] = "never";
        startInfo.Environment["CARGO_NET_OFFLINE"] = "true";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) startInfo.Environment.Remove(name);
                else startInfo.Environment[name] = value;
            }
        }

        var commandLine = string.Join(' ', new[] { fileName }.Concat(startInfo.ArgumentList).Select(Quote));
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FixtureSetupException($"Cannot start `{commandLine}`: {e.Message}. {FixtureSetupException.InstallHint}", e);
        }

        // Reading starts first, so a process that writes while its input is being written cannot block.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // As bytes: the stream writer's encoding must not add a byte-order mark.
            if (standardInput is not null) process.StandardInput.BaseStream.Write(Encoding.UTF8.GetBytes(standardInput));
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited without reading all its input (e.g. a command-line error): its outcome says so.
        }

        var limit = timeout ?? TimeSpan.FromMinutes(30);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new FixtureBuildException($"`{commandLine}` did not finish within {limit}; it was killed.\n--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
        }

        process.WaitForExit(); // also waits for the redirected streams to reach end of file
        return new ProcessResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=+,@".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Runs a tool a test depends on (gcc, nm, objcopy, rustc) with a three-minute limit: a hung
    /// tool fails its test instead of stalling the run. Throws, with the command line and the
    /// output, when it exits non-zero.
    /// </summary>
    /// <exception cref="FixtureSetupException">The tool cannot be started (not installed).</exception>
    /// <exception cref="FixtureBuildException">The tool did not finish in time.</exception>
    /// <exception cref="InvalidOperationException">The tool exited non-zero.</exception>
    public static ProcessResult RunChecked(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var result = Run(fileName, arguments, workingDirectory, timeout: TimeSpan.FromMinutes(3));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"`{result.CommandLine}` exited with {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
        }
        return result;
    }
}
