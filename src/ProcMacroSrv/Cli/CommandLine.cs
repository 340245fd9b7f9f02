using System.CommandLine;
using System.CommandLine.Invocation;

namespace ProcMacroSrv.Cli;

/// <summary>The human command line: <c>inspect</c>, <c>list</c>, <c>expand</c>, <c>demo</c>.</summary>
internal static class CommandLine
{
    /// <summary>Exit code when a macro panicked.</summary>
    public const int MacroPanicked = 1;

    /// <summary>Exit code when the dylib or macro could not be used (inspection, ABI, loading, name),
    /// and for command-line errors (so that 1 always means a panic).</summary>
    public const int LibraryError = 2;

    public static int Run(string[] args)
    {
        var root = new RootCommand(
            "ProcMacroSrv: inspect Rust proc-macro dylibs and expand their macros outside rustc.\n" +
            "Exit codes: 0 success, 1 the macro panicked, 2 the dylib or macro could not be used (or a command-line error).");
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(ExpandCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        var parse = root.Parse(args);
        var exitCode = parse.Invoke();
        // System.CommandLine exits with 1 on a command-line error, which here means "the macro panicked".
        return parse.Action is ParseErrorAction ? LibraryError : exitCode;
    }

    /// <summary>The <c>LIB</c> argument shared by the commands.</summary>
    public static Argument<FileInfo> LibraryArgument() => new("LIB") { Description = "Path of a proc-macro dylib (.so) built by rustc." };

    /// <summary>The <c>--json</c> option shared by the commands.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of text." };
}
