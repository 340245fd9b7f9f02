using System.Diagnostics;
using System.Text;
using ProcMacroSrv.Client;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>What one finished run of a server executable did.</summary>
internal sealed record ProcessOutcome(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() =>
        $"$ {CommandLine}\n(exit code {ExitCode})\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}--- end ---";
}

/// <summary>Runs a server executable to completion with given arguments, environment and stdin.</summary>
internal static class ProcessRun
{
    /// <summary>
    /// Runs <paramref name="kind"/> as rust-analyzer would (<see cref="ProcMacroServerProcess.CreateStartInfo"/>),
    /// then applies <paramref name="environment"/> (null values remove variables, so the gate can be
    /// taken away), writes <paramref name="stdin"/> and closes it.
    /// </summary>
    public static ProcessOutcome Run(ServerKind kind, IEnumerable<string> arguments, string stdin = "",
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var options = Servers.RustAnalyzerOptions();
        foreach (var argument in arguments) options.Arguments.Add(argument);
        var info = ProcMacroServerProcess.CreateStartInfo(Servers.PathOf(kind), options);
        info.RedirectStandardError = true;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        var commandLine = string.Join(' ', new[] { info.FileName }.Concat(info.ArgumentList));
        using var process = Process.Start(info) ?? throw new ServerFailureException($"could not start {commandLine}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(Encoding.UTF8.GetBytes(stdin));
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited without reading its input (a command-line error): that is what is being tested.
        }
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new ServerFailureException($"`{commandLine}` did not exit within {limit}; it was killed.\nstderr:\n{stderr.Result}");
        }
        process.WaitForExit();
        return new ProcessOutcome(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }
}
