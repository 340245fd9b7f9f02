using System.Buffers;
using System.Text;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Protocol.Tests;

public class JsonMessageTests
{
    private static Request Req(string json) => JsonLegacyReader.ReadRequest(Encoding.UTF8.GetBytes(json));
    private static Response Resp(string json) => JsonLegacyReader.ReadResponse(Encoding.UTF8.GetBytes(json));

    private static void RequestRejected(string json, string message)
    {
        var e = Assert.Throws<ProtocolException>(() => Req(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static void ResponseRejected(string json, string message)
    {
        var e = Assert.Throws<ProtocolException>(() => Resp(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private const string Tree = "{\"subtree\":[0,0,0,0,0],\"literal\":[],\"punct\":[],\"ident\":[],\"token_tree\":[],\"text\":[]}";

    [Fact]
    public void Unknown_request_variant_names_the_choices() =>
        RequestRejected("{\"Bogus\":{}}", "unknown variant `Bogus`, expected one of `ApiVersionCheck`, `ListMacros`, `ExpandMacro`, `SetConfig`");

    [Fact]
    public void Unknown_response_variant_names_the_choices() =>
        ResponseRejected("{\"Nope\":1}", "unknown variant `Nope`, expected one of `ApiVersionCheck`, `ListMacros`, `ExpandMacro`, `SetConfig`, `ExpandMacroExtended`");

    [Theory]
    [InlineData("{\"ApiVersionCheck\":{}}")]
    [InlineData("{\"ApiVersionCheck\":[]}")]
    [InlineData("{\"ApiVersionCheck\":{\"extra\":[1,{\"deep\":null}]}}")]
    [InlineData("  {\"ApiVersionCheck\":{}}  \r")]
    [InlineData("{\"ApiVersionCheck\":{}} trailing junk, ignored like the reference does")]
    [InlineData("{\"ApiVersionCheck\":{}}{\"SetConfig\":{}}")]
    public void ApiVersionCheck_payload_forms(string json) => Assert.IsType<ApiVersionCheckRequest>(Req(json));

    [Theory]
    [InlineData("{\"ApiVersionCheck\":null}", "invalid type: null")]
    [InlineData("{\"ApiVersionCheck\":[1]}", "invalid length")]
    [InlineData("{\"ApiVersionCheck\":{},\"SetConfig\":{}}", "found another key `SetConfig`")]
    [InlineData("{}", "empty map")]
    [InlineData("\"ApiVersionCheck\"", "unit variant")]
    [InlineData("[]", "invalid type: sequence, expected enum Request")]
    [InlineData("{\"ApiVersionCheck\":{}", "invalid JSON")]
    [InlineData("{\"ApiVersionCheck\":{},}", "invalid JSON")]
    [InlineData("{\"ApiVersionCheck\"", "invalid JSON")]
    public void Malformed_envelopes(string json, string message) => RequestRejected(json, message);

    [Theory]
    [InlineData("{\"SetConfig\":{}}", SpanMode.Id)]
    [InlineData("{\"SetConfig\":{\"span_mode\":\"Id\"}}", SpanMode.Id)]
    [InlineData("{\"SetConfig\":{\"other\":1,\"span_mode\":\"RustAnalyzer\"}}", SpanMode.RustAnalyzer)]
    public void SetConfig_defaults_to_Id(string json, SpanMode mode) => Assert.Equal(mode, Assert.IsType<SetConfigRequest>(Req(json)).SpanMode);

    [Theory]
    [InlineData("{\"SetConfig\":{\"span_mode\":\"Bogus\"}}", "unknown variant `Bogus`, expected `Id` or `RustAnalyzer`")]
    [InlineData("{\"SetConfig\":{\"span_mode\":null}}", "`span_mode`: invalid type: null, expected enum SpanMode")]
    [InlineData("{\"SetConfig\":{\"span_mode\":\"Id\",\"span_mode\":\"Id\"}}", "duplicate field `span_mode`")]
    [InlineData("{\"ListMacros\":{}}", "missing field `dylib_path`")]
    [InlineData("{\"ListMacros\":{\"dylib_path\":5}}", "`dylib_path`: invalid type: number `5`, expected a string")]
    public void Malformed_fields(string json, string message) => RequestRejected(json, message);

    [Fact]
    public void ExpandMacro_optional_fields_take_their_defaults()
    {
        var request = Assert.IsType<ExpandMacroRequest>(Req(
            "{\"ExpandMacro\":{\"macro_name\":\"m\",\"unknown\":{\"x\":[[[]]]},\"macro_body\":" + Tree + ",\"env\":[[\"A\",\"1\"],[\"A\",\"2\"]],\"lib\":\"/l.so\"}}"));
        Assert.Equal("/l.so", request.Lib);
        Assert.Equal([new("A", "1"), new("A", "2")], request.Env);
        Assert.Null(request.CurrentDir);
        Assert.Null(request.Attributes);
        Assert.Null(request.HasGlobalSpans);
        Assert.True(request.SpanDataTable.IsEmpty);
        // A missing has_global_spans means all three are 0.
        var input = ExpansionInput.Decode(request, SpanMode.Id);
        Assert.Equal(new GlobalSpans(TokenModel.Span.Opaque(0), TokenModel.Span.Opaque(0), TokenModel.Span.Opaque(0)), input.Globals);
    }

    [Theory]
    [InlineData("\"env\":[],\"macro_body\":T,\"macro_name\":\"m\"", "missing field `lib`")]
    [InlineData("\"lib\":\"l\",\"macro_body\":T,\"macro_name\":\"m\"", "missing field `env`")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_name\":\"m\"", "missing field `macro_body`")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T", "missing field `macro_name`")]
    [InlineData("\"lib\":\"l\",\"env\":[[\"a\"]],\"macro_body\":T,\"macro_name\":\"m\"", "env entry: invalid length 1")]
    [InlineData("\"lib\":\"l\",\"env\":[[\"a\",\"b\",\"c\"]],\"macro_body\":T,\"macro_name\":\"m\"", "env entry: trailing elements")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":null", "`span_data_table`: invalid type: null, expected a sequence of u32")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[-1]", "`span_data_table`: invalid type: number `-1`, expected u32")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[4294967296]", "`span_data_table`: invalid value: integer `4294967296`, expected u32")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[1.5]", "invalid type: number `1.5`, expected u32")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"has_global_spans\":{\"def_site\":0,\"call_site\":0}", "missing field `mixed_site`")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"has_global_spans\":null", "invalid type: null, expected struct ExpnGlobals")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":{\"subtree\":[]},\"macro_name\":\"m\"", "missing field `literal` in macro_body")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"attributes\":{\"subtree\":[],\"literal\":[],\"punct\":[],\"ident\":[],\"token_tree\":[]}", "missing field `text` in attributes")]
    [InlineData("\"lib\":\"l\",\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\"", "duplicate field `lib`")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"current_dir\":1", "`current_dir`: invalid type: number `1`, expected a string")]
    // Numbers the fast path for number arrays must leave to the general reader, in long arrays.
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[12345678,012345678]", "leading zero")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[123456789012]", "integer `123456789012`, expected u32")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[4294967296,1,2,3,4,5,6,7]", "integer `4294967296`, expected u32")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[12345678,,1]", "invalid start of a value")]
    [InlineData("\"lib\":\"l\",\"env\":[],\"macro_body\":T,\"macro_name\":\"m\",\"span_data_table\":[12345678x,1]", "'x' is an invalid end of a number")]
    public void Malformed_ExpandMacro(string fields, string message) =>
        RequestRejected("{\"ExpandMacro\":{" + fields.Replace("T", Tree, StringComparison.Ordinal) + "}}", message);

    // The span table as the client writes it: numbers of every length, many per array, with the
    // largest and the smallest u32 at the ends.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Span_tables_of_numbers_of_every_length_are_read_exactly(int seed)
    {
        var numbers = CompactU32ArrayTests.NumbersOfEveryLength(seed);
        numbers[0] = uint.MaxValue;
        numbers[^1] = 0;
        var json = "{\"ExpandMacro\":{\"lib\":\"l\",\"env\":[],\"macro_body\":" + Tree + ",\"macro_name\":\"m\",\"span_data_table\":["
            + string.Join(',', numbers) + "]}}";
        var request = Assert.IsType<ExpandMacroRequest>(Req(json));
        Assert.Equal(numbers, request.SpanDataTable.ToArray());
    }

    [Fact]
    public void Global_spans_above_u32_are_truncated_in_Id_mode()
    {
        var request = Assert.IsType<ExpandMacroRequest>(Req(
            "{\"ExpandMacro\":{\"lib\":\"l\",\"env\":[],\"macro_body\":" + Tree + ",\"macro_name\":\"m\",\"has_global_spans\":{\"def_site\":4294967297,\"call_site\":2,\"mixed_site\":3}}}"));
        Assert.Equal(TokenModel.Span.Opaque(1), ExpansionInput.Decode(request, SpanMode.Id).Globals.DefSite);
    }

    [Fact]
    public void RustAnalyzer_mode_with_an_empty_table_is_fatal()
    {
        var request = Assert.IsType<ExpandMacroRequest>(Req(
            "{\"ExpandMacro\":{\"lib\":\"l\",\"env\":[],\"macro_body\":" + Tree + ",\"macro_name\":\"m\",\"has_global_spans\":{\"def_site\":0,\"call_site\":0,\"mixed_site\":0}}}"));
        var e = Assert.Throws<ProtocolException>(() => ExpansionInput.Decode(request, SpanMode.RustAnalyzer));
        Assert.Equal("def_site span index 0 is out of range for a span table of 0 entries", e.Message);
    }

    [Theory]
    [InlineData("{\"ListMacros\":{\"Ok\":[[\"a\",\"Bang\"]]}}")]
    [InlineData("{\"ListMacros\":{\"Ok\":[[\"a\",\"FuncLike\"]]}}")]
    public void Bang_is_read_as_FuncLike(string json)
    {
        var response = Assert.IsType<ListMacrosResponse>(Resp(json));
        Assert.Equal(new ProcMacroDescriptor("a", ProcMacroKind.FuncLike), Assert.Single(response.Macros!));
        Assert.Equal("{\"ListMacros\":{\"Ok\":[[\"a\",\"FuncLike\"]]}}", Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
    }

    [Theory]
    [InlineData("{\"ListMacros\":{\"Ok\":[[\"a\",\"Macro\"]]}}", "unknown variant `Macro`")]
    [InlineData("{\"ListMacros\":{\"Fine\":[]}}", "unknown variant `Fine`, expected `Ok` or `Err`")]
    [InlineData("{\"ListMacros\":{\"Ok\":[[\"a\"]]}}", "invalid length 1, expected a tuple of size 2")]
    [InlineData("{\"ApiVersionCheck\":-1}", "invalid type: number `-1`, expected u32")]
    [InlineData("{\"ApiVersionCheck\":\"6\"}", "invalid type: string \"6\", expected u32")]
    [InlineData("{\"ExpandMacroExtended\":{\"Ok\":{\"tree\":" + Tree + "}}}", "missing field `span_data_table`")]
    [InlineData("{\"ExpandMacro\":{\"Err\":null}}", "`ExpandMacro error`: invalid type: null, expected a string")]
    public void Malformed_responses(string json, string message) => ResponseRejected(json, message);

    [Fact]
    public void Invalid_utf8_in_a_string_is_a_protocol_error()
    {
        byte[] json = [.. "{\"ListMacros\":{\"dylib_path\":\""u8, 0xFF, 0xFE, .. "\"}}"u8];
        Assert.Throws<ProtocolException>(() => JsonLegacyReader.ReadRequest(json));
    }

    [Fact]
    public void Deeply_nested_unknown_values_are_skipped_without_recursion()
    {
        var depth = 100_000;
        var json = "{\"SetConfig\":{\"junk\":" + new string('[', depth) + new string(']', depth) + ",\"span_mode\":\"RustAnalyzer\"}}";
        Assert.Equal(SpanMode.RustAnalyzer, Assert.IsType<SetConfigRequest>(Req(json)).SpanMode);
    }

    [Fact]
    public void Escaped_keys_and_variant_names_are_understood()
    {
        Assert.IsType<ListMacrosRequest>(Req("{\"List\\u004dacros\":{\"dylib\\u005fpath\":\"\\u00e9\"}}"));
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("\"", "\"\\\"\"")]
    [InlineData("\\", "\"\\\\\"")]
    [InlineData("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"")]
    [InlineData("\u0000\u0001\u000b\u001f", "\"\\u0000\\u0001\\u000b\\u001f\"")]
    [InlineData("\u001a\u001B", "\"\\u001a\\u001b\"")]
    [InlineData("/\u007f<>&'+", "\"/\u007f<>&'+\"")]
    [InlineData("é✓\u2028\u2029😀", "\"é✓\u2028\u2029😀\"")]
    [InlineData("", "\"\"")]
    public void Strings_are_escaped_like_serde_json(string value, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonLegacyWriter.WriteString(buffer, value);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
        // And they read back to the same string through a message.
        var bytes = JsonLegacyWriter.EncodeRequest(new ListMacrosRequest(value));
        Assert.Equal(value, Assert.IsType<ListMacrosRequest>(JsonLegacyReader.ReadRequest(bytes)).DylibPath);
    }

    [Fact]
    public void A_lone_surrogate_is_written_as_the_replacement_character()
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonLegacyWriter.WriteString(buffer, "a\ud800b");
        Assert.Equal("\"a\ufffdb\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Non_ascii_is_raw_utf8_in_whole_messages()
    {
        var response = ListMacrosResponse.Err("ünïcödé \u2028 😀 \"q\"\n");
        Assert.Equal("{\"ListMacros\":{\"Err\":\"ünïcödé \u2028 😀 \\\"q\\\"\\n\"}}", Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
    }

    [Fact]
    public void Requests_without_optional_fields_leave_them_out()
    {
        var request = new ExpandMacroRequest
        {
            Lib = "l", Env = [], MacroBody = new FlatTree([0, 0, 0, 0, 0], [], [], [], [], []), MacroName = "m",
        };
        Assert.Equal("{\"ExpandMacro\":{\"lib\":\"l\",\"env\":[],\"current_dir\":null,\"macro_body\":" + Tree + ",\"macro_name\":\"m\",\"attributes\":null}}",
            Encoding.UTF8.GetString(JsonLegacyWriter.EncodeRequest(request)));
    }

    [Fact]
    public void Large_numbers_are_written_in_full()
    {
        var response = ExpandMacroExtendedResponse.Ok(new FlatTree([uint.MaxValue, 0, 0, 0, 0], [], [], [], [], []), (uint[])[4294967040, 0, 1]);
        Assert.Equal("{\"ExpandMacroExtended\":{\"Ok\":{\"tree\":{\"subtree\":[4294967295,0,0,0,0],\"literal\":[],\"punct\":[],\"ident\":[],\"token_tree\":[],\"text\":[]},\"span_data_table\":[4294967040,0,1]}}}",
            Encoding.UTF8.GetString(JsonLegacyWriter.EncodeResponse(response)));
    }
}
