using static ProcMacroSrv.Bridge.Abi.WireType;

namespace ProcMacroSrv.Bridge.Abi;

/// <summary>The bridge of rustc 1.95, 1.96 and 1.97-nightly (bridge-abi.md, table A95).</summary>
internal static class Abi95
{
    public static BridgeAbi Create()
    {
        var ts = Owned(HandleType.TokenStream);
        var tsRef = Borrowed(HandleType.TokenStream);
        var span = Owned(HandleType.Span);
        BridgeMethod M(BridgeOp op, string name, WireType ret, params WireType[] ps) => new(op, name, ps, ret);

        // Flat list, one-byte tags: the position is the tag.
        BridgeMethod[] methods =
        [
            M(BridgeOp.InjectedEnvVar, "injected_env_var", Option(Str), Str),
            M(BridgeOp.TrackEnvVar, "track_env_var", Unit, Str, Option(Str)),
            M(BridgeOp.TrackPath, "track_path", Unit, Str),
            M(BridgeOp.LiteralFromStr, "literal_from_str", Result(Literal, Str), Str),
            M(BridgeOp.EmitDiagnostic, "emit_diagnostic", Unit, Diagnostic),
            M(BridgeOp.Drop, "ts_drop", Unit, ts),
            M(BridgeOp.Clone, "ts_clone", ts, tsRef),
            M(BridgeOp.TsIsEmpty, "ts_is_empty", Bool, tsRef),
            M(BridgeOp.TsExpandExpr, "ts_expand_expr", Result(ts, Unit), tsRef),
            M(BridgeOp.TsFromStr, "ts_from_str", Result(ts, Str), Str),
            M(BridgeOp.TsToString, "ts_to_string", Str, tsRef),
            M(BridgeOp.TsFromTokenTree, "ts_from_token_tree", ts, TokenTree),
            M(BridgeOp.TsConcatTrees, "ts_concat_trees", ts, Option(ts), Vec(TokenTree)),
            M(BridgeOp.TsConcatStreams, "ts_concat_streams", ts, Option(ts), Vec(ts)),
            M(BridgeOp.TsIntoTrees, "ts_into_trees", Vec(TokenTree), ts),
            M(BridgeOp.SpanDebug, "span_debug", Str, span),
            M(BridgeOp.SpanParent, "span_parent", Option(span), span),
            M(BridgeOp.SpanSource, "span_source", span, span),
            M(BridgeOp.SpanByteRange, "span_byte_range", UsizeRange, span),
            M(BridgeOp.SpanStart, "span_start", span, span),
            M(BridgeOp.SpanEnd, "span_end", span, span),
            M(BridgeOp.SpanLine, "span_line", Usize, span),
            M(BridgeOp.SpanColumn, "span_column", Usize, span),
            M(BridgeOp.SpanFile, "span_file", Str, span),
            M(BridgeOp.SpanLocalFile, "span_local_file", Option(Str), span),
            M(BridgeOp.SpanJoin, "span_join", Option(span), span, span),
            M(BridgeOp.SpanSubspan, "span_subspan", Option(span), span, Bound, Bound),
            M(BridgeOp.SpanResolvedAt, "span_resolved_at", span, span, span),
            M(BridgeOp.SpanSourceText, "span_source_text", Option(Str), span),
            M(BridgeOp.SpanSaveSpan, "span_save_span", Usize, span),
            M(BridgeOp.SpanRecoverProcMacroSpan, "span_recover_proc_macro_span", span, Usize),
            M(BridgeOp.SymbolNormalizeAndValidateIdent, "symbol_normalize_and_validate_ident", Result(Symbol, Unit), Str),
        ];

        return new BridgeAbi(
            name: "A95",
            description: "rustc 1.95 – 1.97",
            groups: [(null, methods)],
            reversedArguments: false,
            counters: CountersAccess.Pointer,
            counterWidth: 4,
            handles: [new HandleSlot(HandleType.TokenStream, 0, false), new HandleSlot(HandleType.Span, 1, true)],
            inputHasGlobals: true,
            treesByHandle: false);
    }
}
