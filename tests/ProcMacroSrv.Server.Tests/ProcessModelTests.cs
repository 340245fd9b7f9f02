using System.Text.RegularExpressions;
using ProcMacroSrv.Client;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Server.Tests.Support;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// The process model of protocol.md section 1: the gate, the command line, the exit codes. Where
/// the reference is right, ours must behave exactly as it does (same exit code, same stdout and
/// stderr); the deliberate differences are asserted as such.
/// </summary>
public sealed class ProcessModelTests
{
    private const string Banner =
        "This is an IDE implementation detail, you can use this tool by exporting RUST_ANALYZER_INTERNALS_DO_NOT_USE.\n" +
        "Note that this tool's API is highly unstable and may break without prior notice\n";

    private const string Handshake = "{\"ApiVersionCheck\":{}}\n{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}\n{\"SetConfig\":{}}\n";
    private const string HandshakeAnswers = "{\"ApiVersionCheck\":6}\n{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}\n{\"SetConfig\":{\"span_mode\":\"Id\"}}\n";

    private static readonly Dictionary<string, string?> NoGate = new() { [ProcMacroServerProcess.GateVariable] = null };

    private static (ProcessResult Ours, ProcessResult Reference) RunBoth(string[] args, string stdin = "", IReadOnlyDictionary<string, string?>? environment = null)
    {
        var ours = Task.Run(() => ProcessRun.Run(ServerKind.Ours, args, stdin, environment));
        var reference = Task.Run(() => ProcessRun.Run(ServerKind.Reference, args, stdin, environment));
        return (ours.GetAwaiter().GetResult(), reference.GetAwaiter().GetResult());
    }

    private static void AssertSameOutcome(ProcessResult ours, ProcessResult reference)
    {
        if (ours.ExitCode != reference.ExitCode || ours.StandardOutput != reference.StandardOutput || ours.StandardError != reference.StandardError)
            Assert.Fail($"our server and the reference behave differently.\nours:\n{ours}\nreference:\n{reference}");
    }

    public static TheoryData<string[]> GatedArguments() =>
    [
        [], ["--version"], ["--format", "json-legacy"], ["--format", "bogus"], ["--version=x"], ["--"],
    ];

    [Theory]
    [MemberData(nameof(GatedArguments))]
    public void Without_the_gate_both_print_the_banner_and_exit_122(string[] args)
    {
        var (ours, reference) = RunBoth(args, Handshake, NoGate);
        AssertSameOutcome(ours, reference);
        Assert.Equal(122, ours.ExitCode);
        Assert.Equal(Banner, ours.StandardError);
        Assert.Equal("", ours.StandardOutput);
    }

    [Fact]
    public void The_gate_may_have_any_value_even_empty()
    {
        var (ours, reference) = RunBoth([], Handshake, new Dictionary<string, string?> { [ProcMacroServerProcess.GateVariable] = "" });
        AssertSameOutcome(ours, reference);
        Assert.Equal(HandshakeAnswers, ours.StandardOutput);
        Assert.Equal(0, ours.ExitCode);
    }

    public static TheoryData<string[]> ServingArguments() =>
    [
        [], ["--format", "json-legacy"], ["--format=json-legacy"], ["--"], ["--format", "json-legacy", "--"],
    ];

    [Theory]
    [MemberData(nameof(ServingArguments))]
    public void Json_legacy_is_served(string[] args)
    {
        var (ours, reference) = RunBoth(args, Handshake);
        AssertSameOutcome(ours, reference);
        Assert.Equal(HandshakeAnswers, ours.StandardOutput);
        Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public void An_empty_line_ends_the_conversation()
    {
        var (ours, reference) = RunBoth([], "{\"ApiVersionCheck\":{}}\n\n{\"ApiVersionCheck\":{}}\n");
        AssertSameOutcome(ours, reference);
        Assert.Equal("{\"ApiVersionCheck\":6}\n", ours.StandardOutput);
        Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public void End_of_input_without_any_request_exits_0()
    {
        var (ours, reference) = RunBoth([], "");
        AssertSameOutcome(ours, reference);
        Assert.Equal(0, ours.ExitCode);
    }

    private static readonly Regex VersionLine = new(@"^rust-analyzer-proc-macro-srv \d+\.\d+\.\d+( \([0-9a-f]{7} \d{4}-\d{2}-\d{2}\))?\n$");

    public static TheoryData<string[]> VersionArguments() =>
    [
        ["--version"], ["--version", "--format", "json-legacy"], ["--format=json-legacy", "--version"], ["--version", "--"],
    ];

    [Theory]
    [MemberData(nameof(VersionArguments))]
    public void Version_prints_one_line_and_exits_0(string[] args)
    {
        var (ours, reference) = RunBoth(args);
        // Same shape (protocol.md section 1.4); the version itself is each server's own (DIVERGENCES.md).
        foreach (var outcome in new[] { ours, reference })
        {
            Assert.True(outcome.ExitCode == 0 && VersionLine.IsMatch(outcome.StandardOutput) && outcome.StandardError == "", outcome.ToString());
        }
        Assert.StartsWith("rust-analyzer-proc-macro-srv 1.95.0 (", reference.StandardOutput);
    }

    public static TheoryData<string[]> BadArguments() =>
    [
        ["--help"], ["-h"], ["-V"], ["--Version"], ["-"], ["--version=x"], ["--version="], ["--format"], ["--format="],
        ["--format", "bogus"], ["--format=bogus"], ["--format", "-"], ["--format", "-x"], ["--format", "-1"],
        ["--format", "--bogus"], ["--format", "--"], ["--format", "--version"], ["--format", "--format=json-legacy"],
        ["--format=json-legacy=x"], ["--format", "json-legacy", "--format", "json-legacy"], ["--format=json-legacy", "--format=bogus"],
        ["--format", "bogus", "--format", "json-legacy"], ["--version", "--version"], ["--version", "--version=x"],
        ["--version", "-x"], ["--version", "extra"], ["--format", "bogus", "extra"], ["--format=bogus", "extra"],
        ["--format", "bogus", "--version=x"], ["--format=bogus", "--version=x"], ["--format", "bogus", "--version"],
        ["--format", "bogus", "--"], ["--format", "json-legacy", "--", "x"], ["--", "--version"], ["--timeout", "5"],
        ["--in-process"],
    ];

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_give_the_reference_error_and_exit_2(string[] args)
    {
        var (ours, reference) = RunBoth(args, Handshake);
        AssertSameOutcome(ours, reference);
        Assert.Equal(2, ours.ExitCode);
        Assert.Matches(@"^error: [^\n]+\n$", ours.StandardError);
        Assert.Equal("", ours.StandardOutput);
    }

    /// <summary>
    /// DIVERGENCES.md: our executable is also a human command line. Without the gate, a first
    /// argument that is not the reference's (<c>--help</c>, a subcommand) reaches it, where the
    /// reference prints the banner; with the gate, a first argument that is a word (a subcommand
    /// name) reaches it too, where the reference says <c>unexpected argument found</c>.
    /// </summary>
    [Fact]
    public void The_human_command_line_is_reached_by_its_own_arguments()
    {
        var help = RunBoth(["--help"], "", NoGate);
        Assert.Equal(122, help.Reference.ExitCode);
        Assert.True(help.Ours.ExitCode == 0 && help.Ours.StandardOutput.Contains("inspect <LIB>", StringComparison.Ordinal), help.Ours.ToString());

        var word = RunBoth(["extra"], "");
        Assert.True(word.Reference.ExitCode == 2 && word.Reference.StandardError == "error: unexpected argument found\n", word.Reference.ToString());
        Assert.True(word.Ours.ExitCode == 2 && word.Ours.StandardError.Contains("'extra'", StringComparison.Ordinal), word.Ours.ToString());
    }

    [Fact]
    public void Postcard_is_not_supported_yet()
    {
        var ours = ProcessRun.Run(ServerKind.Ours, ["--format", "bidirectional-postcard-prototype"], Handshake);
        Assert.Equal(2, ours.ExitCode);
        Assert.Equal("", ours.StandardOutput);
        Assert.Contains("bidirectional-postcard-prototype", ours.StandardError);
        Assert.Contains("not supported yet", ours.StandardError);
        Assert.Matches(@"^error: [^\n]+\n$", ours.StandardError);
        // The reference serves it (DIVERGENCES.md): ApiVersionCheck as a COBS frame, answered with version 6 (protocol.md 4.7).
        var reference = ProcessRun.Run(ServerKind.Reference, ["--format", "bidirectional-postcard-prototype"], "\u0001\u0002\u0002\u0000");
        Assert.Equal(0, reference.ExitCode);
        Assert.Equal("\u0004\u0001\u0002\u0006\u0000", reference.StandardOutput);
    }

    [Fact]
    public void Serve_subcommand_serves_without_the_gate()
    {
        foreach (var args in new[] { new[] { "serve" }, ["serve", "--format", "json-legacy"] })
        {
            var ours = ProcessRun.Run(ServerKind.Ours, args, Handshake, NoGate);
            Assert.True(ours.ExitCode == 0 && ours.StandardOutput == HandshakeAnswers, ours.ToString());
        }
        var bad = ProcessRun.Run(ServerKind.Ours, ["serve", "--format", "bogus"], Handshake, NoGate);
        Assert.True(bad.ExitCode == 2 && bad.StandardError == "error: one of the values isn't valid for an argument\n" && bad.StandardOutput == "", bad.ToString());
    }
}
