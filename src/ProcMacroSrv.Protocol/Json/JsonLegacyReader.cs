using System.Text;
using System.Text.Json;

namespace ProcMacroSrv.Protocol.Json;

/// <summary>
/// Reads json-legacy messages (protocol.md sections 2.2, 2.4, 2.5) with the reference's rules:
/// unknown keys are ignored, optional fields take their defaults, and anything else that does
/// not fit (bad JSON, unknown variant, missing or duplicate field, wrong type) is a
/// <see cref="ProtocolException"/> whose message follows serde's wording, for example
/// <c>unknown variant `Bogus`, expected one of `ApiVersionCheck`, `ListMacros`, `ExpandMacro`, `SetConfig`</c>.
/// </summary>
/// <remarks>
/// Built on <see cref="Utf8JsonReader"/>, which is iterative, so arbitrarily deep values in
/// ignored keys cannot overflow the stack; the reference has no depth limit either. Like the
/// reference, which deserializes one value and never checks what follows it, the reader stops
/// after the message object: trailing characters on the line are ignored (checked against the
/// reference binary). Arrays of numbers in serde_json's compact form, which is what FlatTrees
/// and span tables are made of, are read straight from the bytes (see <c>Message</c>); anything
/// else in them goes through <see cref="Utf8JsonReader"/> as the rest of the message does.
/// </remarks>
public static class JsonLegacyReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        // Deep values can only appear under ignored keys; the reference accepts any depth.
        MaxDepth = int.MaxValue,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Reads one request (one line, without its newline).</summary>
    /// <param name="json">The message.</param>
    /// <param name="buffers">
    /// Where the number arrays of the request's trees and span table go; the request is then valid until their
    /// next <see cref="WireBuffers.Reclaim"/>. Null: new arrays, owned by the request.
    /// </param>
    /// <exception cref="ProtocolException">The message is malformed.</exception>
    public static Request ReadRequest(ReadOnlySpan<byte> json, WireBuffers? buffers = null) => Read(json, buffers, ReadRequestValue);

    /// <summary>Reads one response (one line, without its newline).</summary>
    /// <exception cref="ProtocolException">The message is malformed.</exception>
    public static Response ReadResponse(ReadOnlySpan<byte> json) => Read(json, buffers: null, ReadResponseValue);

    private static T Read<T>(ReadOnlySpan<byte> json, WireBuffers? buffers, ValueReader<T> readValue)
    {
        var message = new Message(json) { Buffers = buffers };
        var r = new Utf8JsonReader(json, Options);
        try
        {
            Next(ref r);
            return readValue(ref r, ref message);
        }
        catch (JsonException e)
        {
            throw new ProtocolException("invalid JSON: " + message.Describe(e), e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports invalid UTF-8 inside a string this way.
            throw new ProtocolException("invalid JSON: " + e.Message, e);
        }
    }

    private static Request ReadRequestValue(ref Utf8JsonReader r, ref Message message)
    {
        ExpectVariantObject(ref r, "enum Request");
        Request request;
        if (r.ValueTextEquals("ApiVersionCheck"u8))
        {
            Next(ref r);
            ReadEmptyStruct(ref r, "struct variant Request::ApiVersionCheck");
            request = ApiVersionCheckRequest.Instance;
        }
        else if (r.ValueTextEquals("ListMacros"u8))
        {
            Next(ref r);
            request = ReadListMacros(ref r);
        }
        else if (r.ValueTextEquals("ExpandMacro"u8))
        {
            Next(ref r);
            request = ReadExpandMacro(ref r, ref message);
        }
        else if (r.ValueTextEquals("SetConfig"u8))
        {
            Next(ref r);
            request = new SetConfigRequest(ReadServerConfig(ref r));
        }
        else
        {
            throw UnknownVariant(ref r, "`ApiVersionCheck`, `ListMacros`, `ExpandMacro`, `SetConfig`");
        }
        ExpectVariantEnd(ref r);
        return request;
    }

    private static Response ReadResponseValue(ref Utf8JsonReader r, ref Message message)
    {
        ExpectVariantObject(ref r, "enum Response");
        Response response;
        if (r.ValueTextEquals("ApiVersionCheck"u8))
        {
            Next(ref r);
            response = new ApiVersionCheckResponse(ReadU32(ref r, "ApiVersionCheck"));
        }
        else if (r.ValueTextEquals("ListMacros"u8))
        {
            Next(ref r);
            response = ReadResult(ref r, ref message, "ListMacros",
                static (ref Utf8JsonReader r, ref Message _) => ListMacrosResponse.Ok(ReadMacroList(ref r)),
                ListMacrosResponse.Err);
        }
        else if (r.ValueTextEquals("ExpandMacro"u8))
        {
            Next(ref r);
            response = ReadResult(ref r, ref message, "ExpandMacro",
                static (ref Utf8JsonReader r, ref Message m) => ExpandMacroResponse.Ok(ReadFlatTree(ref r, ref m, "tree")),
                ExpandMacroResponse.Err);
        }
        else if (r.ValueTextEquals("SetConfig"u8))
        {
            Next(ref r);
            response = new SetConfigResponse(ReadServerConfig(ref r));
        }
        else if (r.ValueTextEquals("ExpandMacroExtended"u8))
        {
            Next(ref r);
            response = ReadResult(ref r, ref message, "ExpandMacroExtended", ReadExtendedOk, ExpandMacroExtendedResponse.Err);
        }
        else
        {
            throw UnknownVariant(ref r, "`ApiVersionCheck`, `ListMacros`, `ExpandMacro`, `SetConfig`, `ExpandMacroExtended`");
        }
        ExpectVariantEnd(ref r);
        return response;
    }

    private delegate T ValueReader<out T>(ref Utf8JsonReader r, ref Message message);

    private static Response ReadResult(ref Utf8JsonReader r, ref Message message, string what, ValueReader<Response> ok, Func<string, Response> err)
    {
        ExpectVariantObject(ref r, $"enum Result ({what})");
        Response response;
        if (r.ValueTextEquals("Ok"u8))
        {
            Next(ref r);
            response = ok(ref r, ref message);
        }
        else if (r.ValueTextEquals("Err"u8))
        {
            Next(ref r);
            response = err(ReadString(ref r, what + " error"));
        }
        else
        {
            throw UnknownVariant(ref r, "`Ok` or `Err`");
        }
        ExpectVariantEnd(ref r);
        return response;
    }

    private static ExpandMacroExtendedResponse ReadExtendedOk(ref Utf8JsonReader r, ref Message message)
    {
        ExpectObject(ref r, "struct ExpandMacroExtended");
        FlatTree? tree = null;
        ArraySegment<uint>? table = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("tree"u8))
            {
                CheckDuplicate(tree is not null, "tree");
                Next(ref r);
                tree = ReadFlatTree(ref r, ref message, "tree");
            }
            else if (r.ValueTextEquals("span_data_table"u8)) ReadU32Field(ref r, ref message, ref table, "span_data_table");
            else
            {
                r.Skip();
            }
        }
        return ExpandMacroExtendedResponse.Ok(
            tree ?? throw Missing("tree"),
            table is { } numbers ? numbers : throw Missing("span_data_table"));
    }

    private static IReadOnlyList<ProcMacroDescriptor> ReadMacroList(ref Utf8JsonReader r)
    {
        ExpectArray(ref r, "ListMacros", "a sequence of (name, kind) pairs");
        var macros = new List<ProcMacroDescriptor>();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) break;
            ExpectArray(ref r, "ListMacros entry", "a tuple of size 2");
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) throw new ProtocolException("ListMacros entry: invalid length 0, expected a tuple of size 2");
            var name = ReadString(ref r, "macro name");
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) throw new ProtocolException("ListMacros entry: invalid length 1, expected a tuple of size 2");
            var kind = ReadMacroKind(ref r);
            Next(ref r);
            if (r.TokenType != JsonTokenType.EndArray) throw new ProtocolException("ListMacros entry: trailing elements, expected a tuple of size 2");
            macros.Add(new ProcMacroDescriptor(name, kind));
        }
        return macros;
    }

    private static ProcMacroKind ReadMacroKind(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.String) throw InvalidType(ref r, "macro kind", "enum ProcMacroKind");
        if (r.ValueTextEquals("CustomDerive"u8)) return ProcMacroKind.CustomDerive;
        if (r.ValueTextEquals("Attr"u8)) return ProcMacroKind.Attr;
        // rust-analyzer accepts its current name as an alias of the wire name.
        if (r.ValueTextEquals("FuncLike"u8) || r.ValueTextEquals("Bang"u8)) return ProcMacroKind.FuncLike;
        throw new ProtocolException($"unknown variant `{r.GetString()}`, expected one of `CustomDerive`, `Attr`, `FuncLike`, `Bang`");
    }

    private static SpanMode ReadServerConfig(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "struct ServerConfig");
        SpanMode? mode = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("span_mode"u8))
            {
                CheckDuplicate(mode is not null, "span_mode");
                Next(ref r);
                if (r.TokenType != JsonTokenType.String) throw InvalidType(ref r, "span_mode", "enum SpanMode");
                if (r.ValueTextEquals("Id"u8)) mode = SpanMode.Id;
                else if (r.ValueTextEquals("RustAnalyzer"u8)) mode = SpanMode.RustAnalyzer;
                else throw new ProtocolException($"unknown variant `{r.GetString()}`, expected `Id` or `RustAnalyzer`");
            }
            else
            {
                r.Skip();
            }
        }
        // A missing span_mode means the default, Id (section 2.4).
        return mode ?? SpanMode.Id;
    }

    private static ListMacrosRequest ReadListMacros(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "struct variant Request::ListMacros");
        string? path = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("dylib_path"u8))
            {
                CheckDuplicate(path is not null, "dylib_path");
                Next(ref r);
                path = ReadString(ref r, "dylib_path");
            }
            else
            {
                r.Skip();
            }
        }
        return new ListMacrosRequest(path ?? throw Missing("dylib_path"));
    }

    private static ExpandMacroRequest ReadExpandMacro(ref Utf8JsonReader r, ref Message message)
    {
        ExpectObject(ref r, "struct ExpandMacro");
        string? lib = null, macroName = null, currentDir = null;
        List<KeyValuePair<string, string>>? env = null;
        FlatTree? body = null, attributes = null;
        GlobalSpanRefs? globals = null;
        ArraySegment<uint>? table = null;
        bool seenCurrentDir = false, seenAttributes = false;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("lib"u8))
            {
                CheckDuplicate(lib is not null, "lib");
                Next(ref r);
                lib = ReadString(ref r, "lib");
            }
            else if (r.ValueTextEquals("env"u8))
            {
                CheckDuplicate(env is not null, "env");
                Next(ref r);
                env = ReadEnv(ref r);
            }
            else if (r.ValueTextEquals("current_dir"u8))
            {
                CheckDuplicate(seenCurrentDir, "current_dir");
                seenCurrentDir = true;
                Next(ref r);
                currentDir = r.TokenType == JsonTokenType.Null ? null : ReadString(ref r, "current_dir");
            }
            else if (r.ValueTextEquals("macro_body"u8))
            {
                CheckDuplicate(body is not null, "macro_body");
                Next(ref r);
                body = ReadFlatTree(ref r, ref message, "macro_body");
            }
            else if (r.ValueTextEquals("macro_name"u8))
            {
                CheckDuplicate(macroName is not null, "macro_name");
                Next(ref r);
                macroName = ReadString(ref r, "macro_name");
            }
            else if (r.ValueTextEquals("attributes"u8))
            {
                CheckDuplicate(seenAttributes, "attributes");
                seenAttributes = true;
                Next(ref r);
                attributes = r.TokenType == JsonTokenType.Null ? null : ReadFlatTree(ref r, ref message, "attributes");
            }
            else if (r.ValueTextEquals("has_global_spans"u8))
            {
                CheckDuplicate(globals is not null, "has_global_spans");
                Next(ref r);
                globals = ReadGlobalSpanRefs(ref r);
            }
            // Missing means empty, but null is a type error (section 2.4).
            else if (r.ValueTextEquals("span_data_table"u8)) ReadU32Field(ref r, ref message, ref table, "span_data_table");
            else
            {
                r.Skip();
            }
        }
        return new ExpandMacroRequest
        {
            Lib = lib ?? throw Missing("lib"),
            Env = env ?? throw Missing("env"),
            CurrentDir = currentDir,
            MacroBody = body ?? throw Missing("macro_body"),
            MacroName = macroName ?? throw Missing("macro_name"),
            Attributes = attributes,
            HasGlobalSpans = globals,
            SpanDataTable = table is { } numbers ? numbers : ReadOnlyMemory<uint>.Empty,
        };
    }

    private static List<KeyValuePair<string, string>> ReadEnv(ref Utf8JsonReader r)
    {
        ExpectArray(ref r, "env", "a sequence of (key, value) pairs");
        var env = new List<KeyValuePair<string, string>>();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return env;
            ExpectArray(ref r, "env entry", "a tuple of size 2");
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) throw new ProtocolException("env entry: invalid length 0, expected a tuple of size 2");
            var key = ReadString(ref r, "env key");
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) throw new ProtocolException("env entry: invalid length 1, expected a tuple of size 2");
            var value = ReadString(ref r, "env value");
            Next(ref r);
            if (r.TokenType != JsonTokenType.EndArray) throw new ProtocolException("env entry: trailing elements, expected a tuple of size 2");
            env.Add(new KeyValuePair<string, string>(key, value));
        }
    }

    private static GlobalSpanRefs ReadGlobalSpanRefs(ref Utf8JsonReader r)
    {
        ExpectObject(ref r, "struct ExpnGlobals");
        ulong? def = null, call = null, mixed = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("def_site"u8))
            {
                CheckDuplicate(def is not null, "def_site");
                Next(ref r);
                def = ReadU64(ref r, "def_site");
            }
            else if (r.ValueTextEquals("call_site"u8))
            {
                CheckDuplicate(call is not null, "call_site");
                Next(ref r);
                call = ReadU64(ref r, "call_site");
            }
            else if (r.ValueTextEquals("mixed_site"u8))
            {
                CheckDuplicate(mixed is not null, "mixed_site");
                Next(ref r);
                mixed = ReadU64(ref r, "mixed_site");
            }
            else
            {
                r.Skip();
            }
        }
        // When the object is present, all three keys are required (section 2.4).
        return new GlobalSpanRefs(def ?? throw Missing("def_site"), call ?? throw Missing("call_site"), mixed ?? throw Missing("mixed_site"));
    }

    // A u32 array field (the FlatTree's arrays, a span table): each may appear once, and may
    // be read into an array lent by the message's buffers.
    private static void ReadU32Field(ref Utf8JsonReader r, ref Message message, ref ArraySegment<uint>? field, string name)
    {
        CheckDuplicate(field is not null, name);
        Next(ref r);
        field = ReadU32Array(ref r, ref message, name);
    }

    private static FlatTree ReadFlatTree(ref Utf8JsonReader r, ref Message message, string what)
    {
        ExpectObject(ref r, $"struct FlatTree ({what})");
        ArraySegment<uint>? subtree = null, literal = null, punct = null, ident = null, tokenTree = null;
        string[]? text = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("subtree"u8)) ReadU32Field(ref r, ref message, ref subtree, "subtree");
            else if (r.ValueTextEquals("literal"u8)) ReadU32Field(ref r, ref message, ref literal, "literal");
            else if (r.ValueTextEquals("punct"u8)) ReadU32Field(ref r, ref message, ref punct, "punct");
            else if (r.ValueTextEquals("ident"u8)) ReadU32Field(ref r, ref message, ref ident, "ident");
            else if (r.ValueTextEquals("token_tree"u8)) ReadU32Field(ref r, ref message, ref tokenTree, "token_tree");
            else if (r.ValueTextEquals("text"u8))
            {
                CheckDuplicate(text is not null, "text");
                Next(ref r);
                text = ReadStringArray(ref r, "text");
            }
            else
            {
                r.Skip();
            }
        }
        return new FlatTree(
            subtree ?? throw Missing("subtree", what),
            literal ?? throw Missing("literal", what),
            punct ?? throw Missing("punct", what),
            ident ?? throw Missing("ident", what),
            tokenTree ?? throw Missing("token_tree", what),
            text ?? throw Missing("text", what));
    }

    // The numbers of an array, at the front of an array lent by the message's buffers or, without
    // them, in an array of their own.
    private static ArraySegment<uint> ReadU32Array(ref Utf8JsonReader r, ref Message message, string what)
    {
        ExpectArray(ref r, what, "a sequence of u32");
        if (message.TryReadCompactU32Array(ref r) is { } values) return values;
        // Anything but the compact form (spaces, signs, fractions, leading zeros, values out of
        // range, other types) is read token by token, which reports errors as serde would.
        var buffer = message.Scratch ??= new uint[256];
        var count = 0;
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) break;
            var value = ReadU32(ref r, what);
            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
                message.Scratch = buffer;
            }
            buffer[count++] = value;
        }
        if (count == 0) return ArraySegment<uint>.Empty;
        var result = WireBuffers.Take(message.Buffers, count);
        buffer.AsSpan(0, count).CopyTo(result);
        return new ArraySegment<uint>(result, 0, count);
    }

    private static string[] ReadStringArray(ref Utf8JsonReader r, string what)
    {
        ExpectArray(ref r, what, "a sequence of strings");
        var list = new List<string>();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return list.ToArray();
            list.Add(ReadString(ref r, what));
        }
    }

    private static uint ReadU32(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out var value)) return value;
        throw InvalidNumber(ref r, what, "u32");
    }

    private static ulong ReadU64(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out var value)) return value;
        throw InvalidNumber(ref r, what, "u64");
    }

    private static string ReadString(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType != JsonTokenType.String) throw InvalidType(ref r, what, "a string");
        return r.GetString()!;
    }

    private static void ReadEmptyStruct(ref Utf8JsonReader r, string expected)
    {
        // A struct with no fields: serde accepts a map (any keys are ignored) or an empty sequence.
        if (r.TokenType == JsonTokenType.StartObject)
        {
            r.Skip();
            return;
        }
        if (r.TokenType == JsonTokenType.StartArray)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return;
            throw new ProtocolException($"invalid length, expected {expected} with 0 elements");
        }
        throw InvalidType(ref r, null, expected);
    }

    private static void ExpectVariantObject(ref Utf8JsonReader r, string expected)
    {
        if (r.TokenType == JsonTokenType.String)
            throw new ProtocolException($"invalid type: unit variant `{r.GetString()}`, expected a variant with a payload of {expected}");
        if (r.TokenType != JsonTokenType.StartObject) throw InvalidType(ref r, null, expected);
        Next(ref r);
        if (r.TokenType != JsonTokenType.PropertyName)
            throw new ProtocolException($"invalid type: empty map, expected {expected} as an object with exactly one key, the variant name");
    }

    private static void ExpectVariantEnd(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.EndObject)
            throw new ProtocolException($"invalid type: map with more than one key, expected an enum as an object with exactly one key (found another key `{r.GetString()}`)");
    }

    private static void ExpectObject(ref Utf8JsonReader r, string expected)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw InvalidType(ref r, null, expected);
    }

    private static void ExpectArray(ref Utf8JsonReader r, string what, string expected)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw InvalidType(ref r, what, expected);
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.PropertyName;
    }

    private static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read()) throw new ProtocolException("EOF while parsing a value");
    }

    private static void CheckDuplicate(bool seen, string field)
    {
        if (seen) throw new ProtocolException($"duplicate field `{field}`");
    }

    private static ProtocolException Missing(string field, string? within = null) =>
        new(within is null ? $"missing field `{field}`" : $"missing field `{field}` in {within}");

    private static ProtocolException UnknownVariant(ref Utf8JsonReader r, string expected) =>
        new($"unknown variant `{r.GetString()}`, expected {(expected.Contains(" or ", StringComparison.Ordinal) ? "" : "one of ")}{expected}");

    private static ProtocolException InvalidType(ref Utf8JsonReader r, string? what, string expected)
    {
        var prefix = what is null ? "" : $"`{what}`: ";
        return new ProtocolException($"{prefix}invalid type: {Describe(ref r)}, expected {expected}");
    }

    private static ProtocolException InvalidNumber(ref Utf8JsonReader r, string what, string expected)
    {
        if (r.TokenType != JsonTokenType.Number) return InvalidType(ref r, what, expected);
        var text = Encoding.UTF8.GetString(r.ValueSpan);
        var integral = text.AsSpan().IndexOfAny(".eE-") < 0;
        return new ProtocolException(integral
            ? $"`{what}`: invalid value: integer `{text}`, expected {expected}"
            : $"`{what}`: invalid type: number `{text}`, expected {expected}");
    }

    private static string Describe(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null: return "null";
            case JsonTokenType.True: return "boolean `true`";
            case JsonTokenType.False: return "boolean `false`";
            case JsonTokenType.Number: return $"number `{Encoding.UTF8.GetString(r.ValueSpan)}`";
            case JsonTokenType.StartArray: return "sequence";
            case JsonTokenType.StartObject: return "map";
            case JsonTokenType.String:
                var s = r.GetString()!;
                return s.Length > 40 ? $"string \"{s[..40]}…\"" : $"string \"{s}\"";
            default: return r.TokenType.ToString();
        }
    }

    /// <summary>
    /// The message being read, for the fast path of number arrays: a FlatTree or span table is
    /// hundreds of thousands of numbers, and reading each as a JSON token took most of the time
    /// of a request. Their digits are read straight from the bytes, and the
    /// <see cref="Utf8JsonReader"/> continues after the array from its saved state.
    /// </summary>
    private ref struct Message(ReadOnlySpan<byte> json)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        // Where the current reader's bytes start in the message.
        private int _readerStart;
        // Bytes read by fast paths: the reader's positions miss them.
        private int _skipped;

        /// <summary>A buffer for arrays read token by token; one per message, grown as needed.</summary>
        public uint[]? Scratch;

        /// <summary>Where the arrays of FlatTrees and span tables are taken from, or null for new arrays.</summary>
        public WireBuffers? Buffers;

        /// <summary>
        /// With the reader on an array's <c>[</c>: reads the array if it is in serde_json's compact
        /// form (decimal u32s without leading zeros, separated by commas, no spaces) and leaves the
        /// reader on its <c>]</c>; otherwise returns null and leaves the reader where it was.
        /// </summary>
        public ArraySegment<uint>? TryReadCompactU32Array(ref Utf8JsonReader r)
        {
            var start = _readerStart + (int)r.BytesConsumed;
            var rest = _json[start..];
            var length = rest.IndexOf((byte)']');
            if (length < 0 || CompactU32Array.Parse(rest[..length], Buffers) is not { } values) return null;
            // A new reader over the rest of the message, in the state after the `[`: its next
            // token is the `]`, and it goes on with the array's nesting and the reader options.
            _readerStart = start + length;
            _skipped += length;
            r = new Utf8JsonReader(_json[_readerStart..], isFinalBlock: true, r.CurrentState);
            Next(ref r);
            return values;
        }

        /// <summary>
        /// The reader's message for an error, with its position corrected: a reader restarted
        /// after a fast path counts on from the <c>[</c>, without the numbers it did not see.
        /// </summary>
        public readonly string Describe(JsonException e)
        {
            // Messages are single lines (json-legacy is line-delimited), where the position in the
            // line is the offset in the message; in other text only the first line is corrected.
            if (_skipped == 0 || e.LineNumber != 0 || e.BytePositionInLine is not { } position) return e.Message;
            return e.Message.Replace($"BytePositionInLine: {position}.", $"BytePositionInLine: {position + _skipped}.", StringComparison.Ordinal);
        }

    }
}
