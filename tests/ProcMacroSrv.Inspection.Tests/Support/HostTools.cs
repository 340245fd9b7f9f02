using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>Runs the host programs the tests depend on (rustc, gcc, objcopy, nm, readelf, strip, mkfifo).</summary>
internal static class HostTools
{
    /// <summary>Ample for compiling the small test crates; a hung tool fails its test instead of stalling the run.</summary>
    private static readonly TimeSpan TimeLimit = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Runs <paramref name="program"/> and returns its stdout. A program that cannot start throws
    /// <see cref="FixtureSetupException"/> (with an install hint), one that runs past the time
    /// limit <see cref="FixtureBuildException"/>, and one that exits non-zero
    /// <see cref="InvalidOperationException"/> with its command line and output.
    /// </summary>
    public static string Run(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        ProcessResult result = ProcessRunner.Run(program, arguments, workingDirectory, timeout: TimeLimit);
        if (!result.Succeeded)
        {
            // InvalidOperationException, not a fixture exception: TestDylibs.CLibrary32 falls back on it.
            throw new InvalidOperationException(
                $"`{result.CommandLine}` exited with {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
        }

        return result.StandardOutput;
    }
}
