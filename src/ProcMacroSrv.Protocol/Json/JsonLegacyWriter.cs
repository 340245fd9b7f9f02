using System.Buffers;
using System.Globalization;
using System.Text;

namespace ProcMacroSrv.Protocol.Json;

/// <summary>
/// Writes json-legacy messages byte for byte as the reference (serde_json) does (protocol.md
/// section 2.2): compact, keys in declaration order, optional fields left out exactly where the
/// reference leaves them out, and strings escaped minimally. The message is written without the
/// trailing newline; <see cref="JsonLineWriter"/> adds the framing.
/// </summary>
/// <remarks>
/// Hand-written rather than built on <c>Utf8JsonWriter</c>: its encoders escape more characters
/// (non-ASCII, <c>&lt;</c>, <c>+</c>, …) than serde_json does, which would break byte identity.
/// </remarks>
public static class JsonLegacyWriter
{
    /// <summary>Appends <paramref name="request"/> as one compact JSON object.</summary>
    public static void WriteRequest(IBufferWriter<byte> output, Request request)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(request);
        switch (request)
        {
            case ApiVersionCheckRequest:
                Raw(output, "{\"ApiVersionCheck\":{}}"u8);
                break;
            case SetConfigRequest setConfig:
                Raw(output, "{\"SetConfig\":"u8);
                WriteServerConfig(output, setConfig.SpanMode);
                Raw(output, "}"u8);
                break;
            case ListMacrosRequest listMacros:
                Raw(output, "{\"ListMacros\":{\"dylib_path\":"u8);
                WriteString(output, listMacros.DylibPath);
                Raw(output, "}}"u8);
                break;
            case ExpandMacroRequest expand:
                WriteExpandMacro(output, expand);
                break;
            default:
                throw new ArgumentException($"unknown request type {request.GetType().Name}", nameof(request));
        }
    }

    /// <summary>Appends <paramref name="response"/> as one compact JSON object.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, Response response)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(response);
        switch (response)
        {
            case ApiVersionCheckResponse version:
                Raw(output, "{\"ApiVersionCheck\":"u8);
                Number(output, version.Version);
                Raw(output, "}"u8);
                break;
            case SetConfigResponse setConfig:
                Raw(output, "{\"SetConfig\":"u8);
                WriteServerConfig(output, setConfig.SpanMode);
                Raw(output, "}"u8);
                break;
            case ListMacrosResponse list:
                Raw(output, "{\"ListMacros\":"u8);
                if (list.Macros is { } macros)
                {
                    Raw(output, "{\"Ok\":["u8);
                    for (var i = 0; i < macros.Count; i++)
                    {
                        Raw(output, i == 0 ? "["u8 : ",["u8);
                        WriteString(output, macros[i].Name);
                        Raw(output, macros[i].Kind switch
                        {
                            ProcMacroKind.CustomDerive => ",\"CustomDerive\"]"u8,
                            ProcMacroKind.Attr => ",\"Attr\"]"u8,
                            ProcMacroKind.FuncLike => ",\"FuncLike\"]"u8,
                            var k => throw new ArgumentException($"unknown macro kind {k}", nameof(response)),
                        });
                    }
                    Raw(output, "]}}"u8);
                }
                else
                {
                    WriteErr(output, list.Error!);
                    Raw(output, "}"u8);
                }
                break;
            case ExpandMacroResponse expand:
                Raw(output, "{\"ExpandMacro\":"u8);
                if (expand.Tree is { } tree)
                {
                    Raw(output, "{\"Ok\":"u8);
                    WriteFlatTree(output, tree);
                    Raw(output, "}}"u8);
                }
                else
                {
                    WriteErr(output, expand.Error!);
                    Raw(output, "}"u8);
                }
                break;
            case ExpandMacroExtendedResponse extended:
                Raw(output, "{\"ExpandMacroExtended\":"u8);
                if (extended.Tree is { } extendedTree)
                {
                    Raw(output, "{\"Ok\":{\"tree\":"u8);
                    WriteFlatTree(output, extendedTree);
                    Raw(output, ",\"span_data_table\":"u8);
                    NumberArray(output, extended.SpanDataTable!);
                    Raw(output, "}}}"u8);
                }
                else
                {
                    WriteErr(output, extended.Error!);
                    Raw(output, "}"u8);
                }
                break;
            default:
                throw new ArgumentException($"unknown response type {response.GetType().Name}", nameof(response));
        }
    }

    /// <summary><paramref name="request"/> as a new byte array (no trailing newline).</summary>
    public static byte[] EncodeRequest(Request request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteRequest(buffer, request);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><paramref name="response"/> as a new byte array (no trailing newline).</summary>
    public static byte[] EncodeResponse(Response response)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteResponse(buffer, response);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends a FlatTree object: <c>{"subtree":[…],"literal":[…],"punct":[…],"ident":[…],"token_tree":[…],"text":[…]}</c>.</summary>
    public static void WriteFlatTree(IBufferWriter<byte> output, FlatTree tree)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(tree);
        Raw(output, "{\"subtree\":"u8);
        NumberArray(output, tree.SubtreeArray);
        Raw(output, ",\"literal\":"u8);
        NumberArray(output, tree.LiteralArray);
        Raw(output, ",\"punct\":"u8);
        NumberArray(output, tree.PunctArray);
        Raw(output, ",\"ident\":"u8);
        NumberArray(output, tree.IdentArray);
        Raw(output, ",\"token_tree\":"u8);
        NumberArray(output, tree.TokenTreeArray);
        Raw(output, ",\"text\":["u8);
        var text = tree.TextArray;
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0) Raw(output, ","u8);
            WriteString(output, text[i]);
        }
        Raw(output, "]}"u8);
    }

    /// <summary>
    /// Appends a JSON string as serde_json writes it: only <c>"</c>, <c>\</c> and control
    /// characters below 0x20 are escaped (<c>\n \r \t \b \f</c> in short form, the rest as
    /// lowercase <c>\u00xx</c>); everything else, including non-ASCII, <c>/</c> and DEL, is raw UTF-8.
    /// </summary>
    /// <remarks>A lone UTF-16 surrogate, which a Rust string cannot contain, is written as U+FFFD.</remarks>
    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        Raw(output, "\""u8);
        var text = value.AsSpan();
        var runStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            Utf8Run(output, text[runStart..i]);
            runStart = i + 1;
            switch (c)
            {
                case '"': Raw(output, "\\\""u8); break;
                case '\\': Raw(output, "\\\\"u8); break;
                case '\n': Raw(output, "\\n"u8); break;
                case '\r': Raw(output, "\\r"u8); break;
                case '\t': Raw(output, "\\t"u8); break;
                case '\b': Raw(output, "\\b"u8); break;
                case '\f': Raw(output, "\\f"u8); break;
                default:
                    var span = output.GetSpan(6);
                    "\\u00"u8.CopyTo(span);
                    span[4] = HexDigit(c >> 4);
                    span[5] = HexDigit(c & 0xF);
                    output.Advance(6);
                    break;
            }
        }
        Utf8Run(output, text[runStart..]);
        Raw(output, "\""u8);
    }

    private static void WriteExpandMacro(IBufferWriter<byte> output, ExpandMacroRequest request)
    {
        Raw(output, "{\"ExpandMacro\":{\"lib\":"u8);
        WriteString(output, request.Lib);
        Raw(output, ",\"env\":["u8);
        for (var i = 0; i < request.Env.Count; i++)
        {
            Raw(output, i == 0 ? "["u8 : ",["u8);
            WriteString(output, request.Env[i].Key);
            Raw(output, ","u8);
            WriteString(output, request.Env[i].Value);
            Raw(output, "]"u8);
        }
        Raw(output, "],\"current_dir\":"u8);
        if (request.CurrentDir is null) Raw(output, "null"u8);
        else WriteString(output, request.CurrentDir);
        // ExpandMacroData is flattened into the same object on the wire.
        Raw(output, ",\"macro_body\":"u8);
        WriteFlatTree(output, request.MacroBody);
        Raw(output, ",\"macro_name\":"u8);
        WriteString(output, request.MacroName);
        Raw(output, ",\"attributes\":"u8);
        if (request.Attributes is null) Raw(output, "null"u8);
        else WriteFlatTree(output, request.Attributes);
        if (request.HasGlobalSpans is { } globals)
        {
            Raw(output, ",\"has_global_spans\":{\"def_site\":"u8);
            Number(output, globals.DefSite);
            Raw(output, ",\"call_site\":"u8);
            Number(output, globals.CallSite);
            Raw(output, ",\"mixed_site\":"u8);
            Number(output, globals.MixedSite);
            Raw(output, "}"u8);
        }
        if (request.SpanDataTable.Length > 0)
        {
            Raw(output, ",\"span_data_table\":"u8);
            NumberArray(output, request.SpanDataTable);
        }
        Raw(output, "}}"u8);
    }

    private static void WriteServerConfig(IBufferWriter<byte> output, SpanMode mode) => Raw(output, mode switch
    {
        SpanMode.Id => "{\"span_mode\":\"Id\"}"u8,
        SpanMode.RustAnalyzer => "{\"span_mode\":\"RustAnalyzer\"}"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown span mode"),
    });

    private static void WriteErr(IBufferWriter<byte> output, string message)
    {
        Raw(output, "{\"Err\":"u8);
        WriteString(output, message);
        Raw(output, "}"u8);
    }

    private static void NumberArray(IBufferWriter<byte> output, uint[] values)
    {
        Raw(output, "["u8);
        for (var i = 0; i < values.Length; i++)
        {
            // Comma and digits in one reservation: at most 1 + 10 bytes for a u32.
            var span = output.GetSpan(11);
            var offset = 0;
            if (i > 0) span[offset++] = (byte)',';
            values[i].TryFormat(span[offset..], out var written, default, CultureInfo.InvariantCulture);
            output.Advance(offset + written);
        }
        Raw(output, "]"u8);
    }

    private static void Number(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void Utf8Run(IBufferWriter<byte> output, ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty) return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length));
        output.Advance(Encoding.UTF8.GetBytes(chars, span));
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);
}
