using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>Builds requests from Rust source text, as rust-analyzer would send them.</summary>
internal static class Requests
{
    /// <summary>File id of every located span: edition 2021 (2 in bits 30..23), file 7.</summary>
    public const uint FileId = (2u << 23) | 7;

    /// <summary>Parses <paramref name="source"/> into a root group with an invisible delimiter, with spans of <paramref name="mode"/>.</summary>
    public static Group Parse(string source, SpanMode mode)
    {
        var length = (uint)Encoding.UTF8.GetByteCount(source);
        SpanFactory factory = mode == SpanMode.Id
            ? (start, _) => Span.Opaque((uint)start + 100)
            : (start, end) => Span.InFile(FileId, (uint)start, (uint)end);
        var parsed = TokenStreamParser.Parse(source, factory);
        if (parsed.Stream is null)
            throw new ArgumentException($"test input does not lex: {parsed.ErrorMessage}: {source}", nameof(source));
        var whole = mode == SpanMode.Id ? Span.Opaque(1) : Span.InFile(FileId, 0, length);
        return new Group(Delimiter.None, parsed.Stream, DelimSpan.Single(whole));
    }

    /// <summary>The global spans of a request for <paramref name="source"/>.</summary>
    public static GlobalSpans Globals(string source, SpanMode mode) => mode == SpanMode.Id
        ? new GlobalSpans(Span.Opaque(0), Span.Opaque(1), Span.Opaque(2))
        : new GlobalSpans(Span.InFile(FileId, 0, 0), Span.InFile(FileId, 0, (uint)Encoding.UTF8.GetByteCount(source)), Span.InFile(FileId, 0, 0, 0));

    public static ExpandMacroRequest Expand(string lib, string macroName, string source, SpanMode mode, string? attributes = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, string? currentDir = null) =>
        ExpandMacroRequest.Encode(lib, macroName, Parse(source, mode), attributes is null ? null : Parse(attributes, mode),
            Globals(source, mode), mode, env, currentDir);

    public static byte[] Line(Request request) => JsonLegacyWriter.EncodeRequest(request);

    public static string Text(Request request) => Encoding.UTF8.GetString(Line(request));

    /// <summary>JSON string literal for <paramref name="value"/>.</summary>
    public static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    /// <summary>
    /// A struct with <paramref name="fields"/> fields of assorted types, with serde attributes on
    /// some: the input of the derive macros in the soak test.
    /// </summary>
    public static string Struct(string name, int fields)
    {
        var text = new StringBuilder();
        text.Append("#[serde(rename_all = \"camelCase\")]\npub struct ").Append(name).Append(" {\n");
        string[] types = ["u32", "String", "Option<Vec<u8>>", "std::collections::HashMap<String, i64>", "(bool, char)", "Box<str>"];
        for (var i = 0; i < fields; i++)
        {
            if (i % 5 == 3) text.Append("    #[serde(default)]\n");
            if (i % 7 == 5) text.Append("    #[serde(rename = \"renamed_").Append(i).Append("\")]\n");
            text.Append("    pub field_").Append(i).Append(": ").Append(types[i % types.Length]).Append(",\n");
        }
        return text.Append('}').ToString();
    }
}
