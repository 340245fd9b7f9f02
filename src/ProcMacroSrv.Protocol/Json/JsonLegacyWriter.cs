using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
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
                    NumberArray(output, extended.SpanDataTable.Span);
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
        NumberArray(output, tree.Subtree);
        Raw(output, ",\"literal\":"u8);
        NumberArray(output, tree.Literal);
        Raw(output, ",\"punct\":"u8);
        NumberArray(output, tree.Punct);
        Raw(output, ",\"ident\":"u8);
        NumberArray(output, tree.Ident);
        Raw(output, ",\"token_tree\":"u8);
        NumberArray(output, tree.TokenTree);
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
            NumberArray(output, request.SpanDataTable.Span);
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

    private static void NumberArray(IBufferWriter<byte> output, ReadOnlySpan<uint> values)
    {
        Raw(output, "["u8);
        // The text of recent large numbers, by a hash of the value: a span table repeats the
        // same few file ids, anchors and contexts (8 to 10 digits) in every entry, and copying
        // their text is cheaper than dividing them out again. A slot is 16 bytes in two words:
        // the digits, and the length in the last byte.
        Span<uint> cachedValues = stackalloc uint[LargeNumberSlots];
        cachedValues.Clear();
        Span<ulong> cachedText = stackalloc ulong[LargeNumberSlots * 2];
        var i = 0;
        while (i < values.Length)
        {
            // Many numbers per reservation: asking the buffer for room once per number was a
            // fair part of writing a large tree. Each number has 16 bytes of room: a comma and
            // at most 10 digits, or a cached text written as two whole words.
            var span = output.GetSpan(Math.Min(values.Length - i, 4096) * 16);
            var end = i + Math.Min(values.Length - i, span.Length / 16);
            var written = 0;
            for (; i < end; i++)
            {
                if (i > 0) span[written++] = (byte)',';
                var value = values[i];
                if (value < LargeNumber)
                {
                    written += WriteDecimal(span[written..], value);
                    continue;
                }
                var slot = (int)((value * 0x9E37_79B1u) >> 26);
                if (cachedValues[slot] != value)
                {
                    var length = WriteDecimal(span[written..], value);
                    span[written + 15] = (byte)length;
                    cachedValues[slot] = value;
                    cachedText[2 * slot] = MemoryMarshal.Read<ulong>(span[written..]);
                    cachedText[2 * slot + 1] = MemoryMarshal.Read<ulong>(span[(written + 8)..]);
                    written += length;
                    continue;
                }
                var high = cachedText[2 * slot + 1];
                MemoryMarshal.Write(span[written..], in cachedText[2 * slot]);
                MemoryMarshal.Write(span[(written + 8)..], in high);
                written += (int)(high >> 56);
            }
            output.Advance(written);
        }
        Raw(output, "]"u8);
    }

    // Numbers from this size on go through the cache of recent texts; smaller ones are quicker
    // to write than to look up.
    private const uint LargeNumber = 1_000_000;
    private const int LargeNumberSlots = 64;

    // For the values whose highest set bit is k: (digits of 2^k) << 32, less the power of ten
    // inside [2^k, 2^(k+1)) if there is one, so that adding a value of that range carries into
    // the high word exactly when the value reaches it. Constant data: no static constructor.
    private static ReadOnlySpan<ulong> DigitCountTable =>
    [
        4294967296, 4294967296, 4294967296, 8589934582, 8589934592, 8589934592, 12884901788, 12884901888,
        12884901888, 17179868184, 17179869184, 17179869184, 17179869184, 21474826480, 21474836480, 21474836480,
        25769703776, 25769803776, 25769803776, 30063771072, 30064771072, 30064771072, 30064771072, 34349738368,
        34359738368, 34359738368, 38554705664, 38654705664, 38654705664, 41949672960, 42949672960, 42949672960,
    ];

    // "00" to "99": two digits per division.
    private static ReadOnlySpan<byte> DigitPairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    // The digit count without branches (Lemire): see DigitCountTable.
    private static int DecimalLength(uint value) => (int)((value + DigitCountTable[BitOperations.Log2(value)]) >> 32);

    // Decimal digits of a u32, as serde_json writes them (no sign, no leading zeros).
    private static int WriteDecimal(Span<byte> destination, uint value)
    {
        var length = DecimalLength(value);
        var digits = destination[..length];
        var p = length;
        while (value >= 100)
        {
            var quotient = value / 100;
            var pair = (int)(value - quotient * 100) * 2;
            digits[--p] = DigitPairs[pair + 1];
            digits[--p] = DigitPairs[pair];
            value = quotient;
        }
        if (value >= 10)
        {
            digits[1] = DigitPairs[(int)value * 2 + 1];
            digits[0] = DigitPairs[(int)value * 2];
        }
        else
        {
            digits[0] = (byte)('0' + value);
        }
        return length;
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
