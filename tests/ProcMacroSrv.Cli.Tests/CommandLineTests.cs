namespace ProcMacroSrv.Cli.Tests;

/// <summary><c>--help</c> everywhere, and what a wrong command line does.</summary>
public sealed class CommandLineTests
{
    /// <summary>command (empty: the root), what its help must mention.</summary>
    public static TheoryData<string, string[]> HelpTexts => new()
    {
        { "", ["Usage:", "proc-macro-srv [command] [options]", "inspect <LIB>", "list <LIB>", "expand <LIB> <MACRO>", "demo", "Exit codes"] },
        { "inspect", ["Usage:", "proc-macro-srv inspect <LIB> [options]", "<LIB>", "--json"] },
        { "list", ["Usage:", "proc-macro-srv list <LIB> [options]", "<LIB>", "--json"] },
        { "expand", ["Usage:", "proc-macro-srv expand <LIB> <MACRO> [options]", "<LIB>", "<MACRO>", "--input <", "--input-file <", "--attr <", "--env <", "--cwd <", "--json"] },
        { "demo", ["Usage:", "proc-macro-srv demo [options]", "--cargo <"] },
    };

    [Theory]
    [MemberData(nameof(HelpTexts))]
    public void HelpWorksOnTheRootAndEveryCommand(string command, string[] mentions)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            string[] args = command.Length == 0 ? [flag] : [command, flag];
            var result = Cli.Run(args, null).ShouldExit(0);
            Assert.Equal("", result.StandardError);
            foreach (var text in mentions)
            {
                Assert.Contains(text, result.StandardOutput, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>arguments after <c>expand LIB</c> or a whole command line (LIB stands for a real dylib), what stderr must say.</summary>
    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["expand", "LIB", "do_thrice"], "exactly one of --input TEXT or --input-file FILE" },
        { ["expand", "LIB", "do_thrice", "--input", "x", "--input-file", "LIB"], "exactly one of --input TEXT or --input-file FILE" },
        { ["expand", "LIB", "env_value", "--input", "X", "--env", "NOVALUE"], "--env wants K=V, got `NOVALUE`" },
        { ["expand", "LIB", "env_value", "--input", "X", "--env", "=value"], "--env wants K=V, got `=value`" },
        { ["expand", "LIB", "--input", "x"], "Required argument 'MACRO' missing" },
        { ["inspect"], "Required argument 'LIB' missing" },
        { ["frobnicate"], "frobnicate" },
        // The server's own worker subcommand, run by hand without the pipe it reports on.
        { ["expansion-worker"], "is started by the server itself" },
        { ["expansion-worker", "notanfd", "id"], "is started by the server itself" },
        { ["expansion-worker", "987", "id"], "descriptor 987 is not a pipe" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void AWrongCommandLineExitsWithTwoNotWithThePanicCode(string[] arguments, string message)
    {
        // 1 means "the macro panicked"; System.CommandLine's own code for parse errors is 1 too.
        var lib = Dylibs.PmBasics();
        var result = Cli.Run(arguments.Select(a => a == "LIB" ? lib : a), null).ShouldExit(2);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }
}
