using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Server.Tests.Support;
using static ProcMacroSrv.Server.Tests.Support.MacroKind;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// Well-formed but unusual requests that the reference answers (protocol.md sections 2.1, 2.8,
/// 2.9, 3.8): the same bytes to both servers, byte-identical answers.
/// </summary>
public sealed class EdgeRequestDifferentialTests(ServerPair servers) : IClassFixture<ServerPair>
{
    private static string Basics => Servers.Dylibs.PmBasics;

    private static BuiltRequest Build(string macro, MacroKind kind, string input, SpanMode mode, string? args = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null) =>
        RequestBuilder.Build(Basics, macro, kind, input, args, mode, env);

    private async Task AssertSameAsync(string what, SpanMode mode, byte[] line, params Divergence[] divergences)
    {
        await servers.SetModeAsync(mode);
        var answer = await servers.ExchangeAsync(line);
        var request = JsonLegacyReader.ReadRequest(line) as ExpandMacroRequest;
        var built = request is null ? null : new BuiltRequest(line, request, mode, Globals(request, mode));
        ResponseComparer.AssertEquivalent(what, answer.Ours, answer.Reference, mode, divergences, built);
        Assert.Empty(answer.OurJunk);
        var response = JsonLegacyReader.ReadResponse(answer.Ours);
        Assert.True(ResponseComparer.ErrorOf(response) is null, $"{what}: {ResponseComparer.ErrorOf(response)}");
    }

    private Task AssertSameAsync(string what, BuiltRequest request, ExpandMacroRequest? changed = null, params Divergence[] divergences) =>
        AssertSameAsync(what, request.Mode, changed is null ? request.Json : JsonLegacyWriter.EncodeRequest(changed), divergences);

    /// <summary>The global spans of a request as the server decodes them (for the divergence rules).</summary>
    private static GlobalSpans Globals(ExpandMacroRequest request, SpanMode mode) =>
        ExpansionInput.Decode(request, mode).Globals;

    [Fact]
    public async Task Span_table_with_trailing_numbers_ignores_them()
    {
        var request = Build("respan", FnLike, "a (b) c", SpanMode.RustAnalyzer);
        await AssertSameAsync("trailing numbers", request, request.Request with { SpanDataTable = (uint[])[.. request.Request.SpanDataTable.Span, 1, 2, 3] });
    }

    [Fact]
    public async Task Span_table_duplicates_are_merged_and_shift_indices()
    {
        var request = Build("respan", FnLike, "a (b) c", SpanMode.RustAnalyzer);
        var table = request.Request.SpanDataTable.ToArray();
        // A copy of entry 0 inserted as entry 3: later references now mean the next span.
        uint[] duplicated = [.. table[..15], .. table[..5], .. table[15..]];
        await AssertSameAsync("duplicate entry", request, request.Request with { SpanDataTable = duplicated });
    }

    [Fact]
    public async Task Span_reference_out_of_range_falls_back_to_entry_0()
    {
        var request = Build("respan", FnLike, "a (b) c", SpanMode.RustAnalyzer);
        var body = request.Request.MacroBody;
        var ident = body.Ident.ToArray();
        ident[0] = 99_999;
        var changed = new FlatTree(body.Subtree.ToArray(), body.Literal.ToArray(), body.Punct.ToArray(), ident, body.TokenTree.ToArray(), [.. body.Text]);
        await AssertSameAsync("span index out of range", request, request.Request with { MacroBody = changed });
    }

    [Fact]
    public async Task Id_mode_global_spans_missing_or_above_u32()
    {
        var request = Build("raw_idents", FnLike, "", SpanMode.Id);
        await AssertSameAsync("has_global_spans missing", request, request.Request with { HasGlobalSpans = null });
        await AssertSameAsync("has_global_spans above u32", request,
            request.Request with { HasGlobalSpans = new GlobalSpanRefs((1UL << 32) + 5, ulong.MaxValue, uint.MaxValue) });
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task Unknown_keys_and_null_current_dir(SpanMode mode)
    {
        var request = Build("env_value", FnLike, "PM_EDGE_VALUE", mode, env: [new("PM_EDGE_VALUE", "first"), new("PM_EDGE_VALUE", "last wins")]);
        await AssertSameAsync("duplicate env key", request);
        await AssertSameAsync("current_dir null", request, request.Request with { CurrentDir = null });
        var json = Encoding.UTF8.GetString(request.Json);
        var withUnknown = json.Replace("{\"ExpandMacro\":{", "{\"ExpandMacro\":{\"zzz\":[1,{\"a\":null}],", StringComparison.Ordinal)
            .Replace("\"macro_body\":{", "\"macro_body\":{\"extra\":true,", StringComparison.Ordinal);
        await AssertSameAsync("unknown keys", mode, Encoding.UTF8.GetBytes(withUnknown));
        var withoutCurrentDir = json.Replace($",\"current_dir\":{Quote(RequestBuilder.CurrentDirectory)}", "", StringComparison.Ordinal);
        Assert.NotEqual(json, withoutCurrentDir);
        await AssertSameAsync("current_dir missing", mode, Encoding.UTF8.GetBytes(withoutCurrentDir));
    }

    private static string Quote(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        JsonLegacyWriter.WriteString(buffer, text);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public async Task Line_endings_whitespace_and_skipped_lines()
    {
        var request = Build("do_thrice", FnLike, "x", SpanMode.Id);
        await AssertSameAsync("CRLF", SpanMode.Id, [.. request.Json, (byte)'\r']);
        await AssertSameAsync("trailing spaces", SpanMode.Id, [.. request.Json, (byte)' ', (byte)' ']);
        // Lines that do not start with `{` are skipped by both (here: junk, leading whitespace).
        byte[] bytes = [.. "junk a macro printed\n"u8, .. " {\"ApiVersionCheck\":{}}\n"u8, .. request.Json, (byte)'\n'];
        var ours = servers.Ours;
        var reference = servers.Reference;
        await Task.WhenAll(ours.SendBytesAsync(bytes), reference.SendBytesAsync(bytes));
        var answers = await Task.WhenAll(ours.ReadResponseAsync(), reference.ReadResponseAsync());
        ResponseComparer.AssertEquivalent("after skipped lines", answers[0]!, answers[1]!, SpanMode.Id, []);
        Assert.StartsWith("{\"ExpandMacro\":{\"Ok\"", Encoding.UTF8.GetString(answers[0]!));
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task Deep_nesting(SpanMode mode)
    {
        var input = new string('(', 300) + "x" + new string(')', 300) + " [[[{{{y}}}]]]";
        await AssertSameAsync("300 nested groups, do_thrice", Build("do_thrice", FnLike, input, mode));
        await AssertSameAsync("300 nested groups, respan", Build("respan", FnLike, input, mode));
        await AssertSameAsync("300 nested groups, token_texts", Build("token_texts", FnLike, "[[[{{{y}}}]]] z", mode), null,
            Divergence.ToStringLayout);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task Unicode_and_control_characters(SpanMode mode)
    {
        // Raw control characters, DEL, U+2028, non-ASCII idents and emoji inside literals: the
        // JSON escaping of both servers and the UTF-8 byte offsets of RustAnalyzer mode.
        const string input = "café \"tab\there \u0001 del\u007f sep\u2028 crab🦀\" 'é' b\"\\xff\" r#\"raw \"quoted\" 🦀\"# c\"c\" Ωmega 'λ";
        await AssertSameAsync("unicode, do_thrice", Build("do_thrice", FnLike, input, mode));
        await AssertSameAsync("unicode, respan", Build("respan", FnLike, input, mode));
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task Large_inputs(SpanMode mode)
    {
        var fields = string.Join(",\n", Enumerable.Range(0, 400).Select(i => $"    #[serde(rename = \"f{i}\")]\n    field_{i}: Vec<Option<u{8 << (i % 4)}>>"));
        var item = $"pub struct Wide {{\n{fields}\n}}";
        await AssertSameAsync("serde Serialize, 400 fields",
            RequestBuilder.Build(Servers.Dylibs.RealMacro("serde_derive"), "Serialize", Derive, item, null, mode), null, Divergence.FromStrSpans);
        var tokens = string.Join(' ', Enumerable.Range(0, 5000).Select(i => (i % 5) switch { 0 => $"id{i}", 1 => $"{i}u32", 2 => "+", 3 => $"\"s{i}\"", _ => "(x)" }));
        await AssertSameAsync("do_thrice, 5000 tokens", Build("do_thrice", FnLike, tokens, mode));
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task Delimited_root_and_ignored_attributes(SpanMode mode)
    {
        var request = Build("do_thrice", FnLike, "a + b", mode);
        var body = request.Request.MacroBody;
        var subtree = body.Subtree.ToArray();
        subtree[2] = 2; // the root is a brace group: the macro gets one group
        var braced = new FlatTree(subtree, body.Literal.ToArray(), body.Punct.ToArray(), body.Ident.ToArray(), body.TokenTree.ToArray(), [.. body.Text]);
        await AssertSameAsync("brace root", request, request.Request with { MacroBody = braced });
        // A fn-like macro gets no attributes even when the request carries some.
        await AssertSameAsync("attributes on a fn-like macro", request, request.Request with { Attributes = body });
        // An attribute macro with a null attributes tree gets an empty stream.
        var tag = Build("tag", Attr, "fn f() {}", mode, "x = 1");
        await AssertSameAsync("attribute macro, attributes null", mode,
            JsonLegacyWriter.EncodeRequest(tag.Request with { Attributes = null }),
            Divergence.FromStrSpans, Divergence.FromStrSpacing, Divergence.ToStringLayout);
    }

    [Fact]
    public async Task Dylib_paths_that_name_the_same_file()
    {
        var path = Basics;
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        var dotted = Path.Combine(Path.GetDirectoryName(path)!, ".", Path.GetFileName(path));
        foreach (var variant in new[] { path, dotted, relative })
        {
            await servers.AssertSameAsync(new ListMacrosRequest(variant), SpanMode.Id, $"ListMacros {variant}");
            var request = RequestBuilder.Build(variant, "do_thrice", FnLike, "v", null, SpanMode.Id);
            await AssertSameAsync($"ExpandMacro {variant}", request);
        }
    }
}
