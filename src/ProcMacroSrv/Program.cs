using ProcMacroSrv.Cli;
using ProcMacroSrv.Server;

namespace ProcMacroSrv;

/// <summary>Entry point of the <c>proc-macro-srv</c> executable.</summary>
public static class Program
{
    /// <summary>
    /// Without a subcommand the executable is rust-analyzer's proc-macro server (behind the
    /// same environment gate as the reference); with one it is the human command line.
    /// </summary>
    public static int Main(string[] args)
    {
        if (ServerCommandLine.IsServerInvocation(args)) return ServerCommandLine.RunGated(args);
        if (args[0] == Server.Isolation.ExpansionWorker.Subcommand) return ServerCommandLine.RunWorker(args[1..]);
        if (args[0] == "serve") return ServerCommandLine.Run(args[1..], acceptOwnOptions: true);
        return CommandLine.Run(args);
    }
}
