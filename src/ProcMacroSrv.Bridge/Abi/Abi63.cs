using static ProcMacroSrv.Bridge.Abi.WireType;

namespace ProcMacroSrv.Bridge.Abi;

/// <summary>
/// The bridge of rustc 1.63 (bridge-abi.md, table A63): ten handle types, token trees as
/// handles, spans reached through RPCs, grouped two-byte tags, arguments last-first.
/// </summary>
internal static class Abi63
{
    public static BridgeAbi Create()
    {
        var ts = Owned(HandleType.TokenStream);
        var tsRef = Borrowed(HandleType.TokenStream);
        var span = Owned(HandleType.Span);
        var group = Owned(HandleType.Group);
        var groupRef = Borrowed(HandleType.Group);
        var punct = Owned(HandleType.Punct);
        var ident = Owned(HandleType.Ident);
        var literal = Owned(HandleType.Literal);
        var literalRef = Borrowed(HandleType.Literal);
        var file = Owned(HandleType.SourceFile);
        var fileRef = Borrowed(HandleType.SourceFile);
        var multiSpan = Owned(HandleType.MultiSpan);
        var diagnostic = Owned(HandleType.Diagnostic);
        BridgeMethod M(BridgeOp op, string name, WireType ret, params WireType[] ps) => new(op, name, ps, ret);

        BridgeMethod[] freeFunctions =
        [
            M(BridgeOp.Drop, "FreeFunctions::drop", Unit, Owned(HandleType.FreeFunctions)),
            M(BridgeOp.TrackEnvVar, "FreeFunctions::track_env_var", Unit, Str, Option(Str)),
            M(BridgeOp.TrackPath, "FreeFunctions::track_path", Unit, Str),
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
        BridgeMethod[] groupMethods =
        [
            M(BridgeOp.Drop, "Group::drop", Unit, group),
            M(BridgeOp.Clone, "Group::clone", group, groupRef),
            M(BridgeOp.GroupNew, "Group::new", group, Delimiter, Option(ts)),
            M(BridgeOp.GroupDelimiter, "Group::delimiter", Delimiter, groupRef),
            M(BridgeOp.GroupStream, "Group::stream", ts, groupRef),
            M(BridgeOp.GroupSpan, "Group::span", span, groupRef),
            M(BridgeOp.GroupSpanOpen, "Group::span_open", span, groupRef),
            M(BridgeOp.GroupSpanClose, "Group::span_close", span, groupRef),
            M(BridgeOp.GroupSetSpan, "Group::set_span", Unit, Mutable(HandleType.Group), span),
        ];
        BridgeMethod[] punctMethods =
        [
            M(BridgeOp.PunctNew, "Punct::new", punct, CharScalar, Spacing),
            M(BridgeOp.PunctAsChar, "Punct::as_char", CharScalar, punct),
            M(BridgeOp.PunctSpacing, "Punct::spacing", Spacing, punct),
            M(BridgeOp.TokenSpan, "Punct::span", span, punct),
            M(BridgeOp.TokenWithSpan, "Punct::with_span", punct, punct, span),
        ];
        BridgeMethod[] identMethods =
        [
            M(BridgeOp.IdentNew, "Ident::new", ident, Str, span, Bool),
            M(BridgeOp.TokenSpan, "Ident::span", span, ident),
            M(BridgeOp.TokenWithSpan, "Ident::with_span", ident, ident, span),
        ];
        BridgeMethod[] literalMethods =
        [
            M(BridgeOp.Drop, "Literal::drop", Unit, literal),
            M(BridgeOp.Clone, "Literal::clone", literal, literalRef),
            M(BridgeOp.LiteralFromStr, "Literal::from_str", Result(literal, Unit), Str),
            M(BridgeOp.LiteralToString, "Literal::to_string", Str, literalRef),
            M(BridgeOp.LiteralDebugKind, "Literal::debug_kind", Str, literalRef),
            M(BridgeOp.LiteralSymbol, "Literal::symbol", Str, literalRef),
            M(BridgeOp.LiteralSuffix, "Literal::suffix", Option(Str), literalRef),
            M(BridgeOp.LiteralInteger, "Literal::integer", literal, Str),
            M(BridgeOp.LiteralTypedInteger, "Literal::typed_integer", literal, Str, Str),
            M(BridgeOp.LiteralFloat, "Literal::float", literal, Str),
            M(BridgeOp.LiteralF32, "Literal::f32", literal, Str),
            M(BridgeOp.LiteralF64, "Literal::f64", literal, Str),
            M(BridgeOp.LiteralString, "Literal::string", literal, Str),
            M(BridgeOp.LiteralCharacter, "Literal::character", literal, CharScalar),
            M(BridgeOp.LiteralByteString, "Literal::byte_string", literal, Bytes),
            M(BridgeOp.TokenSpan, "Literal::span", span, literalRef),
            M(BridgeOp.LiteralSetSpan, "Literal::set_span", Unit, Mutable(HandleType.Literal), span),
            M(BridgeOp.LiteralSubspan, "Literal::subspan", Option(span), literalRef, Bound, Bound),
        ];
        BridgeMethod[] sourceFile =
        [
            M(BridgeOp.Drop, "SourceFile::drop", Unit, file),
            M(BridgeOp.Clone, "SourceFile::clone", file, fileRef),
            M(BridgeOp.SourceFileEq, "SourceFile::eq", Bool, fileRef, fileRef),
            M(BridgeOp.SourceFilePath, "SourceFile::path", Str, fileRef),
            M(BridgeOp.SourceFileIsReal, "SourceFile::is_real", Bool, fileRef),
        ];
        BridgeMethod[] multiSpanMethods =
        [
            M(BridgeOp.Drop, "MultiSpan::drop", Unit, multiSpan),
            M(BridgeOp.MultiSpanNew, "MultiSpan::new", multiSpan),
            M(BridgeOp.MultiSpanPush, "MultiSpan::push", Unit, Mutable(HandleType.MultiSpan), span),
        ];
        BridgeMethod[] diagnosticMethods =
        [
            M(BridgeOp.Drop, "Diagnostic::drop", Unit, diagnostic),
            M(BridgeOp.DiagnosticNew, "Diagnostic::new", diagnostic, Level, Str, multiSpan),
            M(BridgeOp.DiagnosticSub, "Diagnostic::sub", Unit, Mutable(HandleType.Diagnostic), Level, Str, multiSpan),
            M(BridgeOp.EmitDiagnostic, "Diagnostic::emit", Unit, diagnostic),
        ];
        BridgeMethod[] spanMethods =
        [
            M(BridgeOp.SpanDebug, "Span::debug", Str, span),
            M(BridgeOp.SpanDefSite, "Span::def_site", span),
            M(BridgeOp.SpanCallSite, "Span::call_site", span),
            M(BridgeOp.SpanMixedSite, "Span::mixed_site", span),
            M(BridgeOp.SpanSourceFile, "Span::source_file", file, span),
            M(BridgeOp.SpanParent, "Span::parent", Option(span), span),
            M(BridgeOp.SpanSource, "Span::source", span, span),
            M(BridgeOp.SpanStartLineColumn, "Span::start", LineColumn, span),
            M(BridgeOp.SpanEndLineColumn, "Span::end", LineColumn, span),
            M(BridgeOp.SpanStart, "Span::before", span, span),
            M(BridgeOp.SpanEnd, "Span::after", span, span),
            M(BridgeOp.SpanJoin, "Span::join", Option(span), span, span),
            M(BridgeOp.SpanResolvedAt, "Span::resolved_at", span, span, span),
            M(BridgeOp.SpanSourceText, "Span::source_text", Option(Str), span),
            M(BridgeOp.SpanSaveSpan, "Span::save_span", Usize, span),
            M(BridgeOp.SpanRecoverProcMacroSpan, "Span::recover_proc_macro_span", span, Usize),
        ];

        return new BridgeAbi(
            name: "A63",
            description: "rustc 1.63",
            groups:
            [
                ("FreeFunctions", freeFunctions), ("TokenStream", tokenStream), ("Group", groupMethods),
                ("Punct", punctMethods), ("Ident", identMethods), ("Literal", literalMethods),
                ("SourceFile", sourceFile), ("MultiSpan", multiSpanMethods), ("Diagnostic", diagnosticMethods),
                ("Span", spanMethods),
            ],
            reversedArguments: true,
            counters: CountersAccess.Function,
            counterWidth: 8,
            handles:
            [
                new HandleSlot(HandleType.FreeFunctions, 0, false),
                new HandleSlot(HandleType.TokenStream, 1, false),
                new HandleSlot(HandleType.Group, 2, false),
                new HandleSlot(HandleType.Literal, 3, false),
                new HandleSlot(HandleType.SourceFile, 4, false),
                new HandleSlot(HandleType.MultiSpan, 5, false),
                new HandleSlot(HandleType.Diagnostic, 6, false),
                new HandleSlot(HandleType.Punct, 7, true),
                new HandleSlot(HandleType.Ident, 8, true),
                new HandleSlot(HandleType.Span, 9, true),
            ],
            inputHasGlobals: false,
            treesByHandle: true);
    }
}
