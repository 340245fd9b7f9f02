using static ProcMacroSrv.Bridge.Abi.WireType;

namespace ProcMacroSrv.Bridge.Abi;

/// <summary>The bridge of rustc 1.85 (bridge-abi.md, table A85): grouped two-byte tags, arguments last-first.</summary>
internal static class Abi85
{
    public static BridgeAbi Create()
    {
        var ts = Owned(HandleType.TokenStream);
        var tsRef = Borrowed(HandleType.TokenStream);
        var span = Owned(HandleType.Span);
        var file = Owned(HandleType.SourceFile);
        var fileRef = Borrowed(HandleType.SourceFile);
        BridgeMethod M(BridgeOp op, string name, WireType ret, params WireType[] ps) => new(op, name, ps, ret);

        BridgeMethod[] freeFunctions =
        [
            M(BridgeOp.Drop, "FreeFunctions::drop", Unit, Owned(HandleType.FreeFunctions)),
            M(BridgeOp.InjectedEnvVar, "FreeFunctions::injected_env_var", Option(Str), Str),
            M(BridgeOp.TrackEnvVar, "FreeFunctions::track_env_var", Unit, Str, Option(Str)),
            M(BridgeOp.TrackPath, "FreeFunctions::track_path", Unit, Str),
            M(BridgeOp.LiteralFromStr, "FreeFunctions::literal_from_str", Result(Literal, Unit), Str),
            M(BridgeOp.EmitDiagnostic, "FreeFunctions::emit_diagnostic", Unit, Diagnostic),
        ];
        BridgeMethod[] tokenStream =
        [
            M(BridgeOp.Drop, "TokenStream::drop", Unit, ts),
            M(BridgeOp.Clone, "TokenStream::clone", ts, tsRef),
            M(BridgeOp.TsIsEmpty, "TokenStream::is_empty", Bool, tsRef),
            M(BridgeOp.TsExpandExpr, "TokenStream::expand_expr", Result(ts, Unit), tsRef),
            M(BridgeOp.TsFromStr, "TokenStream::from_str", ts, Str),
            M(BridgeOp.TsToString, "TokenStream::to_string", Str, tsRef),
            M(BridgeOp.TsFromTokenTree, "TokenStream::from_token_tree", ts, TokenTree),
            M(BridgeOp.TsConcatTrees, "TokenStream::concat_trees", ts, Option(ts), Vec(TokenTree)),
            M(BridgeOp.TsConcatStreams, "TokenStream::concat_streams", ts, Option(ts), Vec(ts)),
            M(BridgeOp.TsIntoTrees, "TokenStream::into_trees", Vec(TokenTree), ts),
        ];
        BridgeMethod[] sourceFile =
        [
            M(BridgeOp.Drop, "SourceFile::drop", Unit, file),
            M(BridgeOp.Clone, "SourceFile::clone", file, fileRef),
            M(BridgeOp.SourceFileEq, "SourceFile::eq", Bool, fileRef, fileRef),
            M(BridgeOp.SourceFilePath, "SourceFile::path", Str, fileRef),
            M(BridgeOp.SourceFileIsReal, "SourceFile::is_real", Bool, fileRef),
        ];
        BridgeMethod[] spanMethods =
        [
            M(BridgeOp.SpanDebug, "Span::debug", Str, span),
            M(BridgeOp.SpanSourceFile, "Span::source_file", file, span),
            M(BridgeOp.SpanParent, "Span::parent", Option(span), span),
            M(BridgeOp.SpanSource, "Span::source", span, span),
            M(BridgeOp.SpanByteRange, "Span::byte_range", UsizeRange, span),
            M(BridgeOp.SpanStart, "Span::start", span, span),
            M(BridgeOp.SpanEnd, "Span::end", span, span),
            M(BridgeOp.SpanLine, "Span::line", Usize, span),
            M(BridgeOp.SpanColumn, "Span::column", Usize, span),
            M(BridgeOp.SpanJoin, "Span::join", Option(span), span, span),
            M(BridgeOp.SpanSubspan, "Span::subspan", Option(span), span, Bound, Bound),
            M(BridgeOp.SpanResolvedAt, "Span::resolved_at", span, span, span),
            M(BridgeOp.SpanSourceText, "Span::source_text", Option(Str), span),
            M(BridgeOp.SpanSaveSpan, "Span::save_span", Usize, span),
            M(BridgeOp.SpanRecoverProcMacroSpan, "Span::recover_proc_macro_span", span, Usize),
        ];
        BridgeMethod[] symbol =
        [
            M(BridgeOp.SymbolNormalizeAndValidateIdent, "Symbol::normalize_and_validate_ident", Result(Symbol, Unit), Str),
        ];

        return new BridgeAbi(
            name: "A85",
            description: "rustc 1.85",
            groups: [("FreeFunctions", freeFunctions), ("TokenStream", tokenStream), ("SourceFile", sourceFile), ("Span", spanMethods), ("Symbol", symbol)],
            reversedArguments: true,
            counters: CountersAccess.Pointer,
            counterWidth: 4,
            handles:
            [
                new HandleSlot(HandleType.FreeFunctions, 0, false),
                new HandleSlot(HandleType.TokenStream, 1, false),
                new HandleSlot(HandleType.SourceFile, 2, false),
                new HandleSlot(HandleType.Span, 3, true),
            ],
            inputHasGlobals: true,
            treesByHandle: false);
    }
}
