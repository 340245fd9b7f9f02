namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// Which <see cref="BridgeOp"/> a <c>with_api!</c> method is, by name, and which signatures this
/// server serves for each operation. Method names are stable across rustc versions
/// (bridge-abi.md section 8): grouped <c>TokenStream::clone</c> became flat <c>ts_clone</c>.
/// </summary>
internal static class BridgeOpNames
{
    // Flat (1.95+) names carry their former group as a prefix; free functions have none.
    private static readonly (string Prefix, string Group)[] FlatPrefixes =
    [
        ("ts_", "TokenStream"), ("span_", "Span"), ("symbol_", "Symbol"),
    ];

    // (group, method) → the operations it may be; where two are listed the signature decides
    // (Span::start returned a LineColumn in 1.63 and a Span later).
    private static readonly Dictionary<(string Group, string Method), BridgeOp[]> Ops = Build();

    private static readonly Lazy<Dictionary<BridgeOp, List<(IReadOnlyList<WireType> Parameters, WireType Returns)>>> Served = new(CollectServed);

    /// <summary>The (group, method) a method name stands for: flat names are split by their prefix.</summary>
    public static (string Group, string Method) Canonical(ApiMethod method)
    {
        if (method.Group is not null) return (method.Group, method.Name);
        foreach (var (prefix, group) in FlatPrefixes)
        {
            if (method.Name.StartsWith(prefix, StringComparison.Ordinal)) return (group, method.Name[prefix.Length..]);
        }
        return ("FreeFunctions", method.Name);
    }

    /// <summary>
    /// The operation of <paramref name="method"/> given its learned signature.
    /// </summary>
    /// <exception cref="BridgeLearningException">The name is unknown, or no operation of that name is served with this signature.</exception>
    public static BridgeOp Resolve(ApiMethod method, IReadOnlyList<WireType> parameters, WireType returns)
    {
        var key = Canonical(method);
        if (!Ops.TryGetValue(key, out var candidates))
        {
            throw new BridgeLearningException($"with_api! method `{method.QualifiedName}` is not a bridge method this server knows");
        }
        foreach (var op in candidates)
        {
            if (Served.Value.TryGetValue(op, out var signatures)
                && signatures.Any(s => s.Returns == returns && s.Parameters.SequenceEqual(parameters)))
            {
                return op;
            }
        }
        var known = candidates
            .SelectMany(op => Served.Value.GetValueOrDefault(op) ?? [])
            .Select(s => $"({string.Join(", ", s.Parameters)}) -> {s.Returns}")
            .Distinct();
        throw new BridgeLearningException(
            $"with_api! method `{method.QualifiedName}` has the signature ({string.Join(", ", parameters)}) -> {returns}, "
            + $"which this server does not serve (it serves {string.Join(" or ", known)})");
    }

    // The signatures of the built-in tables are exactly what the interpreter and token server
    // implement, so a learned method is accepted only with one of them.
    private static Dictionary<BridgeOp, List<(IReadOnlyList<WireType>, WireType)>> CollectServed()
    {
        var served = new Dictionary<BridgeOp, List<(IReadOnlyList<WireType>, WireType)>>();
        foreach (var abi in BridgeAbiCatalog.BuiltIn)
        {
            foreach (var m in abi.Methods)
            {
                if (!served.TryGetValue(m.Op, out var list)) served[m.Op] = list = [];
                if (!list.Any(s => s.Item2 == m.Returns && s.Item1.SequenceEqual(m.Parameters))) list.Add((m.Parameters, m.Returns));
            }
        }
        return served;
    }

    private static Dictionary<(string, string), BridgeOp[]> Build()
    {
        var d = new Dictionary<(string, string), BridgeOp[]>();
        void Add(string group, string method, params BridgeOp[] ops) => d.Add((group, method), ops);

        Add("FreeFunctions", "drop", BridgeOp.FreeFunctionsDrop);
        Add("FreeFunctions", "injected_env_var", BridgeOp.InjectedEnvVar);
        Add("FreeFunctions", "track_env_var", BridgeOp.TrackEnvVar);
        Add("FreeFunctions", "track_path", BridgeOp.TrackPath);
        Add("FreeFunctions", "literal_from_str", BridgeOp.LiteralFromStr);
        Add("FreeFunctions", "emit_diagnostic", BridgeOp.EmitDiagnostic);

        Add("TokenStream", "drop", BridgeOp.TsDrop);
        Add("TokenStream", "clone", BridgeOp.TsClone);
        Add("TokenStream", "is_empty", BridgeOp.TsIsEmpty);
        Add("TokenStream", "expand_expr", BridgeOp.TsExpandExpr);
        Add("TokenStream", "from_str", BridgeOp.TsFromStr);
        Add("TokenStream", "to_string", BridgeOp.TsToString);
        Add("TokenStream", "from_token_tree", BridgeOp.TsFromTokenTree);
        Add("TokenStream", "concat_trees", BridgeOp.TsConcatTrees);
        Add("TokenStream", "concat_streams", BridgeOp.TsConcatStreams);
        Add("TokenStream", "into_trees", BridgeOp.TsIntoTrees);

        Add("SourceFile", "drop", BridgeOp.SourceFileDrop);
        Add("SourceFile", "clone", BridgeOp.SourceFileClone);
        Add("SourceFile", "eq", BridgeOp.SourceFileEq);
        Add("SourceFile", "path", BridgeOp.SourceFilePath);
        Add("SourceFile", "is_real", BridgeOp.SourceFileIsReal);

        Add("Span", "debug", BridgeOp.SpanDebug);
        Add("Span", "def_site", BridgeOp.SpanDefSite);
        Add("Span", "call_site", BridgeOp.SpanCallSite);
        Add("Span", "mixed_site", BridgeOp.SpanMixedSite);
        Add("Span", "source_file", BridgeOp.SpanSourceFile);
        Add("Span", "parent", BridgeOp.SpanParent);
        Add("Span", "source", BridgeOp.SpanSource);
        Add("Span", "byte_range", BridgeOp.SpanByteRange);
        Add("Span", "start", BridgeOp.SpanStart, BridgeOp.SpanStartLineColumn);
        Add("Span", "end", BridgeOp.SpanEnd, BridgeOp.SpanEndLineColumn);
        Add("Span", "line", BridgeOp.SpanLine);
        Add("Span", "column", BridgeOp.SpanColumn);
        Add("Span", "file", BridgeOp.SpanFile);
        Add("Span", "local_file", BridgeOp.SpanLocalFile);
        Add("Span", "before", BridgeOp.SpanBefore);
        Add("Span", "after", BridgeOp.SpanAfter);
        Add("Span", "join", BridgeOp.SpanJoin);
        Add("Span", "subspan", BridgeOp.SpanSubspan);
        Add("Span", "resolved_at", BridgeOp.SpanResolvedAt);
        Add("Span", "source_text", BridgeOp.SpanSourceText);
        Add("Span", "save_span", BridgeOp.SpanSaveSpan);
        Add("Span", "recover_proc_macro_span", BridgeOp.SpanRecoverProcMacroSpan);

        Add("Symbol", "normalize_and_validate_ident", BridgeOp.SymbolNormalizeAndValidateIdent);

        Add("Group", "drop", BridgeOp.HandleDrop);
        Add("Group", "clone", BridgeOp.HandleClone);
        Add("Group", "new", BridgeOp.GroupNew);
        Add("Group", "delimiter", BridgeOp.GroupDelimiter);
        Add("Group", "stream", BridgeOp.GroupStream);
        Add("Group", "span", BridgeOp.GroupSpan);
        Add("Group", "span_open", BridgeOp.GroupSpanOpen);
        Add("Group", "span_close", BridgeOp.GroupSpanClose);
        Add("Group", "set_span", BridgeOp.GroupSetSpan);

        Add("Punct", "new", BridgeOp.PunctNew);
        Add("Punct", "as_char", BridgeOp.PunctAsChar);
        Add("Punct", "spacing", BridgeOp.PunctSpacing);
        Add("Punct", "span", BridgeOp.TokenSpan);
        Add("Punct", "with_span", BridgeOp.TokenWithSpan);

        Add("Ident", "new", BridgeOp.IdentNew);
        Add("Ident", "span", BridgeOp.TokenSpan);
        Add("Ident", "with_span", BridgeOp.TokenWithSpan);

        Add("Literal", "drop", BridgeOp.HandleDrop);
        Add("Literal", "clone", BridgeOp.HandleClone);
        Add("Literal", "from_str", BridgeOp.LiteralFromStr);
        Add("Literal", "to_string", BridgeOp.LiteralToString);
        Add("Literal", "debug_kind", BridgeOp.LiteralDebugKind);
        Add("Literal", "symbol", BridgeOp.LiteralSymbol);
        Add("Literal", "suffix", BridgeOp.LiteralSuffix);
        Add("Literal", "integer", BridgeOp.LiteralInteger);
        Add("Literal", "typed_integer", BridgeOp.LiteralTypedInteger);
        Add("Literal", "float", BridgeOp.LiteralFloat);
        Add("Literal", "f32", BridgeOp.LiteralF32);
        Add("Literal", "f64", BridgeOp.LiteralF64);
        Add("Literal", "string", BridgeOp.LiteralString);
        Add("Literal", "character", BridgeOp.LiteralCharacter);
        Add("Literal", "byte_string", BridgeOp.LiteralByteString);
        Add("Literal", "span", BridgeOp.TokenSpan);
        Add("Literal", "set_span", BridgeOp.LiteralSetSpan);
        Add("Literal", "subspan", BridgeOp.LiteralSubspan);

        Add("MultiSpan", "drop", BridgeOp.HandleDrop);
        Add("MultiSpan", "new", BridgeOp.MultiSpanNew);
        Add("MultiSpan", "push", BridgeOp.MultiSpanPush);

        Add("Diagnostic", "drop", BridgeOp.HandleDrop);
        Add("Diagnostic", "new", BridgeOp.DiagnosticNew);
        Add("Diagnostic", "sub", BridgeOp.DiagnosticSub);
        Add("Diagnostic", "emit", BridgeOp.DiagnosticEmit);
        return d;
    }
}
