using ProcMacroSrv.Client;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>Runs a server executable to completion with given arguments, environment and stdin.</summary>
internal static class ProcessRun
{
    /// <summary>
    /// Runs <paramref name="kind"/> as rust-analyzer would (<see cref="ProcMacroServerProcess.CreateStartInfo"/>),
    /// then applies <paramref name="environment"/> (null values remove variables, so the gate can be
    /// taken away), writes <paramref name="stdin"/> and closes it.
    /// </summary>
    public static ProcessResult Run(ServerKind kind, IEnumerable<string> arguments, string stdin = "",
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var options = Servers.RustAnalyzerOptions();
        foreach (var argument in arguments) options.Arguments.Add(argument);
        var info = ProcMacroServerProcess.CreateStartInfo(Servers.PathOf(kind), options);
        // The whole environment rust-analyzer would give (ProcessRunner would otherwise drop
        // RUSTUP_TOOLCHAIN and other inherited variables), then the test's changes.
        var variables = info.Environment.ToDictionary(entry => entry.Key, entry => entry.Value);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) variables[name] = value;
        return ProcessRunner.Run(info.FileName, info.ArgumentList, workingDirectory: null, variables,
            timeout ?? TimeSpan.FromSeconds(60), stdin);
    }
}
