namespace ProcMacroSrv.Bridge.Abi;

/// <summary>
/// What a bridge method does, independent of the ABI that numbers it. Each ABI table maps its
/// method tags to these operations; one interpreter implements them for every ABI.
/// </summary>
public enum BridgeOp : byte
{
    /// <summary>Drops an owned handle of any type: the interpreter has taken it out of the store already.</summary>
    Drop,

    /// <summary>Clones a handle's value: the same immutable value (a copy for a mutable one) under a new handle.</summary>
    Clone,
    /// <summary>An environment variable injected by the build system, if any.</summary>
    InjectedEnvVar,
    /// <summary>Records that the macro read an environment variable.</summary>
    TrackEnvVar,
    /// <summary>Records that the macro depends on a file.</summary>
    TrackPath,
    /// <summary>Parses a literal from a string.</summary>
    LiteralFromStr,
    /// <summary>Emits a diagnostic (a value from 1.85 on, a handle in 1.63).</summary>
    EmitDiagnostic,
    /// <summary>Whether a token stream is empty.</summary>
    TsIsEmpty,
    /// <summary>Eagerly expands an expression (not supported: answers Err).</summary>
    TsExpandExpr,
    /// <summary>Parses a token stream from source text.</summary>
    TsFromStr,
    /// <summary>Prints a token stream.</summary>
    TsToString,
    /// <summary>A stream of one tree.</summary>
    TsFromTokenTree,
    /// <summary>An optional base stream followed by trees.</summary>
    TsConcatTrees,
    /// <summary>An optional base stream followed by streams.</summary>
    TsConcatStreams,
    /// <summary>The trees of a stream.</summary>
    TsIntoTrees,
    /// <summary>The debug text of a span.</summary>
    SpanDebug,
    /// <summary>The source file of a span (A63/A85 handle).</summary>
    SpanSourceFile,
    /// <summary>The span of the macro call that produced this span.</summary>
    SpanParent,
    /// <summary>The span in the original source this span was generated from.</summary>
    SpanSource,
    /// <summary>The byte range of a span in its file.</summary>
    SpanByteRange,
    /// <summary>An empty span at the start of a span.</summary>
    SpanStart,
    /// <summary>An empty span at the end of a span.</summary>
    SpanEnd,
    /// <summary>The 1-based line of a span's start.</summary>
    SpanLine,
    /// <summary>The 1-based column of a span's start.</summary>
    SpanColumn,
    /// <summary>The path of a span's file as text.</summary>
    SpanFile,
    /// <summary>The path of a span's file on disk, if it is a real file.</summary>
    SpanLocalFile,
    /// <summary>A span covering two spans.</summary>
    SpanJoin,
    /// <summary>A part of a span.</summary>
    SpanSubspan,
    /// <summary>A span with another span's hygiene.</summary>
    SpanResolvedAt,
    /// <summary>The source text of a span.</summary>
    SpanSourceText,
    /// <summary>Saves a span for <c>quote!</c>'s <c>recover_proc_macro_span</c>.</summary>
    SpanSaveSpan,
    /// <summary>Recovers a saved span.</summary>
    SpanRecoverProcMacroSpan,
    /// <summary>NFC-normalizes and validates an identifier.</summary>
    SymbolNormalizeAndValidateIdent,
    /// <summary>Whether two source files are the same (A63/A85).</summary>
    SourceFileEq,
    /// <summary>A source file's path (A63/A85).</summary>
    SourceFilePath,
    /// <summary>Whether a source file is a real file on disk (A63/A85).</summary>
    SourceFileIsReal,

    // Operations that exist only in rustc 1.63, where groups, puncts, idents, literals,
    // multi-spans and diagnostics were handles with methods of their own.

    /// <summary><c>Group::new</c>.</summary>
    GroupNew,
    /// <summary><c>Group::delimiter</c>.</summary>
    GroupDelimiter,
    /// <summary><c>Group::stream</c>.</summary>
    GroupStream,
    /// <summary><c>Group::span</c> (entire).</summary>
    GroupSpan,
    /// <summary><c>Group::span_open</c>.</summary>
    GroupSpanOpen,
    /// <summary><c>Group::span_close</c>.</summary>
    GroupSpanClose,
    /// <summary><c>Group::set_span</c>.</summary>
    GroupSetSpan,
    /// <summary><c>Punct::new</c> (at the call site).</summary>
    PunctNew,
    /// <summary><c>Punct::as_char</c>.</summary>
    PunctAsChar,
    /// <summary><c>Punct::spacing</c>.</summary>
    PunctSpacing,
    /// <summary>The span of a punct, ident or literal.</summary>
    TokenSpan,
    /// <summary>A punct, ident or literal with another span.</summary>
    TokenWithSpan,
    /// <summary><c>Ident::new</c>.</summary>
    IdentNew,
    /// <summary><c>Literal::to_string</c>.</summary>
    LiteralToString,
    /// <summary><c>Literal::debug_kind</c>.</summary>
    LiteralDebugKind,
    /// <summary><c>Literal::symbol</c>.</summary>
    LiteralSymbol,
    /// <summary><c>Literal::suffix</c>.</summary>
    LiteralSuffix,
    /// <summary><c>Literal::integer</c>.</summary>
    LiteralInteger,
    /// <summary><c>Literal::typed_integer</c>.</summary>
    LiteralTypedInteger,
    /// <summary><c>Literal::float</c>.</summary>
    LiteralFloat,
    /// <summary><c>Literal::f32</c>.</summary>
    LiteralF32,
    /// <summary><c>Literal::f64</c>.</summary>
    LiteralF64,
    /// <summary><c>Literal::string</c>.</summary>
    LiteralString,
    /// <summary><c>Literal::character</c>.</summary>
    LiteralCharacter,
    /// <summary><c>Literal::byte_string</c>.</summary>
    LiteralByteString,
    /// <summary><c>Literal::set_span</c>.</summary>
    LiteralSetSpan,
    /// <summary><c>Literal::subspan</c>.</summary>
    LiteralSubspan,
    /// <summary><c>MultiSpan::new</c>.</summary>
    MultiSpanNew,
    /// <summary><c>MultiSpan::push</c>.</summary>
    MultiSpanPush,
    /// <summary><c>Diagnostic::new</c>.</summary>
    DiagnosticNew,
    /// <summary><c>Diagnostic::sub</c>.</summary>
    DiagnosticSub,
    /// <summary><c>Span::def_site</c> (an RPC before 1.85).</summary>
    SpanDefSite,
    /// <summary><c>Span::call_site</c>.</summary>
    SpanCallSite,
    /// <summary><c>Span::mixed_site</c>.</summary>
    SpanMixedSite,
    /// <summary><c>Span::start</c> as a line and column (1.63).</summary>
    SpanStartLineColumn,
    /// <summary><c>Span::end</c> as a line and column (1.63).</summary>
    SpanEndLineColumn,
}
