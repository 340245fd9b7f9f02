using System.Diagnostics;

namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>Runs the external tools the tests depend on (rustc, gcc, objcopy, nm, readelf, mkfifo).</summary>
internal static class ExternalCommand
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs the command and returns its output; throws if it cannot start or times out.</summary>
    public static Result Run(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(program, arguments)} did not finish within {Timeout}");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the command and returns its stdout; throws with its stderr if it fails.</summary>
    public static string RunChecked(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        Result result = Run(program, arguments, workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Describe(program, arguments)} exited with {result.ExitCode}:\n{result.Stderr}{result.Stdout}");
        }

        return result.Stdout;
    }

    private static string Describe(string program, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(program));
}
