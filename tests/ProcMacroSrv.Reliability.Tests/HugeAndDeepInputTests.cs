using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Reliability.Tests.Support;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>
/// A 100 MB request line and token trees or JSON nested 100,000 deep: neither the worker nor the
/// supervisor may overflow its stack or stop serving. The tests share one server.
/// </summary>
public sealed class HugeAndDeepInputTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Area = "Hostile input";
    private const int Depth = 100_000;
    private const int HundredMegabytes = 100 * 1024 * 1024;

    [Fact]
    public async Task A_100_MB_request_line_in_an_ignored_field_is_answered()
    {
        var server = await shared.InModeAsync(SpanMode.Id);
        var line = Wire.Expand(extra: ",\"padding\":\"" + new string('a', HundredMegabytes) + "\"");

        var answer = Answer.Of(await server.SendRawAsync(line));

        Assert.True(answer.IsOk, answer.Error);
        Assert.Equal("\"hello\"", answer.Text);
        await server.AssertServingAsync("a 100 MB request");
        ReliabilityLog.Record(Area, "100 MB request line (valid ExpandMacro, 100 MB in an unknown field)", answer, keptServing: true);
    }

    [Fact]
    public async Task A_100_MB_unterminated_request_line_is_a_malformed_request()
    {
        var server = await shared.InModeAsync(SpanMode.RustAnalyzer);
        var line = "{\"ExpandMacro\":{\"lib\":\"" + new string('a', HundredMegabytes);

        var answer = Answer.Of(await server.SendRawAsync(line));

        Assert.Equal("ExpandMacroExtended", answer.Variant);
        Assert.StartsWith("malformed request: invalid JSON: ", answer.Error);
        Assert.True(answer.Error!.Length < 1000, $"the error is {answer.Error.Length} characters long");
        await server.AssertServingAsync("a 100 MB malformed request");
        ReliabilityLog.Record(Area, "100 MB request line (unterminated JSON string)", answer, keptServing: true);
    }

    [Fact]
    public async Task A_16_MB_macro_name_is_answered()
    {
        var server = await shared.InModeAsync(SpanMode.Id);
        var name = new string('m', 16 << 20);

        var answer = Answer.Of(await server.SendRawAsync(Wire.Expand(name: name)));

        Assert.False(answer.IsOk);
        Assert.StartsWith("proc-macro `mmmm", answer.Error);
        Assert.EndsWith("` is missing", answer.Error);
        await server.AssertServingAsync("a 16 MB macro name");
        ReliabilityLog.Record(Area, "16 MB macro name", $"{answer.Variant} Err: proc-macro `mmm…` is missing ({answer.Error!.Length:N0} characters: the whole name is echoed)", keptServing: true);
    }

    [Fact]
    public async Task Memory_taken_by_a_100_MB_request_is_not_taken_again_by_the_next()
    {
        await using var server = TestServer.Start();
        await server.HandshakeAsync(SpanMode.Id);
        await server.AssertServingAsync("start");
        var worker = server.WorkerProcessId();
        (long Server, long Worker) Rss() => (ProcessTable.ResidentBytes(server.ProcessId) ?? 0, ProcessTable.ResidentBytes(worker) ?? 0);
        var line = Encoding.UTF8.GetBytes(Wire.Expand(extra: ",\"padding\":\"" + new string('a', HundredMegabytes) + "\""));
        var before = Rss();

        Assert.True(Answer.Of(await server.SendRawAsync(line)).IsOk);
        var afterOne = Rss();
        Assert.True(Answer.Of(await server.SendRawAsync(line)).IsOk);
        var afterTwo = Rss();

        await server.AssertServingAsync("two 100 MB requests");
        Assert.Equal(worker, server.WorkerProcessId());
        var summary = $"server RSS {before.Server >> 20} MiB before, {afterOne.Server >> 20} MiB after one, {afterTwo.Server >> 20} MiB after two; " +
            $"worker {before.Worker >> 20} → {afterOne.Worker >> 20} → {afterTwo.Worker >> 20} MiB";
        ReliabilityLog.Record(Area, "two 100 MB request lines in a row (memory kept afterwards)", summary, keptServing: true, times: 2);
        Assert.True(afterTwo.Server <= afterOne.Server + (afterOne.Server - before.Server) / 2 + (32L << 20), summary);
        Assert.True(afterTwo.Worker <= afterOne.Worker + (afterOne.Worker - before.Worker) / 2 + (32L << 20), summary);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task A_token_tree_nested_100000_deep_is_expanded(SpanMode mode)
    {
        var server = await shared.InModeAsync(mode);
        var table = mode == SpanMode.RustAnalyzer ? Wire.OneSpanEntry : null;

        // stringify_input: the server prints the deep input (to_string).
        var printed = Answer.Of(await server.SendRawAsync(Wire.Expand(body: Wire.DeepTree(Depth), table: table)));
        Assert.True(printed.IsOk, printed.Error);
        Assert.Equal("\"" + new string('(', Depth) + "x" + new string(')', Depth) + "\"", printed.Text);

        // do_thrice: the deep input comes back three times and is encoded into the response.
        var thrice = Answer.Of(await server.SendRawAsync(Wire.Expand(body: Wire.DeepTree(Depth), name: "do_thrice", table: table)));
        Assert.True(thrice.IsOk, thrice.Error);
        var stream = mode == SpanMode.Id
            ? ((ExpandMacroResponse)thrice.Response).DecodeTree()
            : ((ExpandMacroExtendedResponse)thrice.Response).DecodeTree();
        Assert.Equal(3, stream.Count);
        Assert.All(stream, tree => Assert.Equal(Depth, NestingOf(tree)));

        await server.AssertServingAsync("a 100,000-deep token tree");
        ReliabilityLog.Record(Area, $"token tree nested 100,000 deep to `stringify_input` and `do_thrice` ({mode} mode)",
            $"{printed.Variant} Ok: \"((((…x…))))\" ({printed.Text!.Length:N0} chars); do_thrice: 3 trees of depth 100,000", keptServing: true, times: 2);
    }

    [Fact]
    public async Task Source_text_nested_100000_deep_is_lexed_by_the_server()
    {
        var server = await shared.InModeAsync(SpanMode.RustAnalyzer);
        var source = new string('[', Depth) + new string(']', Depth);

        // parse_stream!("[[[…]]]"): TokenStream::from_str runs our lexer in the worker; the result is 100,000 deep.
        var answer = await server.ExpandAsync(Dylibs.Stable.PmBasics, "parse_stream", Requests.Json(source));

        Assert.True(answer.IsOk, answer.Error);
        var stream = ((ExpandMacroExtendedResponse)answer.Response).DecodeTree();
        Assert.Equal(Depth, NestingOf(Assert.Single(stream)));
        await server.AssertServingAsync("lexing 100,000-deep source");
        ReliabilityLog.Record(Area, "source text nested 100,000 deep, lexed by the server (`parse_stream!(\"[[[…]]]\")`)",
            "ExpandMacroExtended Ok: a token tree of depth 100,000", keptServing: true);
    }

    [Fact]
    public async Task An_unbalanced_100000_deep_source_text_is_a_lex_error_not_a_crash()
    {
        var server = await shared.InModeAsync(SpanMode.Id);
        var source = new string('(', Depth);

        var answer = await server.ExpandAsync(Dylibs.Stable.PmBasics, "parse_stream", Requests.Json(source));

        Assert.True(answer.IsOk, answer.Error);
        Assert.Contains("compile_error", answer.Text);
        Assert.Contains("LexError: ", answer.Text);
        await server.AssertServingAsync("lexing 100,000 unclosed delimiters");
        ReliabilityLog.Record(Area, "100,000 unclosed `(` lexed by the server", answer, keptServing: true);
    }

    [Fact]
    public async Task JSON_nested_100000_deep_in_an_ignored_field_is_skipped()
    {
        var server = await shared.InModeAsync(SpanMode.Id);

        var closed = Answer.Of(await server.SendRawAsync("{\"ApiVersionCheck\":{\"deep\":" + Wire.DeepArray(Depth) + "}}"));
        Assert.Equal("6", closed.Text);

        var open = Answer.Of(await server.SendRawAsync("{\"ApiVersionCheck\":{\"deep\":" + Wire.DeepArray(Depth, closed: false)));
        Assert.False(open.IsOk);
        Assert.StartsWith("malformed request: invalid JSON: ", open.Error);

        await server.AssertServingAsync("JSON nested 100,000 deep");
        ReliabilityLog.Record(Area, "JSON arrays nested 100,000 deep in an unknown field", closed, keptServing: true);
        ReliabilityLog.Record(Area, "JSON arrays nested 100,000 deep, never closed", open, keptServing: true);
    }

    [Fact]
    public async Task The_supervisor_names_a_crashed_macro_in_a_request_with_100000_deep_JSON()
    {
        // A crash makes the supervisor itself read the request to name the macro.
        var server = await shared.InModeAsync(SpanMode.RustAnalyzer);
        var line = Wire.Expand(lib: Dylibs.Stable.PmHostile, name: "segfault", table: Wire.OneSpanEntry,
            extra: ",\"deep\":" + Wire.DeepArray(Depth) + ",\"deep_tree\":" + Wire.DeepTree(Depth));

        var answer = Answer.Of(await server.SendRawAsync(line));

        Assert.Equal("ExpandMacroExtended", answer.Variant);
        Assert.Equal("proc macro `segfault` crashed the expansion worker: SIGSEGV", answer.Error);
        await server.AssertServingAsync("a crash in a request with deep JSON");
        ReliabilityLog.Record(Area, "a crashing macro whose request holds JSON nested 100,000 deep (read by the supervisor)", answer, keptServing: true);
    }

    [Fact]
    public async Task A_deep_tree_given_to_a_real_derive_fails_only_that_request()
    {
        // syn parses recursively: serde's derive may overflow its own stack on this input. That is
        // the macro's problem; the server must answer and go on.
        var server = await shared.InModeAsync(SpanMode.Id);
        var answer = await server.ExpandAsync(Dylibs.Stable.RealMacro("serde_derive"), "Serialize",
            "struct Deep { x: " + new string('(', 20_000) + "u8" + new string(')', 20_000) + " }");

        Assert.Equal("ExpandMacro", answer.Variant);
        await server.AssertServingAsync("serde on a 20,000-deep type");
        ReliabilityLog.Record(Area, "serde's derive on a struct whose field type is nested 20,000 deep", answer.IsOk ? $"{answer.Variant} Ok ({answer.Text!.Length:N0} chars)" : answer.Summary, keptServing: true);
    }

    private static int NestingOf(TokenTree tree)
    {
        var depth = 0;
        while (tree is Group group && group.Stream.Count == 1)
        {
            depth++;
            tree = group.Stream[0];
        }
        return tree is Group ? depth + 1 : depth;
    }
}
