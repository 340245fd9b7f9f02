using System.Text;
using ProcMacroSrv.Client;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Client.Tests;

/// <summary>
/// The client and the protocol layer against the real reference server: requests are encoded
/// with our writer, and the server's response bytes must decode with our reader and re-encode to
/// exactly the same bytes.
/// </summary>
public class ReferenceServerTests
{
    private const uint File = 25165824;        // file 0, edition 2024
    private const uint Anchor = 1744830464;    // MacroCall, index 0, hash 0
    private const uint RootContext = 4294967040;

    private static ReferenceServer Reference => ReferenceServer.Instance;

    private static Span Ra(uint start, uint end, uint ctx = RootContext) => new(File, Anchor, start, end, ctx);

    private static Span O(uint id) => Span.Opaque(id);

    private static Ident Id(string name, Span span, bool raw = false) => new(Symbol.Intern(name), raw, span);

    private static Group G(Delimiter d, Span open, Span close, params TokenTree[] children) =>
        new(d, TokenStream.Of(children), new DelimSpan(open, close, close));

    private static readonly GlobalSpans RaGlobals = new(Ra(0, 9, 1), Ra(0, 9, 2), Ra(0, 9, 3));
    private static readonly GlobalSpans IdGlobals = new(O(100), O(101), O(102));

    /// <summary><c>struct Foo { x: u32 }</c> with the spans of protocol.md section 3.9.</summary>
    private static Group RaBody() => G(Delimiter.None, Ra(10, 11), Ra(32, 33),
        Id("struct", Ra(11, 17)), Id("Foo", Ra(18, 21)),
        G(Delimiter.Brace, Ra(22, 23), Ra(31, 32), Id("x", Ra(24, 25)), new Punct(':', Spacing.Alone, Ra(25, 26)), Id("u32", Ra(27, 30))));

    private static Group IdBody() => G(Delimiter.None, O(0), O(0),
        Id("struct", O(3)), Id("Foo", O(4)),
        G(Delimiter.Brace, O(1), O(2), Id("x", O(6)), new Punct(':', Spacing.Alone, O(5)), Id("u32", O(7))));

    private static Group Empty(Span span) => new(Delimiter.None, TokenStream.Empty, DelimSpan.Single(span));

    /// <summary>Sends a request encoded by our writer and checks that the raw answer survives our reader and writer byte for byte.</summary>
    private static async Task<(Response Response, string Json)> ExchangeAsync(ProcMacroServerProcess server, Request request)
    {
        var raw = await server.SendRawAsync(JsonLegacyWriter.EncodeRequest(request));
        var response = JsonLegacyReader.ReadResponse(raw);
        var json = Encoding.UTF8.GetString(raw);
        Assert.Equal(json, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
        return (response, json);
    }

    [Fact]
    public async Task ApiVersionCheck_reports_6()
    {
        await using var server = Reference.Start();
        Assert.Equal(6u, await server.ApiVersionCheckAsync());
        Assert.Equal(6u, server.ApiVersion);
        var (_, json) = await ExchangeAsync(server, ApiVersionCheckRequest.Instance);
        Assert.Equal("{\"ApiVersionCheck\":6}", json);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task SetConfig_is_echoed(SpanMode mode)
    {
        await using var server = Reference.Start();
        Assert.Equal(mode, await server.SetConfigAsync(mode));
        Assert.Equal(mode, server.SpanMode);
        var (response, _) = await ExchangeAsync(server, new SetConfigRequest(mode));
        Assert.Equal(mode, Assert.IsType<SetConfigResponse>(response).SpanMode);
        // A SetConfig without span_mode means Id, and the answer fills the default in.
        var raw = await server.SendRawAsync("{\"SetConfig\":{}}"u8.ToArray());
        Assert.Equal("{\"SetConfig\":{\"span_mode\":\"Id\"}}", Encoding.UTF8.GetString(raw));
    }

    [Fact]
    public async Task Handshake_selects_RustAnalyzer_mode()
    {
        await using var server = Reference.Start();
        Assert.Equal(6u, await server.HandshakeAsync());
        Assert.Equal(SpanMode.RustAnalyzer, server.SpanMode);
    }

    [Fact]
    public async Task ListMacros_lists_the_fixture_in_declaration_order()
    {
        await using var server = Reference.Start();
        var (response, _) = await ExchangeAsync(server, new ListMacrosRequest(Reference.DylibPath));
        var list = Assert.IsType<ListMacrosResponse>(response);
        Assert.Equal(
        [
            new("do_thrice", ProcMacroKind.FuncLike), new("Hello", ProcMacroKind.CustomDerive), new("wrap", ProcMacroKind.Attr),
            new("boom", ProcMacroKind.FuncLike), new("make_tokens", ProcMacroKind.FuncLike), new("noisy", ProcMacroKind.FuncLike),
            new("read_env", ProcMacroKind.FuncLike), new("exit_now", ProcMacroKind.FuncLike), new ProcMacroDescriptor("sleepy", ProcMacroKind.FuncLike),
        ], list.Macros!);
        Assert.Equal(list.Macros, (await server.ListMacrosAsync(Reference.DylibPath)).Macros);
    }

    [Fact]
    public async Task ListMacros_of_a_missing_file_is_an_error_result()
    {
        await using var server = Reference.Start();
        var (response, _) = await ExchangeAsync(server, new ListMacrosRequest("/nonexistent/path/to/dylib.so"));
        Assert.StartsWith("Cannot create expander for /nonexistent/path/to/dylib.so", Assert.IsType<ListMacrosResponse>(response).Error);
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task Id_mode_expansion_matches_the_worked_example_byte_for_byte()
    {
        await using var server = Reference.Start();
        var request = ExpandMacroRequest.Encode(Reference.DylibPath, "do_thrice", IdBody(), null, IdGlobals, SpanMode.Id);
        var (response, json) = await ExchangeAsync(server, request);

        // Exactly the reference answer recorded in protocol.md section 3.9.
        Assert.Equal(
            "{\"ExpandMacro\":{\"Ok\":{\"subtree\":[101,101,0,0,9,1,2,2,9,12,1,2,2,12,15,1,2,2,15,18],\"literal\":[],\"punct\":[5,58,0,5,58,0,5,58,0],\"ident\":[3,0,0,4,1,0,3,0,0,4,1,0,3,0,0,4,1,0,6,2,0,7,3,0,6,2,0,7,3,0,6,2,0,7,3,0],\"token_tree\":[3,7,4,11,15,8,19,23,12,27,2,31,35,6,39,43,10,47],\"text\":[\"struct\",\"Foo\",\"x\",\"u32\"]}}}",
            json);

        // Our server-side encoder, given the same result, writes the same bytes.
        var input = ExpansionInput.Decode(request, SpanMode.Id);
        var ours = input.EncodeResult(TokenStream.Empty.Concat([input.Body, input.Body, input.Body]));
        Assert.Equal(json, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(ours)));

        // And the typed call decodes the expected tokens.
        var result = await server.ExpandMacroAsync(Reference.DylibPath, "do_thrice", IdBody(), null, IdGlobals);
        Assert.True(result.IsSuccess, result.Error);
        var tokens = result.Tokens!;
        Assert.Equal(9, tokens.Count);
        for (var copy = 0; copy < 3; copy++)
        {
            Assert.Equal(("struct", O(3)), (((Ident)tokens[copy * 3]).Name.Text, tokens[copy * 3].Span));
            Assert.Equal(("Foo", O(4)), (((Ident)tokens[copy * 3 + 1]).Name.Text, tokens[copy * 3 + 1].Span));
            var brace = Assert.IsType<Group>(tokens[copy * 3 + 2]);
            Assert.Equal((Delimiter.Brace, new DelimSpan(O(1), O(2), O(2))), (brace.Delimiter, brace.Spans));
            Assert.Equal(["x", ":", "u32"], brace.Stream.AsSpan().ToArray().Select(t => t switch
            {
                Ident i => i.Name.Text,
                Punct p => p.Char.ToString(),
                _ => "?",
            }));
        }
    }

    [Fact]
    public async Task RustAnalyzer_mode_expansion_round_trips_byte_for_byte()
    {
        await using var server = Reference.Start();
        await server.SetConfigAsync(SpanMode.RustAnalyzer);
        var request = ExpandMacroRequest.Encode(Reference.DylibPath, "do_thrice", RaBody(), null, RaGlobals, SpanMode.RustAnalyzer,
            currentDir: Path.GetTempPath());
        var (response, json) = await ExchangeAsync(server, request);
        var extended = Assert.IsType<ExpandMacroExtendedResponse>(response);
        // No span was created, so the table comes back unchanged (section 3.9).
        Assert.Equal(request.SpanDataTable.ToArray(), extended.SpanDataTable.ToArray());
        Assert.Equal([1u, 1, 0, 0, 9, 7, 8, 2, 9, 12, 7, 8, 2, 12, 15, 7, 8, 2, 15, 18], extended.Tree!.Subtree.ToArray());

        var input = ExpansionInput.Decode(request, SpanMode.RustAnalyzer);
        var ours = input.EncodeResult(TokenStream.Empty.Concat([input.Body, input.Body, input.Body]));
        Assert.Equal(json, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(ours)));

        var result = await server.ExpandMacroAsync(request);
        Assert.Equal(9, result.Tokens!.Count);
        var brace = Assert.IsType<Group>(result.Tokens[2]);
        Assert.Equal(new DelimSpan(Ra(22, 23), Ra(31, 32), Ra(22, 32)), brace.Spans);
        Assert.Equal(Ra(27, 30), brace.Stream[2].Span);
    }

    [Fact]
    public async Task RustAnalyzer_mode_derive_appends_new_spans_to_the_table()
    {
        await using var server = Reference.Start();
        await server.HandshakeAsync();
        var body = G(Delimiter.None, Ra(0, 0), Ra(0, 0), Id("struct", Ra(0, 6)), Id("Foo", Ra(7, 10)), new Punct(';', Spacing.Alone, Ra(10, 11)));
        var request = ExpandMacroRequest.Encode(Reference.DylibPath, "Hello", body, null, RaGlobals, SpanMode.RustAnalyzer);
        var (response, _) = await ExchangeAsync(server, request);
        var extended = Assert.IsType<ExpandMacroExtendedResponse>(response);
        Assert.True(extended.SpanDataTable.Length > request.SpanDataTable.Length);
        Assert.Equal(request.SpanDataTable.ToArray(), extended.SpanDataTable[..request.SpanDataTable.Length].ToArray());

        var result = await server.ExpandMacroAsync(request);
        var tokens = result.Tokens!;
        // `impl Foo { … }` parsed from a string: each token has the call site's anchor and
        // context and its byte range inside the string.
        Assert.Equal("impl", ((Ident)tokens[0]).Name.Text);
        Assert.Equal(Ra(0, 4, 2), tokens[0].Span);
        Assert.Equal(Ra(5, 8, 2), tokens[1].Span);
        var block = Assert.IsType<Group>(tokens[2]);
        Assert.Equal(Delimiter.Brace, block.Delimiter);
        Assert.Equal("fn", ((Ident)block.Stream[0]).Name.Text);
    }

    [Fact]
    public async Task Attribute_macro_receives_its_arguments()
    {
        await using var server = Reference.Start();
        var item = G(Delimiter.None, O(0), O(0), Id("struct", O(1)), Id("S", O(2)), new Punct(';', Spacing.Alone, O(3)));
        var attributes = G(Delimiter.None, O(0), O(0), Id("arg", O(4)));
        var request = ExpandMacroRequest.Encode(Reference.DylibPath, "wrap", item, attributes, IdGlobals, SpanMode.Id);
        await ExchangeAsync(server, request);
        var tokens = (await server.ExpandMacroAsync(request)).Tokens!;
        var bracket = Assert.IsType<Group>(tokens[0]);
        Assert.Equal((Delimiter.Bracket, O(101)), (bracket.Delimiter, bracket.Spans.Open));
        Assert.Equal(("arg", O(4)), (((Ident)Assert.Single(bracket.Stream)).Name.Text, bracket.Stream[0].Span));
        Assert.Equal(4, tokens.Count);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task Macro_made_tokens_decode_with_the_global_spans(SpanMode mode)
    {
        await using var server = Reference.Start();
        await server.SetConfigAsync(mode);
        var globals = mode == SpanMode.Id ? IdGlobals : RaGlobals;
        var request = ExpandMacroRequest.Encode(Reference.DylibPath, "make_tokens", Empty(globals.CallSite), null, globals, mode);
        await ExchangeAsync(server, request);
        var result = await server.ExpandMacroAsync(request);
        var t = result.Tokens!.AsSpan().ToArray();
        Assert.Equal(9, t.Length);
        Assert.Equal(("made", false, globals.CallSite), (((Ident)t[0]).Name.Text, ((Ident)t[0]).IsRaw, t[0].Span));
        Assert.Equal(("fn", true, globals.MixedSite), (((Ident)t[1]).Name.Text, ((Ident)t[1]).IsRaw, t[1].Span));
        Assert.Equal(('#', Spacing.Joint), (((Punct)t[2]).Char, ((Punct)t[2]).Spacing));
        Assert.Equal(('!', Spacing.Alone), (((Punct)t[3]).Char, ((Punct)t[3]).Spacing));
        AssertLiteral(t[4], LiteralKind.Integer, "7", "u8");
        AssertLiteral(t[5], LiteralKind.Str, "s\\\"q\\né", null);
        AssertLiteral(t[6], LiteralKind.Float, "1.5", null);
        var bracket = Assert.IsType<Group>(t[7]);
        Assert.Equal(globals.CallSite, bracket.Spans.Open);
        AssertLiteral(bracket.Stream[0], LiteralKind.Char, "c", null);
        AssertLiteral(bracket.Stream[1], LiteralKind.ByteStr, "by", null);
        AssertLiteral(bracket.Stream[2], LiteralKind.Integer, "-3", "i64");
        Assert.True(Assert.IsType<Group>(t[8]).Stream.IsEmpty);
        Assert.All(t[2..7], tree => Assert.Equal(globals.CallSite, tree.Span));
    }

    private static void AssertLiteral(TokenTree tree, LiteralKind kind, string symbol, string? suffix)
    {
        var literal = Assert.IsType<Literal>(tree);
        Assert.Equal((kind, symbol, suffix), (literal.Kind, literal.Symbol.Text, literal.Suffix?.Text));
    }

    [Theory]
    [InlineData(SpanMode.Id, "{\"ExpandMacro\":{\"Err\":\"boom!\"}}")]
    [InlineData(SpanMode.RustAnalyzer, "{\"ExpandMacroExtended\":{\"Err\":\"boom!\"}}")]
    public async Task A_panic_is_an_error_result(SpanMode mode, string expected)
    {
        await using var server = Reference.Start();
        await server.SetConfigAsync(mode);
        var globals = mode == SpanMode.Id ? IdGlobals : RaGlobals;
        var request = ExpandMacroRequest.Encode(Reference.DylibPath, "boom", Empty(globals.CallSite), null, globals, mode);
        var (_, json) = await ExchangeAsync(server, request);
        Assert.Equal(expected, json);
        var result = await server.ExpandMacroAsync(request);
        Assert.Equal((false, "boom!"), (result.IsSuccess, result.Error));
    }

    [Fact]
    public async Task A_missing_macro_is_an_error_result()
    {
        await using var server = Reference.Start();
        var result = await server.ExpandMacroAsync(Reference.DylibPath, "NonexistentMacro", Empty(O(0)), null, IdGlobals);
        Assert.Equal("proc-macro `NonexistentMacro` is missing", result.Error);
    }

    [Fact]
    public async Task Environment_variables_reach_the_macro()
    {
        await using var server = Reference.Start();
        var result = await server.ExpandMacroAsync(Reference.DylibPath, "read_env", Empty(O(0)), null, IdGlobals,
            env: [new("PM_FIXTURE_VAR", "from the request \"é\"")]);
        var literal = Assert.IsType<Literal>(Assert.Single(result.Tokens!));
        Assert.Equal("from the request \\\"é\\\"", literal.Symbol.Text);
    }

    [Fact]
    public async Task Lines_a_macro_prints_to_stdout_are_skipped()
    {
        await using var server = Reference.Start();
        var body = G(Delimiter.None, O(0), O(0), Id("kept", O(9)));
        var result = await server.ExpandMacroAsync(Reference.DylibPath, "noisy", body, null, IdGlobals);
        Assert.Equal(("kept", O(9)), (((Ident)Assert.Single(result.Tokens!)).Name.Text, result.Tokens![0].Span));
        // The conversation goes on normally afterwards.
        Assert.Equal(6u, await server.ApiVersionCheckAsync());
    }

    [Fact]
    public async Task A_server_that_rejects_a_message_is_reported_dead_with_its_exit_status()
    {
        await using var server = Reference.Start();
        var e = await Assert.ThrowsAsync<ProcMacroServerException>(() => server.SendRawAsync("{\"Bogus\":{}}"u8.ToArray()));
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("proc-macro server exited with exit status: 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown variant `Bogus`", e.StandardError, StringComparison.Ordinal);
        Assert.True(server.HasExited);
        // Every later request fails at once with the same error.
        var again = await Assert.ThrowsAsync<ProcMacroServerException>(() => server.ApiVersionCheckAsync());
        Assert.Same(e, again);
    }

    [Fact]
    public async Task A_macro_that_exits_the_process_is_reported_with_its_status()
    {
        await using var server = Reference.Start();
        var e = await Assert.ThrowsAsync<ProcMacroServerException>(() =>
            server.ExpandMacroAsync(Reference.DylibPath, "exit_now", Empty(O(0)), null, IdGlobals));
        Assert.Equal(3, e.ExitCode);
        Assert.Contains("exit status: 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_killed()
    {
        await using var server = Reference.Start(new ProcMacroServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(500) });
        var e = await Assert.ThrowsAsync<ProcMacroServerException>(() =>
            server.ExpandMacroAsync(Reference.DylibPath, "sleepy", Empty(O(0)), null, IdGlobals));
        Assert.Contains("did not answer within", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ProcMacroServerException>(() => server.ApiVersionCheckAsync());
    }

    [Fact]
    public async Task Disposing_closes_stdin_and_the_server_exits_cleanly()
    {
        var server = Reference.Start();
        await server.ApiVersionCheckAsync();
        await server.DisposeAsync();
        // EOF between messages is a clean exit (section 1.5), well before the kill timeout.
        Assert.True(server.HasExited);
        Assert.Equal(0, server.ExitCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.ApiVersionCheckAsync());
    }

    [Fact]
    public void Synchronous_dispose_also_ends_the_server()
    {
        var server = Reference.Start();
        server.Dispose();
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task Cancellation_before_sending_leaves_nothing_half_done()
    {
        await using var server = Reference.Start();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.ApiVersionCheckAsync(cancelled.Token));
        Assert.Equal(6u, await server.ApiVersionCheckAsync());
    }
}
