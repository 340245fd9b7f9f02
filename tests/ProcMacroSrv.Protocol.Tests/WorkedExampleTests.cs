using System.Text;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using static ProcMacroSrv.Protocol.Tests.Tokens;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>The worked examples of protocol.md section 3.9, which were produced by the reference server.</summary>
public class WorkedExampleTests
{
    private const uint File = 25165824;        // file 0, edition 2024
    private const uint Anchor = 1744830464;    // MacroCall, index 0, hash 0
    private const uint Root = 4294967040;      // root context, edition 2024

    private const string Table =
        "25165824,1744830464,0,9,1,25165824,1744830464,0,9,2,25165824,1744830464,0,9,3,25165824,1744830464,10,11,4294967040," +
        "25165824,1744830464,32,33,4294967040,25165824,1744830464,11,17,4294967040,25165824,1744830464,18,21,4294967040," +
        "25165824,1744830464,22,23,4294967040,25165824,1744830464,31,32,4294967040,25165824,1744830464,24,25,4294967040," +
        "25165824,1744830464,25,26,4294967040,25165824,1744830464,27,30,4294967040";

    private const string RaRequest =
        "{\"ExpandMacro\":{\"lib\":\"/home/me/pm/target/debug/libpm.so\",\"env\":[],\"current_dir\":\"/home/me/pm\"," +
        "\"macro_body\":{\"subtree\":[3,4,0,0,3,7,8,2,3,6],\"literal\":[],\"punct\":[10,58,0],\"ident\":[5,0,0,6,1,0,9,2,0,11,3,0],\"token_tree\":[3,7,4,11,2,15],\"text\":[\"struct\",\"Foo\",\"x\",\"u32\"]}," +
        "\"macro_name\":\"do_thrice\",\"attributes\":null,\"has_global_spans\":{\"def_site\":0,\"call_site\":1,\"mixed_site\":2}," +
        "\"span_data_table\":[" + Table + "]}}";

    private const string RaResponse =
        "{\"ExpandMacroExtended\":{\"Ok\":{\"tree\":{\"subtree\":[1,1,0,0,9,7,8,2,9,12,7,8,2,12,15,7,8,2,15,18],\"literal\":[],\"punct\":[10,58,0,10,58,0,10,58,0]," +
        "\"ident\":[5,0,0,6,1,0,5,0,0,6,1,0,5,0,0,6,1,0,9,2,0,11,3,0,9,2,0,11,3,0,9,2,0,11,3,0]," +
        "\"token_tree\":[3,7,4,11,15,8,19,23,12,27,2,31,35,6,39,43,10,47],\"text\":[\"struct\",\"Foo\",\"x\",\"u32\"]}," +
        "\"span_data_table\":[" + Table + "]}}}";

    private const string IdRequest =
        "{\"ExpandMacro\":{\"lib\":\"/home/me/pm/target/debug/libpm.so\",\"env\":[],\"current_dir\":null,\"macro_body\":{\"subtree\":[0,0,0,0,3,1,2,2,3,6],\"literal\":[],\"punct\":[5,58,0],\"ident\":[3,0,0,4,1,0,6,2,0,7,3,0],\"token_tree\":[3,7,4,11,2,15],\"text\":[\"struct\",\"Foo\",\"x\",\"u32\"]},\"macro_name\":\"do_thrice\",\"attributes\":null,\"has_global_spans\":{\"def_site\":100,\"call_site\":101,\"mixed_site\":102}}}";

    private const string IdResponse =
        "{\"ExpandMacro\":{\"Ok\":{\"subtree\":[101,101,0,0,9,1,2,2,9,12,1,2,2,12,15,1,2,2,15,18],\"literal\":[],\"punct\":[5,58,0,5,58,0,5,58,0],\"ident\":[3,0,0,4,1,0,3,0,0,4,1,0,3,0,0,4,1,0,6,2,0,7,3,0,6,2,0,7,3,0,6,2,0,7,3,0],\"token_tree\":[3,7,4,11,15,8,19,23,12,27,2,31,35,6,39,43,10,47],\"text\":[\"struct\",\"Foo\",\"x\",\"u32\"]}}}";

    private const string LiteralRequest =
        "{\"ExpandMacro\":{\"lib\":\"…/libpm.so\",\"env\":[],\"current_dir\":null,\"macro_body\":{\"subtree\":[0,0,0,0,6],\"literal\":[1,0,5,4294967295,2,1,3,2,3,3,518,4294967295],\"punct\":[6,59,0],\"ident\":[4,4,1,5,5,0],\"token_tree\":[1,5,9,3,7,2],\"text\":[\"hi\",\"1\",\"u8\",\"x\",\"fn\",\"ok\"]},\"macro_name\":\"wrap\",\"attributes\":{\"subtree\":[0,0,0,0,1],\"literal\":[],\"punct\":[],\"ident\":[7,0,0],\"token_tree\":[3],\"text\":[\"arg\"]},\"has_global_spans\":{\"def_site\":0,\"call_site\":0,\"mixed_site\":0}}}";

    private static Span Ra(uint start, uint end, uint ctx = Root) => new(File, Anchor, start, end, ctx);

    private static readonly GlobalSpans RaGlobals = new(Ra(0, 9, 1), Ra(0, 9, 2), Ra(0, 9, 3));

    /// <summary>The body of <c>do_thrice!(struct Foo { x: u32 })</c> with RustAnalyzer-mode spans.</summary>
    private static Group RaBody() => G(Delimiter.None, Ra(10, 11), Ra(32, 33),
        Id("struct", Ra(11, 17)), Id("Foo", Ra(18, 21)),
        G(Delimiter.Brace, Ra(22, 23), Ra(31, 32), Id("x", Ra(24, 25)), P(':', Ra(25, 26)), Id("u32", Ra(27, 30))));

    private static Group IdBody() => G(Delimiter.None, O(0), O(0),
        Id("struct", O(3)), Id("Foo", O(4)),
        G(Delimiter.Brace, O(1), O(2), Id("x", O(6)), P(':', O(5)), Id("u32", O(7))));

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(RaRequest)]
    [InlineData(IdRequest)]
    [InlineData(LiteralRequest)]
    [InlineData("{\"ApiVersionCheck\":{}}")]
    [InlineData("{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}")]
    [InlineData("{\"SetConfig\":{\"span_mode\":\"Id\"}}")]
    [InlineData("{\"ListMacros\":{\"dylib_path\":\"/path/to/target/debug/deps/libfoo-0123abcd.so\"}}")]
    public void Requests_reencode_to_identical_bytes(string json)
    {
        var request = JsonLegacyReader.ReadRequest(Utf8(json));
        Assert.Equal(json, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeRequest(request)));
    }

    [Theory]
    [InlineData(RaResponse)]
    [InlineData(IdResponse)]
    [InlineData("{\"ApiVersionCheck\":6}")]
    [InlineData("{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}")]
    [InlineData("{\"ListMacros\":{\"Ok\":[[\"do_thrice\",\"FuncLike\"],[\"Hello\",\"CustomDerive\"],[\"wrap\",\"Attr\"],[\"boom\",\"FuncLike\"]]}}")]
    [InlineData("{\"ListMacros\":{\"Ok\":[]}}")]
    [InlineData("{\"ListMacros\":{\"Err\":\"Cannot create expander for /nonexistent/x.so: No such file or directory (os error 2)\"}}")]
    [InlineData("{\"ExpandMacro\":{\"Err\":\"boom!\"}}")]
    [InlineData("{\"ExpandMacroExtended\":{\"Err\":\"proc-macro `NonexistentMacro` is missing\"}}")]
    public void Responses_reencode_to_identical_bytes(string json)
    {
        var response = JsonLegacyReader.ReadResponse(Utf8(json));
        Assert.Equal(json, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
    }

    [Fact]
    public void RustAnalyzer_mode_client_encoding_matches_the_reference_request()
    {
        var request = ExpandMacroRequest.Encode("/home/me/pm/target/debug/libpm.so", "do_thrice", RaBody(), null, RaGlobals,
            SpanMode.RustAnalyzer, currentDir: "/home/me/pm");
        Assert.Equal(RaRequest, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeRequest(request)));
    }

    [Fact]
    public void RustAnalyzer_mode_request_decodes_to_the_source_tokens()
    {
        var request = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(Utf8(RaRequest)));
        var input = ExpansionInput.Decode(request, SpanMode.RustAnalyzer);
        Assert.Equal(RaGlobals, input.Globals);
        Assert.Equal(12, input.SpanTable!.Count);
        TreeAssert.Decoded(RaBody(), request.MacroBody.ToGroup(input.SpanTable), input.SpanTable);
        // The invisible root yields its children; the brace group's entire span covers 22..32.
        Assert.Equal(3, input.Body.Count);
        var brace = Assert.IsType<Group>(input.Body[2]);
        Assert.Equal(Ra(22, 32), brace.Spans.Entire);
        Assert.Null(input.Attributes);
    }

    [Fact]
    public void RustAnalyzer_mode_server_encoding_of_do_thrice_matches_the_reference_response()
    {
        var request = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(Utf8(RaRequest)));
        var input = ExpansionInput.Decode(request, SpanMode.RustAnalyzer);
        var response = input.EncodeResult(TokenStream.Empty.Concat([input.Body, input.Body, input.Body]));
        Assert.Equal(RaResponse, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
    }

    [Fact]
    public void RustAnalyzer_mode_response_decodes_to_three_copies()
    {
        var response = Assert.IsType<ExpandMacroExtendedResponse>(JsonLegacyReader.ReadResponse(Utf8(RaResponse)));
        Assert.Equal(9, response.DecodeTree().Count);
        var table = SpanDataTable.FromWire(response.SpanDataTable.Span);
        var root = response.Tree!.ToGroup(table);
        var body = RaBody().Stream.AsSpan().ToArray();
        // The result is not a single group, so the root is a new invisible group at the call site.
        TreeAssert.Decoded(G(Delimiter.None, Ra(0, 9, 2), Ra(0, 9, 2), [.. body, .. body, .. body]), root, table);
    }

    [Fact]
    public void Id_mode_client_encoding_matches_the_reference_request()
    {
        var request = ExpandMacroRequest.Encode("/home/me/pm/target/debug/libpm.so", "do_thrice", IdBody(), null,
            new GlobalSpans(O(100), O(101), O(102)), SpanMode.Id);
        Assert.Equal(IdRequest, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeRequest(request)));
    }

    [Fact]
    public void Id_mode_server_encoding_of_do_thrice_matches_the_reference_response()
    {
        var request = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(Utf8(IdRequest)));
        var input = ExpansionInput.Decode(request, SpanMode.Id);
        Assert.Equal(new GlobalSpans(O(100), O(101), O(102)), input.Globals);
        Assert.Null(input.SpanTable);
        var response = input.EncodeResult(TokenStream.Empty.Concat([input.Body, input.Body, input.Body]));
        Assert.Equal(IdResponse, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
    }

    [Fact]
    public void Id_mode_response_root_uses_the_call_site_and_groups_keep_their_ids()
    {
        var response = Assert.IsType<ExpandMacroResponse>(JsonLegacyReader.ReadResponse(Utf8(IdResponse)));
        var root = response.Tree!.ToGroup(SpanIds.Instance);
        Assert.Equal(Delimiter.None, root.Delimiter);
        Assert.Equal(O(101), root.Spans.Open);
        Assert.Equal(9, root.Stream.Count);
        var brace = Assert.IsType<Group>(root.Stream[5]);
        // Id mode: the entire span is the close span.
        Assert.Equal(new DelimSpan(O(1), O(2), O(2)), brace.Spans);
    }

    [Fact]
    public void Literal_example_decodes_and_reencodes()
    {
        var request = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(Utf8(LiteralRequest)));
        var input = ExpansionInput.Decode(request, SpanMode.Id);
        var expected = S(
            Lit(LiteralKind.Str, "hi", O(1)),
            Lit(LiteralKind.Integer, "1", O(2), "u8"),
            Lit(LiteralKind.StrRaw, "x", O(3), hashes: 2),
            Id("fn", O(4), raw: true),
            Id("ok", O(5)),
            P(';', O(6)));
        TreeAssert.Equal(expected, input.Body);
        TreeAssert.Equal(S(Id("arg", O(7))), input.Attributes!);

        // The attribute macro returns its item unchanged; the reference echoes the tree.
        var echoed = Assert.IsType<ExpandMacroResponse>(input.EncodeResult(input.Body));
        Assert.Equal(request.MacroBody.Subtree.ToArray(), echoed.Tree!.Subtree.ToArray());
        Assert.Equal(request.MacroBody.Literal.ToArray(), echoed.Tree.Literal.ToArray());
        Assert.Equal(request.MacroBody.Text, echoed.Tree.Text);

        var reencoded = ExpandMacroRequest.Encode("…/libpm.so", "wrap", G(Delimiter.None, O(0), O(0), expected.AsSpan().ToArray()),
            G(Delimiter.None, O(0), O(0), Id("arg", O(7))), new GlobalSpans(O(0), O(0), O(0)), SpanMode.Id);
        Assert.Equal(LiteralRequest, Encoding.UTF8.GetString(JsonLegacyWriter.EncodeRequest(reencoded)));
    }

    [Fact]
    public void Empty_result_is_an_invisible_call_site_root()
    {
        var table = new SpanDataTable();
        var tree = FlatTree.FromTokenStream(TokenStream.Empty, Ra(0, 9, 2), table);
        Assert.Equal([0u, 0, 0, 0, 0], tree.Subtree.ToArray());
        Assert.True(tree.Literal.IsEmpty && tree.Punct.IsEmpty && tree.Ident.IsEmpty && tree.TokenTree.IsEmpty);
        Assert.Empty(tree.Text);

        var idTree = FlatTree.FromTokenStream(TokenStream.Empty, O(7), SpanIds.Instance);
        Assert.Equal([7u, 7, 0, 0, 0], idTree.Subtree.ToArray());
    }

    [Fact]
    public void Single_group_result_becomes_the_root_but_the_call_site_is_interned_first()
    {
        var table = new SpanDataTable();
        var group = G(Delimiter.Bracket, Ra(1, 2), Ra(5, 6), Id("a", Ra(2, 3)));
        var tree = FlatTree.FromTokenStream(S(group), Ra(0, 9, 2), table);
        Assert.Equal([1u, 2, 3, 0, 1], tree.Subtree.ToArray());
        Assert.Equal(Ra(0, 9, 2), table[0]);
        var decoded = tree.ToTokenStream(table);
        var single = Assert.IsType<Group>(Assert.Single(decoded));
        Assert.Equal(Delimiter.Bracket, single.Delimiter);
        Assert.Equal(Ra(1, 6), single.Spans.Entire);
    }
}
