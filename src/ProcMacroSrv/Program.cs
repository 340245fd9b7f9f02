using ProcMacroSrv.Cli;

namespace ProcMacroSrv;

/// <summary>Entry point of the <c>proc-macro-srv</c> executable.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args) => CommandLine.Run(args);
}
