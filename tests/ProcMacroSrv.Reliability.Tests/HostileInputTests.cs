using System.Text;
using System.Text.RegularExpressions;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Reliability.Tests.Support;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>One server (isolation on) for a whole test class: hostile input must not wear it down either.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    private TestServer? _server;

    internal TestServer Server => _server ?? throw new InvalidOperationException("not started");

    public Task InitializeAsync()
    {
        _server = TestServer.Start();
        return Task.CompletedTask;
    }

    /// <summary>Puts the connection in <paramref name="mode"/>.</summary>
    internal async Task<TestServer> InModeAsync(SpanMode mode)
    {
        if (Server.SpanMode != mode) await Server.HandshakeAsync(mode);
        return Server;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>
/// Malformed, out-of-range, huge, deep and non-UTF-8 requests: each is answered with an error
/// response naming the problem (a few are valid and answered normally, as noted), and the
/// server then answers a valid request correctly.
/// </summary>
public sealed class HostileInputTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Area = "Hostile input";
    private const string Malformed = "malformed request: ";

    /// <summary>A hostile line, the mode it is sent in, and what must come back.</summary>
    /// <param name="Variant">The response variant; null: the ExpandMacro variant of the mode.</param>
    /// <param name="Expected">A regular expression the error (or, with <paramref name="ExpectOk"/>, the printed expansion) must match.</param>
    internal sealed record Case(string Name, SpanMode Mode, Func<byte[]> Line, string? Variant, string Expected, bool ExpectOk = false);

    private static Case Text(string name, string line, string expected, string? variant = null, SpanMode mode = SpanMode.Id, bool ok = false) =>
        new(name, mode, () => Encoding.UTF8.GetBytes(line), variant, expected, ok);

    private static readonly string Hello = Regex.Escape("\"hello\"");

    internal static IReadOnlyList<Case> Cases { get; } =
    [
        // --- JSON that is not JSON
        Text("truncated JSON", "{\"ExpandMacro\":{\"lib\":", Malformed + "invalid JSON: .+"),
        Text("not JSON after the brace", "{oops}", Malformed + "invalid JSON: .+"),
        Text("ListMacros without its closing brace", "{\"ListMacros\":{\"dylib_path\":\"x\"}", Malformed + "invalid JSON: .+", "ListMacros"),
        Text("empty object", "{}", Malformed + ".+"),
        Text("trailing comma", "{\"ListMacros\":{\"dylib_path\":\"x\",}}", Malformed + "invalid JSON: .+", "ListMacros"),
        Text("duplicate field", "{\"ListMacros\":{\"dylib_path\":\"a\",\"dylib_path\":\"b\"}}", Malformed + "duplicate field `dylib_path`", "ListMacros"),
        Text("missing fields", "{\"ExpandMacro\":{}}", Malformed + "missing field `lib`"),
        Text("two variants in one request", "{\"ApiVersionCheck\":{},\"ListMacros\":{\"dylib_path\":\"x\"}}", Malformed + ".+"),
        // --- unknown variants
        Text("unknown request variant", "{\"Bogus\":{}}", Malformed + Regex.Escape("unknown variant `Bogus`, expected one of `ApiVersionCheck`, `ListMacros`, `ExpandMacro`, `SetConfig`")),
        Text("unknown span mode", "{\"SetConfig\":{\"span_mode\":\"Weird\"}}", Malformed + Regex.Escape("unknown variant `Weird`, expected `Id` or `RustAnalyzer`")),
        Text("response variant sent as a request", "{\"ExpandMacroExtended\":{\"Ok\":{}}}", Malformed + "unknown variant `ExpandMacroExtended`.*"),
        // --- wrong field types
        Text("dylib_path is a number", "{\"ListMacros\":{\"dylib_path\":42}}", Malformed + ".*dylib_path.*", "ListMacros"),
        Text("env is a string", Wire.Expand(extra: "").Replace("\"env\":[]", "\"env\":\"PATH=/\""), Malformed + ".*env.*"),
        Text("env entry of three strings", Wire.Expand().Replace("\"env\":[]", "\"env\":[[\"A\",\"B\",\"C\"]]"), Malformed + ".*env entry.*"),
        Text("macro_body is a string", Wire.Expand(body: "\"fn main() {}\""), Malformed + ".*macro_body.*"),
        Text("ApiVersionCheck payload is null", "{\"ApiVersionCheck\":null}", Malformed + ".+"),
        Text("span_data_table is null", Wire.Expand(table: "").Replace("\"span_data_table\":[]", "\"span_data_table\":null"), Malformed + ".*span_data_table.*"),
        Text("a text entry is a number", Wire.Expand(body: Wire.Tree("0,0,0,0,1", ident: "0,0,0", tokenTree: "3", text: "1")), Malformed + ".*text.*"),
        Text("macro_name is an object", Wire.Expand().Replace("\"macro_name\":\"stringify_input\"", "\"macro_name\":{\"a\":1}"), Malformed + ".*macro_name.*"),
        // --- numbers out of range
        Text("u32 field above u32 (4294967296)", Wire.Expand(body: Wire.Tree("0,0,0,0,4294967296")), Malformed + ".*4294967296.*"),
        Text("negative u32 field (-1)", Wire.Expand(body: Wire.Tree("0,0,0,0,-1")), Malformed + ".*-1.*"),
        Text("fractional u32 field (1.5)", Wire.Expand(body: Wire.Tree("0,0,0,0,1.5")), Malformed + ".*1\\.5.*"),
        Text("u32 field in exponent form (1e0)", Wire.Expand(body: Wire.Tree("0,0,0,0,1e0")), Malformed + ".+"),
        Text("u32 field with 400 digits", Wire.Expand(body: Wire.Tree("0,0,0,0," + new string('9', 400))), Malformed + ".+"),
        Text("global span above u64", Wire.Expand(globals: "{\"def_site\":18446744073709551616,\"call_site\":0,\"mixed_site\":0}"), Malformed + ".*def_site.*"),
        Text("negative global span", Wire.Expand(globals: "{\"def_site\":0,\"call_site\":-1,\"mixed_site\":0}"), Malformed + ".*call_site.*"),
        Text("global span above u32 (Id mode truncates it, as the reference)", Wire.Expand(globals: "{\"def_site\":4294967297,\"call_site\":4294967297,\"mixed_site\":0}"), Hello, ok: true),
        Text("span table number above u32", Wire.Expand(table: "16777223,2818572288,0,5,4294967296"), Malformed + ".*span_data_table.*", mode: SpanMode.RustAnalyzer),
        // --- FlatTree structure
        Text("child subtree index out of range", Wire.Expand(body: Wire.Tree("0,0,0,0,1", tokenTree: "20")), Malformed + ".*child subtree index 5 is out of range for 1 subtrees"),
        Text("ident index out of range", Wire.Expand(body: Wire.Tree("0,0,0,0,1", tokenTree: "3")), Malformed + ".*ident 0.*only 0 ident records"),
        Text("literal text index out of range", Wire.Expand(body: Wire.Tree("0,0,0,0,1", literal: "0,9,3,4294967295", tokenTree: "1")), Malformed + ".*text index 9 is out of range.*"),
        Text("subtree that is its own child (cycle)", Wire.Expand(body: Wire.Tree("0,0,0,0,1", tokenTree: "0")), Malformed + ".*cycle"),
        Text("child pointing back to its parent (cycle)", Wire.Expand(body: Wire.Tree("0,0,0,0,1,0,0,1,1,2", tokenTree: "4,0")), Malformed + ".*cycle"),
        Text("subtree referenced twice", Wire.Expand(body: Wire.Tree("0,0,0,0,2,0,0,1,2,2", tokenTree: "4,4")), Malformed + ".*referenced more than once"),
        Text("shared token_tree slots", Wire.Expand(body: Wire.Tree("0,0,0,0,2,0,0,1,1,2", ident: "0,0,0", tokenTree: "4,3", text: "\"x\"")), Malformed + ".*already a child.*"),
        Text("child range ending before it starts", Wire.Expand(body: Wire.Tree("0,0,0,1,0")), Malformed + ".*ends before it starts"),
        Text("child range past token_tree", Wire.Expand(body: Wire.Tree("0,0,0,0,4000000000")), Malformed + ".*exceeds the token_tree array.*"),
        Text("empty subtree array", Wire.Expand(body: Wire.Tree("")), Malformed + ".*no root"),
        Text("subtree array not a multiple of 5", Wire.Expand(body: Wire.Tree("0,0,0,0,0,0,0")), Malformed + ".*not a multiple of its record size 5.*"),
        Text("delimiter kind 7", Wire.Expand(body: Wire.Tree("0,0,7,0,0")), Malformed + ".*delimiter kind 7.*"),
        Text("punct spacing 2", Wire.Expand(body: Wire.Tree("0,0,0,0,1", punct: "0,43,2", tokenTree: "2")), Malformed + ".*spacing 2.*"),
        Text("punct char is a surrogate", Wire.Expand(body: Wire.Tree("0,0,0,0,1", punct: "0,55296,0", tokenTree: "2")), Malformed + ".*not a Unicode scalar value"),
        Text("literal kind 11", Wire.Expand(body: Wire.Tree("0,0,0,0,1", literal: "0,0,11,4294967295", tokenTree: "1", text: "\"1\"")), Malformed + ".*kind 11.*"),
        // --- the RustAnalyzer span table
        Text("span table shorter than one entry", Wire.Expand(table: "1,2,3"), Malformed + ".*def_site span index 0 is out of range for a span table of 0 entries", mode: SpanMode.RustAnalyzer),
        Text("span table of 2 entries and 2 stray numbers, a global span on the stray part", Wire.Expand(table: Wire.OneSpanEntry + ",16777223,2818572288,0,6,4294967040,1,2",
            globals: "{\"def_site\":0,\"call_site\":2,\"mixed_site\":0}"), Malformed + ".*call_site span index 2 is out of range for a span table of 2 entries", mode: SpanMode.RustAnalyzer),
        Text("span table of 1 entry and 2 stray numbers (ignored, as the reference)", Wire.Expand(table: Wire.OneSpanEntry + ",1,2"), Hello, mode: SpanMode.RustAnalyzer, ok: true),
        Text("span table entry with the reserved file-id bit", Wire.Expand(table: "2147483648,0,0,0,0"), Malformed + ".*reserved bit 31.*", mode: SpanMode.RustAnalyzer),
        Text("span table entry of edition 9", Wire.Expand(table: (9u << 23).ToString() + ",0,0,0,0"), Malformed + ".*edition 9.*", mode: SpanMode.RustAnalyzer),
        Text("span table entry with start after end", Wire.Expand(table: "16777223,2818572288,9,5,0"), Malformed + ".*start 9 is after its end 5", mode: SpanMode.RustAnalyzer),
        Text("tree span index out of range (falls back to entry 0, as the reference)", Wire.Expand(body: Wire.Tree("0,0,0,0,1", ident: "77,0,0", tokenTree: "3", text: "\"hello\""), table: Wire.OneSpanEntry), Hello, mode: SpanMode.RustAnalyzer, ok: true),
        // --- bytes that are not UTF-8
        new("0xFF inside a string", SpanMode.Id, () => Wire.WithRawBytes(Wire.ListMacros("\"/tmp/MARK.so\""), "MARK", 0xFF, 0xFE), "ListMacros", Malformed + "invalid JSON: .+"),
        new("0xFF outside any string", SpanMode.Id, () => Wire.WithRawBytes("{MARK\"ApiVersionCheck\":{}}", "MARK", 0xFF), null, Malformed + "invalid JSON: .+"),
        new("overlong UTF-8 encoding of '/'", SpanMode.Id, () => Wire.WithRawBytes(Wire.Expand(name: "MARK"), "MARK", 0xC0, 0xAF), null, Malformed + "invalid JSON: .+"),
        new("UTF-8-encoded surrogate in the macro name", SpanMode.RustAnalyzer, () => Wire.WithRawBytes(Wire.Expand(name: "MARK", table: Wire.OneSpanEntry), "MARK", 0xED, 0xA0, 0x80), null, Malformed + "invalid JSON: .+"),
        new("truncated UTF-8 sequence at the end of a string", SpanMode.Id, () => Wire.WithRawBytes(Wire.ListMacros("\"abcMARK\""), "MARK", 0xE2, 0x82), "ListMacros", Malformed + "invalid JSON: .+"),
        new("raw NUL byte inside a string", SpanMode.Id, () => Wire.WithRawBytes(Wire.ListMacros("\"/tmp/aMARKb.so\""), "MARK", 0x00), "ListMacros", Malformed + "invalid JSON: .+"),
        new("raw carriage return inside a string", SpanMode.Id, () => Wire.WithRawBytes(Wire.Expand(name: "aMARKb"), "MARK", 0x0D), null, Malformed + "invalid JSON: .+"),
        Text("escaped lone surrogate in the macro name", Wire.Expand(name: "x").Replace("\"macro_name\":\"x\"", "\"macro_name\":\"\\ud800\""), ".+"),
        Text("escaped NUL in the macro name", Wire.Expand(name: "a\0b"), Regex.Escape("proc-macro `a\0b` is missing")),
        // --- valid, but unusual
        Text("CRLF line ending", "{\"ApiVersionCheck\":{}}\r", "6", "ApiVersionCheck", ok: true),
        Text("trailing characters after the object (ignored, as the reference)", "{\"ApiVersionCheck\":{}} trailing", "6", "ApiVersionCheck", ok: true),
        Text("unknown macro name", Wire.Expand(name: "no_such_macro"), Regex.Escape("proc-macro `no_such_macro` is missing")),
        Text("env with an empty name, '=' and NUL in names (skipped)", Wire.Expand().Replace("\"env\":[]", "\"env\":[[\"\",\"x\"],[\"A=B\",\"x\"],[\"C\\u0000D\",\"x\"],[\"OK\",\"v\\u0000w\"]]"), Hello, ok: true),
    ];

    [Fact]
    public async Task An_expansion_with_10000_environment_variables_is_answered()
    {
        var server = await shared.InModeAsync(SpanMode.Id);
        var env = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"[\"PMS_RELIABILITY_VAR_{i}\",\"value {i}\"]"));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var answer = Answer.Of(await server.SendRawAsync(Wire.Expand(name: "env_value", body: Wire.Tree("0,0,0,0,1", ident: "0,0,0", tokenTree: "3", text: "\"PMS_RELIABILITY_VAR_9999\""))
            .Replace("\"env\":[]", "\"env\":[" + env + "]")));

        Assert.True(answer.IsOk, answer.Error);
        Assert.Equal("\"value 9999\"", answer.Text);
        Assert.Equal("\"<unset>\"", (await server.ExpandAsync(Dylibs.Stable.PmBasics, "env_value", "PMS_RELIABILITY_VAR_9999")).Text);
        await server.AssertServingAsync("10,000 environment variables");
        ReliabilityLog.Record(Area, "ExpandMacro with 10,000 environment variables", $"{answer.Summary} in {clock.Elapsed.TotalSeconds:0.0} s; the next expansion sees none of them", keptServing: true);
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_hostile_request_gets_an_error_and_the_server_keeps_serving(string name)
    {
        var hostile = Cases.Single(c => c.Name == name);
        var server = await shared.InModeAsync(hostile.Mode);

        var answer = Answer.Of(await server.SendRawAsync(hostile.Line()));

        Assert.Equal(hostile.Variant ?? Answer.ExpandVariant(hostile.Mode), answer.Variant);
        if (hostile.ExpectOk)
        {
            Assert.True(answer.IsOk, $"expected an answer, got the error {answer.Error}");
            Assert.Matches("^" + hostile.Expected + "$", answer.Text);
        }
        else
        {
            Assert.False(answer.IsOk, $"expected an error, got {answer.Text}");
            Assert.Matches(new Regex("^" + hostile.Expected + "$", RegexOptions.Singleline), answer.Error);
        }
        await server.AssertServingAsync(name);
        ReliabilityLog.Record(Area, $"{name} ({hostile.Mode} mode)", answer, keptServing: true);
    }
}
