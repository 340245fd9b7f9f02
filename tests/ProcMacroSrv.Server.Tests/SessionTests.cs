using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Server.Tests.Support;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// One long conversation with our server, started as rust-analyzer starts it: hundreds of valid
/// requests (ListMacros and ExpandMacro in both span modes, fixture and real macros) with bad ones
/// mixed in. Every valid request must still get the reference's answer (modulo the case's
/// declared divergences), every bad one an error answer, and the process must never die; closing
/// stdin ends it with exit code 0.
/// </summary>
public sealed class SessionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>A request of the session whose right answer is the reference's.</summary>
    private sealed record ValidItem(string What, SpanMode Mode, byte[] Line, ExpansionCase? Case, BuiltRequest? Request);

    /// <summary>A request the reference cannot survive (or that kills a macro's process); ours answers it with an error.</summary>
    /// <param name="What">What is wrong.</param>
    /// <param name="Bytes">The line(s) to write, newlines included.</param>
    /// <param name="Answered">False for lines a client's reader skips (they get no answer).</param>
    /// <param name="Mode">The span mode it needs, if any.</param>
    private sealed record BadItem(string What, byte[] Bytes, bool Answered = true, SpanMode? Mode = null);

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static List<ValidItem> ValidItems()
    {
        var items = new List<ValidItem>();
        foreach (var c in FixtureCases.All.Concat(RealMacroCases.All))
            foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer])
            {
                var request = c.Build(mode);
                items.Add(new ValidItem($"{c.Name} ({mode})", mode, request.Json, c, request));
            }
        foreach (var crate in (string[])["pm_basics", "pm_modern", "demo_macros", .. Fixtures.FixtureDylibs.RealMacroCrates])
            items.Add(new ValidItem($"ListMacros {crate}", SpanMode.Id, JsonLegacyWriter.EncodeRequest(new ListMacrosRequest(Servers.Dylibs.RealMacro(crate))), null, null));
        for (var i = 0; i < 5; i++)
            items.Add(new ValidItem("ApiVersionCheck", SpanMode.Id, "{\"ApiVersionCheck\":{}}"u8.ToArray(), null, null));
        // Valid oddities: deep nesting under an ignored key, trailing characters after the object.
        items.Add(new ValidItem("ApiVersionCheck with 20000-deep ignored value", SpanMode.Id,
            Encoding.UTF8.GetBytes("{\"ApiVersionCheck\":{\"x\":" + new string('[', 20000) + new string(']', 20000) + "}}"), null, null));
        items.Add(new ValidItem("ApiVersionCheck with trailing characters", SpanMode.Id, "{\"ApiVersionCheck\":{}} trailing"u8.ToArray(), null, null));
        // A fixed shuffle: modes and dylibs interleave.
        var random = new Random(20260421);
        return [.. items.OrderBy(_ => random.Next())];
    }

    private static List<BadItem> BadItems()
    {
        var basics = Servers.Dylibs.PmBasics;
        var valid = RequestBuilder.Build(basics, "do_thrice", MacroKind.FnLike, "a (b) \"c\"", null, SpanMode.Id);
        var validRa = RequestBuilder.Build(basics, "do_thrice", MacroKind.FnLike, "a (b) \"c\"", null, SpanMode.RustAnalyzer);
        var json = Text(valid.Json);
        var body = valid.Request.MacroBody;

        byte[] WithBody(uint[]? subtree = null, uint[]? ident = null, uint[]? tokenTree = null, uint[]? literal = null, BuiltRequest? from = null)
        {
            var request = (from ?? valid).Request;
            var b = request.MacroBody;
            var tree = new FlatTree(subtree ?? b.Subtree.ToArray(), literal ?? b.Literal.ToArray(), b.Punct.ToArray(),
                ident ?? b.Ident.ToArray(), tokenTree ?? b.TokenTree.ToArray(), [.. b.Text]);
            return [.. JsonLegacyWriter.EncodeRequest(request with { MacroBody = tree }), (byte)'\n'];
        }

        var subtree = body.Subtree.ToArray();
        var reversedRange = (uint[])subtree.Clone();
        reversedRange[3] = reversedRange[4] + 2; // first_child after end_child
        var badIdentText = body.Ident.ToArray();
        badIdentText[1] = 999;
        var badLiteralText = body.Literal.ToArray();
        badLiteralText[1] = 999;
        var badTable = validRa.Request.SpanDataTable.ToArray();
        var reservedBit = (uint[])badTable.Clone();
        reservedBit[5] |= 0x8000_0000;
        var badEdition = (uint[])badTable.Clone();
        badEdition[5] = (9u << 23) | 1;
        var startAfterEnd = (uint[])badTable.Clone();
        startAfterEnd[7] = startAfterEnd[8] + 1;
        var hostile = Servers.Dylibs.PmHostile;

        return
        [
            new("truncated JSON", Line("{\"ExpandMacro\":")),
            new("not JSON after the brace", Line("{this is not json}")),
            new("empty object", Line("{}")),
            new("unknown variant", Line("{\"Bogus\":{}}")),
            new("two variants", Line("{\"ApiVersionCheck\":{},\"SetConfig\":{}}")),
            new("null payload", Line("{\"ApiVersionCheck\":null}")),
            new("wrong field type: dylib_path", Line("{\"ListMacros\":{\"dylib_path\":42}}")),
            new("missing field: dylib_path", Line("{\"ListMacros\":{}}")),
            new("unknown span mode", Line("{\"SetConfig\":{\"span_mode\":\"Sideways\"}}")),
            new("wrong field type: span_mode", Line("{\"SetConfig\":{\"span_mode\":7}}")),
            new("missing fields: ExpandMacro", Line("{\"ExpandMacro\":{\"lib\":\"x\"}}")),
            new("wrong field type: env", Line(json.Replace("\"env\":[", "\"env\":\"not a list\",\"x\":[", StringComparison.Ordinal))),
            new("negative global span", Line(json.Replace("\"def_site\":1000001", "\"def_site\":-1", StringComparison.Ordinal))),
            new("null span_data_table", Line(json.Replace("}}}", "},\"span_data_table\":null}}", StringComparison.Ordinal))),
            new("invalid UTF-8 in a string", [.. "{\"ListMacros\":{\"dylib_path\":\"/tmp/"u8, 0xFF, 0xFE, .. "\"}}\n"u8]),
            new("token_tree entry out of range", WithBody(tokenTree: [.. body.TokenTree.ToArray()[..^1], (9999u << 2) | 3])),
            new("ident text index out of range", WithBody(ident: badIdentText)),
            new("literal text index out of range", WithBody(literal: badLiteralText)),
            new("subtree range reversed", WithBody(subtree: reversedRange)),
            new("subtree array not a multiple of 5", WithBody(subtree: [.. subtree, 7])),
            new("subtree refers to itself", WithBody(tokenTree: [0, .. body.TokenTree.ToArray()[1..]])),
            new("empty subtree array", WithBody(subtree: [])),
            new("global span index out of range", Line(Text(validRa.Json).Replace("\"call_site\":1", "\"call_site\":999", StringComparison.Ordinal)), Mode: SpanMode.RustAnalyzer),
            new("span table: reserved file-id bit", Line(Text(JsonLegacyWriter.EncodeRequest(validRa.Request with { SpanDataTable = reservedBit }))), Mode: SpanMode.RustAnalyzer),
            new("span table: edition 9", Line(Text(JsonLegacyWriter.EncodeRequest(validRa.Request with { SpanDataTable = badEdition }))), Mode: SpanMode.RustAnalyzer),
            new("span table: start after end", Line(Text(JsonLegacyWriter.EncodeRequest(validRa.Request with { SpanDataTable = startAfterEnd }))), Mode: SpanMode.RustAnalyzer),
            new("line not starting with {", Line("ExpandMacro please"), Answered: false),
            new("line starting with whitespace", Line("  {\"ApiVersionCheck\":{}}"), Answered: false),
            new("macro that segfaults", Line(Text(RequestBuilder.Build(hostile, "segfault", MacroKind.FnLike, "", null, SpanMode.Id).Json))),
            new("macro that aborts", Line(Text(RequestBuilder.Build(hostile, "abort", MacroKind.FnLike, "", null, SpanMode.Id).Json))),
            new("macro that exits", Line(Text(RequestBuilder.Build(hostile, "exit", MacroKind.FnLike, "", null, SpanMode.Id).Json))),
        ];
    }

    [Fact]
    public async Task A_long_session_with_bad_requests_in_between_keeps_answering_right()
    {
        var valid = ValidItems();
        var bad = BadItems();

        // The right answers: the reference's, in a clean session, in the same order.
        var expected = new List<byte[]>();
        await using (var reference = ServerConnection.Start(ServerKind.Reference))
        {
            var mode = SpanMode.Id;
            foreach (var item in valid)
            {
                if (item.Mode != mode) await reference.ExchangeAsync(JsonLegacyWriter.EncodeRequest(new SetConfigRequest(mode = item.Mode)));
                expected.Add(await reference.ExchangeAsync(item.Line));
            }
        }

        await using var ours = ServerConnection.Start(ServerKind.Ours);
        var current = SpanMode.Id;
        var requests = 0;
        var badIndex = 0;
        async Task SetModeAsync(SpanMode mode)
        {
            var answer = await ours.ExchangeAsync(JsonLegacyWriter.EncodeRequest(new SetConfigRequest(mode)));
            requests++;
            Assert.Equal($"{{\"SetConfig\":{{\"span_mode\":\"{mode}\"}}}}", Text(answer));
            current = mode;
        }

        for (var i = 0; i < valid.Count; i++)
        {
            var item = valid[i];
            // The mode is set only when it changes, so a bad request that changed it would show.
            if (item.Mode != current) await SetModeAsync(item.Mode);
            var answer = await ours.ExchangeAsync(item.Line);
            requests++;
            var what = $"request {requests} ({item.What}, after {badIndex} bad requests)";
            ResponseComparer.AssertEquivalent(what, answer, expected[i], item.Mode, item.Case?.Divergences ?? [], item.Request);
            Assert.Empty(ours.TakeJunk());

            if (i % 2 == 1) continue;
            var badItem = bad[badIndex++ % bad.Count];
            if (badItem.Mode is { } needed && needed != current) await SetModeAsync(needed);
            await ours.SendBytesAsync(badItem.Bytes);
            requests++;
            if (!badItem.Answered) continue;
            var error = await ours.ReadResponseAsync() ?? throw ours.Died($"closed its stdout after the bad request `{badItem.What}`");
            AssertErrorAnswer(badItem, error, current);
            Assert.Empty(ours.TakeJunk());
        }
        output.WriteLine($"{requests} requests: {valid.Count} valid, {badIndex} bad, the rest SetConfig");
        Assert.True(requests >= 300, $"only {requests} requests were sent");
        Assert.True(badIndex >= bad.Count, $"only {badIndex} of {bad.Count} bad requests were sent");

        // A final message without a trailing newline is answered (DIVERGENCES.md: the reference fails to parse it).
        await ours.SendBytesAsync("{\"ApiVersionCheck\":{}}"u8.ToArray());
        ours.CloseInput();
        Assert.Equal("{\"ApiVersionCheck\":6}", Text(await ours.ReadResponseAsync() ?? throw ours.Died("did not answer the last line")));
        Assert.Null(await ours.ReadResponseAsync());
        Assert.Equal(0, await ours.WaitForExitAsync());
        Assert.Empty(ours.TakeJunk());
    }

    /// <summary>
    /// An error answer in the variant the client waits for: ListMacros' for a ListMacros request,
    /// else the ExpandMacro variant of the connection's span mode.
    /// </summary>
    private static void AssertErrorAnswer(BadItem item, byte[] answer, SpanMode mode)
    {
        Response response;
        try
        {
            response = JsonLegacyReader.ReadResponse(answer);
        }
        catch (ProtocolException e)
        {
            throw new Xunit.Sdk.XunitException($"the answer to the bad request `{item.What}` is not a response ({e.Message}): {Text(answer)}");
        }
        var line = Text(item.Bytes);
        var expectedType = line.StartsWith("{\"ListMacros\"", StringComparison.Ordinal) ? typeof(ListMacrosResponse)
            : mode == SpanMode.Id ? typeof(ExpandMacroResponse) : typeof(ExpandMacroExtendedResponse);
        Assert.True(response.GetType() == expectedType && ResponseComparer.ErrorOf(response) is { Length: > 0 },
            $"the bad request `{item.What}` got {TreeDump.Truncate(Text(answer), 400)}; expected an error in {expectedType.Name}");
    }

    [Fact]
    public async Task A_client_that_stops_reading_makes_the_server_exit_cleanly()
    {
        await using var ours = ServerConnection.Start(ServerKind.Ours);
        Assert.Equal("{\"ApiVersionCheck\":6}", Text(await ours.ExchangeAsync("{\"ApiVersionCheck\":{}}"u8.ToArray())));
        ours.CloseOutputReader();
        // The answer to this cannot be written: the server must notice and exit 0, not die of SIGPIPE.
        await ours.SendLineAsync(RequestBuilder.Build(Servers.Dylibs.PmBasics, "do_thrice", MacroKind.FnLike, "x", null, SpanMode.Id).Json);
        var exitCode = await ours.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"exit code {exitCode} (141 would be SIGPIPE)\nstderr:\n{ours.StandardError}");
    }
}
