namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// Checks that the compound types a learned table uses are encoded exactly as the interpreter
/// reads and writes them (bridge-abi.md section 4): variant order (the u8 tag), field order and
/// field types. A bridge that changed any of them is refused rather than misread.
/// </summary>
internal static class BridgeEncodingChecks
{
    // Encoding order as the interpreter implements it; "(_)" marks a variant with a payload.
    private static readonly Dictionary<string, (bool IsEnum, string[] Members)> Encodings = new()
    {
        ["Option"] = (true, ["Some(_)", "None"]),
        ["Result"] = (true, ["Ok(_)", "Err(_)"]),
        ["Bound"] = (true, ["Included(_)", "Excluded(_)", "Unbounded"]),
        ["Delimiter"] = (true, ["Parenthesis", "Brace", "Bracket", "None"]),
        ["Level"] = (true, ["Error", "Warning", "Note", "Help"]),
        ["Spacing"] = (true, ["Alone", "Joint"]),
        ["LineColumn"] = (false, ["line", "column"]),
        ["TokenTree"] = (true, ["Group(_)", "Punct(_)", "Ident(_)", "Literal(_)"]),
        ["DelimSpan"] = (false, ["open", "close", "entire"]),
        ["Group"] = (false, ["delimiter", "stream", "span"]),
        ["Punct"] = (false, ["ch", "joint", "span"]),
        ["Ident"] = (false, ["sym", "is_raw", "span"]),
        ["Literal"] = (false, ["kind", "symbol", "suffix", "span"]),
        ["LitKind"] = (true, ["Byte", "Char", "Integer", "Float", "Str", "StrRaw(_)", "ByteStr", "ByteStrRaw(_)", "CStr", "CStrRaw(_)", "ErrWithGuar"]),
        ["Diagnostic"] = (false, ["level", "message", "spans", "children"]),
        ["ExpnGlobals"] = (false, ["def_site", "call_site", "mixed_site"]),
        ["Range"] = (false, ["start", "end"]),
    };

    // Field types of the bridge's own structs, as the interpreter reads them (generic parameter
    // names as written in the definitions).
    private static readonly Dictionary<string, string[]> StructFields = new()
    {
        ["DelimSpan"] = ["open: Span", "close: Span", "entire: Span"],
        ["Group"] = ["delimiter: Delimiter", "stream: Option < TokenStream >", "span: DelimSpan < Span >"],
        ["Punct"] = ["ch: u8", "joint: bool", "span: Span"],
        ["Ident"] = ["sym: Symbol", "is_raw: bool", "span: Span"],
        ["Literal"] = ["kind: LitKind", "symbol: Symbol", "suffix: Option < Symbol >", "span: Span"],
        ["Diagnostic"] = ["level: Level", "message: String", "spans: Vec < Span >", "children: Vec < Diagnostic < Span > >"],
        ["ExpnGlobals"] = ["def_site: Span", "call_site: Span", "mixed_site: Span"],
    };

    /// <summary>The compound types each wire kind depends on.</summary>
    public static IEnumerable<string> Needs(WireKind kind, bool treesByHandle) => kind switch
    {
        WireKind.Option => ["Option"],
        WireKind.Result => ["Result"],
        WireKind.Bound => ["Bound"],
        WireKind.Range => ["Range"],
        WireKind.LineColumn => ["LineColumn"],
        WireKind.Delimiter => ["Delimiter"],
        WireKind.Spacing => ["Spacing"],
        WireKind.Level => ["Level"],
        WireKind.TokenTree when treesByHandle => ["TokenTree"],
        WireKind.TokenTree => ["TokenTree", "Group", "DelimSpan", "Delimiter", "Option", "Punct", "Ident", "Literal", "LitKind"],
        WireKind.Literal => ["Literal", "LitKind", "Option"],
        WireKind.Diagnostic => ["Diagnostic", "Level"],
        _ => [],
    };

    /// <summary>Checks every needed compound type against mod.rs (and rpc.rs).</summary>
    /// <exception cref="BridgeLearningException">One is missing or encoded differently.</exception>
    public static void Verify(BridgeSources s, IEnumerable<string> needed)
    {
        var declared = RustItems.CompoundEncodings(s.Mod, "mod.rs");
        foreach (var (name, encoding) in RustItems.CompoundEncodings(s.Rpc, "rpc.rs")) declared.TryAdd(name, encoding);

        foreach (var name in needed.Distinct().Order(StringComparer.Ordinal))
        {
            var (isEnum, members) = Encodings[name];
            if (!declared.TryGetValue(name, out var found))
            {
                throw new BridgeLearningException($"mod.rs: no rpc_encode_decode!/compound_traits! encoding of {name} was found");
            }
            var foundMembers = found.Members.Select(Canonical).ToList();
            if (found.IsEnum != isEnum || !foundMembers.SequenceEqual(members))
            {
                throw new BridgeLearningException(
                    $"mod.rs: {name} is encoded as {(found.IsEnum ? "enum" : "struct")} {{ {string.Join(", ", foundMembers)} }}; "
                    + $"this server implements {(isEnum ? "enum" : "struct")} {{ {string.Join(", ", members)} }}");
            }
            if (StructFields.TryGetValue(name, out var fields))
            {
                var item = RustItems.FindOne(s.Mod, "struct", name, "mod.rs");
                var actual = RustItems.Fields(item.Body, $"mod.rs struct {name}").Select(f => $"{f.Name}: {f.Type}").ToList();
                if (!actual.SequenceEqual(fields))
                {
                    throw new BridgeLearningException($"mod.rs: struct {name} has fields ({string.Join(", ", actual)}); this server reads ({string.Join(", ", fields)})");
                }
            }
        }

        if (needed.Contains("LitKind"))
        {
            // The raw-string variants carry the number of #s as a u8.
            var item = RustItems.FindOne(s.Mod, "enum", "LitKind", "mod.rs");
            var variants = RustText.SplitTopLevel(item.Body).Select(RustText.Normalize).ToList();
            string[] expected = ["Byte", "Char", "Integer", "Float", "Str", "StrRaw ( u8 )", "ByteStr", "ByteStrRaw ( u8 )", "CStr", "CStrRaw ( u8 )", "ErrWithGuar"];
            if (!variants.SequenceEqual(expected))
            {
                throw new BridgeLearningException($"mod.rs: enum LitKind is {{ {string.Join(", ", variants)} }}; this server implements {{ {string.Join(", ", expected)} }}");
            }
        }
    }

    /// <summary>Checks that <c>Symbol</c> travels as its string (1.85+: the client interns it itself).</summary>
    public static void SymbolAsString(BridgeSources s)
    {
        if (s.Symbol is null) throw new BridgeLearningException("with_api! uses Symbol, but the bridge has no symbol.rs telling how it is encoded");
        if (!RustText.ContainsTokens(s.Symbol, "Symbol::new(<&str>::decode(") || !RustText.ContainsTokens(s.Symbol, "self.with(|sym| sym.encode("))
        {
            throw new BridgeLearningException("symbol.rs: Symbol is not encoded as its string; the symbol encoding is not understood");
        }
    }

    /// <summary>Checks the token tree enum's definition for the learned form (handles or structs).</summary>
    public static void TokenTreeDefinition(BridgeSources s, bool treesByHandle)
    {
        var item = RustItems.FindOne(s.Mod, "enum", "TokenTree", "mod.rs");
        var variants = RustText.SplitTopLevel(item.Body).Select(RustText.Normalize).ToList();
        string[] expected = treesByHandle
            ? ["Group ( G )", "Punct ( P )", "Ident ( I )", "Literal ( L )"]
            : ["Group ( Group < TokenStream , Span > )", "Punct ( Punct < Span > )", "Ident ( Ident < Span , Symbol > )", "Literal ( Literal < Span , Symbol > )"];
        if (!variants.SequenceEqual(expected))
        {
            throw new BridgeLearningException($"mod.rs: enum TokenTree is {{ {string.Join(", ", variants)} }}; {{ {string.Join(", ", expected)} }} was expected");
        }
    }

    private static string Canonical(string member)
    {
        var open = member.IndexOf('(');
        return open < 0 ? member.Trim() : member[..open].Trim() + "(_)";
    }
}
