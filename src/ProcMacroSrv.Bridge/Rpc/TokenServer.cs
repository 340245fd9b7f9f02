using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Literals;
using ProcMacroSrv.TokenModel.Printing;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// What each bridge operation means: the server half of the <c>proc_macro</c> API over our token
/// model. It knows nothing of wire formats or ABIs; <see cref="BridgeInterpreter"/> feeds it
/// decoded arguments in declared order.
/// </summary>
internal sealed class TokenServer
{
    public TokenServer(SpanSemantics spans, PrintOptions? printOptions = null)
    {
        Spans = spans;
        PrintOptions = printOptions ?? PrintOptions.Default;
    }

    public SpanSemantics Spans { get; }

    /// <summary>How <c>to_string</c> prints: as the client's rustc version prints.</summary>
    public PrintOptions PrintOptions { get; }

    public List<(string Name, string? Value)> TrackedEnvVars { get; } = new();

    public List<string> TrackedPaths { get; } = new();

    public List<MacroDiagnostic> Diagnostics { get; } = new();

    public RpcValue Invoke(BridgeOp op, Span<RpcValue> a)
    {
        switch (op)
        {
            case BridgeOp.Drop:
                return RpcValue.Of(0);
            case BridgeOp.Clone:
                // Every value that has a clone method is immutable: the clone is the same value.
                // (1.63's multi-span, built in place by push, has no clone.)
                return RpcValue.Of(a[0].Ref);
            case BridgeOp.InjectedEnvVar:
                // The request's environment is the process's own during an expansion (see
                // ProcessEnvironment): nothing is injected beside it.
                return RpcValue.None;
            case BridgeOp.TrackEnvVar:
                TrackedEnvVars.Add((a[0].String, a[1].Present ? a[1].String : null));
                return RpcValue.Of(0);
            case BridgeOp.TrackPath:
                TrackedPaths.Add(a[0].String);
                return RpcValue.Of(0);
            case BridgeOp.LiteralFromStr:
            {
                var parsed = LiteralParser.Parse(a[0].String, Spans.CallSite);
                return Outcome(parsed.Outcome, parsed.Literal, parsed.ErrorMessage, parsed.PanicMessage, parsed.Diagnostics);
            }
            case BridgeOp.EmitDiagnostic:
                Diagnostics.Add((MacroDiagnostic)a[0].Ref!);
                return RpcValue.Of(0);
            case BridgeOp.TsIsEmpty:
                return RpcValue.Of(a[0].Stream.IsEmpty);
            case BridgeOp.TsExpandExpr:
                // Eager expansion needs a compiler; rustc also answers Err for what it cannot expand.
                return RpcValue.Err(null);
            case BridgeOp.TsFromStr:
            {
                var parsed = TokenStreamParser.Parse(a[0].String, Spans.ParsedTokenSpan);
                return Outcome(parsed.Outcome, parsed.Stream, parsed.ErrorMessage, parsed.PanicMessage, parsed.Diagnostics);
            }
            case BridgeOp.TsToString:
                return RpcValue.Of(TokenPrinter.Print(a[0].Stream, PrintOptions));
            case BridgeOp.TsFromTokenTree:
                return RpcValue.Of(TokenStream.Single((TokenTree)a[0].Ref!));
            case BridgeOp.TsConcatTrees:
            {
                // The trees arrive in the interpreter's scratch array (Scalar of them): copied here.
                var trees = new ReadOnlySpan<TokenTree>((TokenTree[])a[1].Ref!, 0, (int)a[1].Scalar);
                var baseStream = a[0].Present ? a[0].Stream : TokenStream.Empty;
                return RpcValue.Of(baseStream.Append(trees));
            }
            case BridgeOp.TsConcatStreams:
            {
                // The streams arrive in the interpreter's scratch array (Scalar of them).
                var baseStream = a[0].Present ? a[0].Stream : TokenStream.Empty;
                return RpcValue.Of(baseStream.Concat(new ReadOnlySpan<TokenStream>((TokenStream[])a[1].Ref!, 0, (int)a[1].Scalar)));
            }
            case BridgeOp.TsIntoTrees:
                // The stream itself: the interpreter writes its trees, so nothing is copied.
                return RpcValue.Of(a[0].Stream);
            case BridgeOp.SpanDebug:
                return RpcValue.Of(Spans.Debug(a[0].Span));
            case BridgeOp.SpanParent:
                return Spans.Parent(a[0].Span) is { } parent ? RpcValue.Of(parent) : RpcValue.None;
            case BridgeOp.SpanSource:
                return RpcValue.Of(Spans.Source(a[0].Span));
            case BridgeOp.SpanByteRange:
            {
                var (start, end) = Spans.ByteRange(a[0].Span);
                return RpcValue.OfRange(start, end);
            }
            case BridgeOp.SpanStart:
                return RpcValue.Of(Spans.Start(a[0].Span));
            case BridgeOp.SpanEnd:
                return RpcValue.Of(Spans.End(a[0].Span));
            case BridgeOp.SpanLine:
                return RpcValue.Of(Spans.Line(a[0].Span));
            case BridgeOp.SpanColumn:
                return RpcValue.Of(Spans.Column(a[0].Span));
            case BridgeOp.SpanFile:
                return RpcValue.Of(Spans.File(a[0].Span));
            case BridgeOp.SpanLocalFile:
                return Spans.LocalFile(a[0].Span) is { } local ? RpcValue.Of(local) : RpcValue.None;
            case BridgeOp.SpanJoin:
                return Spans.Join(a[0].Span, a[1].Span) is { } joined ? RpcValue.Of(joined) : RpcValue.None;
            case BridgeOp.SpanSubspan:
                return Subspan(a[0].Span, a[1], a[2]) is { } sub ? RpcValue.Of(sub) : RpcValue.None;
            case BridgeOp.SpanResolvedAt:
                return RpcValue.Of(Spans.ResolvedAt(a[0].Span, a[1].Span));
            case BridgeOp.SpanSourceText:
                return Spans.SourceText(a[0].Span) is { } text ? RpcValue.Of(text) : RpcValue.None;
            case BridgeOp.SpanSaveSpan:
                // Only rustc's incremental `quote!` uses saved spans; there is nothing to save them in.
                return RpcValue.Of(0);
            case BridgeOp.SpanRecoverProcMacroSpan:
                return RpcValue.Of(Spans.CallSite);
            case BridgeOp.SymbolNormalizeAndValidateIdent:
                return RustIdentifier.TryNormalizeAndValidate(a[0].String, out var normalized)
                    ? RpcValue.Of(normalized.Text)
                    : RpcValue.Err(null);
            case BridgeOp.SpanSourceFile:
                return RpcValue.Of(new SourceFileInfo(Spans.File(a[0].Span), Spans.LocalFile(a[0].Span) is not null));
            case BridgeOp.SourceFileEq:
                return RpcValue.Of(Equals(a[0].Ref, a[1].Ref));
            case BridgeOp.SourceFilePath:
                return RpcValue.Of(((SourceFileInfo)a[0].Ref!).Path);
            case BridgeOp.SourceFileIsReal:
                return RpcValue.Of(((SourceFileInfo)a[0].Ref!).IsReal);
            default:
                return InvokeHandleOperation(op, a);
        }
    }

    // The operations of rustc 1.63's handle-based token API. `&mut self` operations store the
    // new value in a[0].Ref; the interpreter keeps it under the same handle.
    private RpcValue InvokeHandleOperation(BridgeOp op, Span<RpcValue> a)
    {
        switch (op)
        {
            case BridgeOp.GroupNew:
            {
                var delimiter = (byte)a[0].Scalar;
                if (delimiter > 3) throw new BridgeRpcException($"invalid delimiter {delimiter}");
                var stream = a[1].Present ? a[1].Stream : TokenStream.Empty;
                return RpcValue.Of(new Group((Delimiter)delimiter, stream, DelimSpan.Single(Spans.CallSite)));
            }
            case BridgeOp.GroupDelimiter:
                return RpcValue.Of((byte)((Group)a[0].Ref!).Delimiter);
            case BridgeOp.GroupStream:
                return RpcValue.Of(((Group)a[0].Ref!).Stream);
            case BridgeOp.GroupSpan:
                return RpcValue.Of(((Group)a[0].Ref!).Span);
            case BridgeOp.GroupSpanOpen:
                return RpcValue.Of(((Group)a[0].Ref!).Spans.Open);
            case BridgeOp.GroupSpanClose:
                return RpcValue.Of(((Group)a[0].Ref!).Spans.Close);
            case BridgeOp.GroupSetSpan:
            case BridgeOp.LiteralSetSpan:
                a[0].Ref = ((TokenTree)a[0].Ref!).WithSpan(a[1].Span);
                return RpcValue.Of(0);
            case BridgeOp.PunctNew:
            {
                var ch = a[0].Scalar;
                if (ch > 0x7F || !IsPunctChar((char)ch)) throw new BridgeRpcException($"unsupported character `{char.ConvertFromUtf32((int)ch)}`");
                return RpcValue.Of(new Punct((char)ch, a[1].Scalar == 1 ? Spacing.Joint : Spacing.Alone, Spans.CallSite));
            }
            case BridgeOp.PunctAsChar:
                return RpcValue.Of(((Punct)a[0].Ref!).Char);
            case BridgeOp.PunctSpacing:
                return RpcValue.Of(((Punct)a[0].Ref!).Spacing == Spacing.Joint ? (byte)1 : (byte)0);
            case BridgeOp.TokenSpan:
                return RpcValue.Of(((TokenTree)a[0].Ref!).Span);
            case BridgeOp.TokenWithSpan:
                return RpcValue.Of(((TokenTree)a[0].Ref!).WithSpan(a[1].Span));
            case BridgeOp.IdentNew:
            {
                var name = a[0].String;
                var isRaw = a[2].Scalar != 0;
                if (!RustIdentifier.TryNormalizeAndValidate(name, out var symbol)) throw new BridgeRpcException($"`{name}` is not a valid identifier");
                if (isRaw && !RustIdentifier.CanBeRaw(symbol.Text)) throw new BridgeRpcException($"`{name}` cannot be a raw identifier");
                return RpcValue.Of(new Ident(symbol, isRaw, a[1].Span));
            }
            case BridgeOp.LiteralToString:
                return RpcValue.Of(TokenPrinter.LiteralToString((Literal)a[0].Ref!));
            case BridgeOp.LiteralDebugKind:
            {
                var literal = (Literal)a[0].Ref!;
                var kind = literal.Kind.IsRaw()
                    ? $"{literal.Kind}({literal.Hashes})"
                    : literal.Kind.ToString();
                return RpcValue.Of(kind);
            }
            case BridgeOp.LiteralSymbol:
                return RpcValue.Of(((Literal)a[0].Ref!).Symbol.Text);
            case BridgeOp.LiteralSuffix:
                return ((Literal)a[0].Ref!).Suffix is { } suffix ? RpcValue.Of(suffix.Text) : RpcValue.None;
            case BridgeOp.LiteralInteger:
                return NewLiteral(LiteralKind.Integer, a[0].String, null);
            case BridgeOp.LiteralTypedInteger:
                return NewLiteral(LiteralKind.Integer, a[0].String, a[1].String);
            case BridgeOp.LiteralFloat:
                return NewLiteral(LiteralKind.Float, a[0].String, null);
            case BridgeOp.LiteralF32:
                return NewLiteral(LiteralKind.Float, a[0].String, "f32");
            case BridgeOp.LiteralF64:
                return NewLiteral(LiteralKind.Float, a[0].String, "f64");
            case BridgeOp.LiteralString:
                return NewLiteral(LiteralKind.Str, LiteralEscapes.StringSymbol(a[0].String), null);
            case BridgeOp.LiteralCharacter:
                if (!System.Text.Rune.IsValid((int)a[0].Scalar)) throw new BridgeRpcException($"invalid char {a[0].Scalar:x}");
                return NewLiteral(LiteralKind.Char, LiteralEscapes.CharSymbol(new System.Text.Rune((int)a[0].Scalar)), null);
            case BridgeOp.LiteralByteString:
                return NewLiteral(LiteralKind.ByteStr, LiteralEscapes.ByteStringSymbol((byte[])a[0].Ref!), null);
            case BridgeOp.LiteralSubspan:
                return Subspan(((Literal)a[0].Ref!).Span, a[1], a[2]) is { } literalSub ? RpcValue.Of(literalSub) : RpcValue.None;
            case BridgeOp.MultiSpanNew:
                return RpcValue.Of(new List<Span>());
            case BridgeOp.MultiSpanPush:
                ((List<Span>)a[0].Ref!).Add(a[1].Span);
                return RpcValue.Of(0);
            case BridgeOp.DiagnosticNew:
                return RpcValue.Of(new MacroDiagnostic((DiagnosticLevel)a[0].Scalar, a[1].String, ((List<Span>)a[2].Ref!).ToArray(), []));
            case BridgeOp.DiagnosticSub:
            {
                var diagnostic = (MacroDiagnostic)a[0].Ref!;
                var child = new MacroDiagnostic((DiagnosticLevel)a[1].Scalar, a[2].String, ((List<Span>)a[3].Ref!).ToArray(), []);
                a[0].Ref = diagnostic with { Children = [.. diagnostic.Children, child] };
                return RpcValue.Of(0);
            }
            case BridgeOp.SpanDefSite:
                return RpcValue.Of(Spans.DefSite);
            case BridgeOp.SpanCallSite:
                return RpcValue.Of(Spans.CallSite);
            case BridgeOp.SpanMixedSite:
                return RpcValue.Of(Spans.MixedSite);
            case BridgeOp.SpanStartLineColumn:
                return LineColumn(Spans.Start(a[0].Span));
            case BridgeOp.SpanEndLineColumn:
                return LineColumn(Spans.End(a[0].Span));
            default:
                throw new BridgeRpcException($"bridge operation {op} is not served");
        }
    }

    /// <summary>The value behind a SourceFile handle (A63/A85): equal paths are the same file.</summary>
    private sealed record SourceFileInfo(string Path, bool IsReal);

    // rustc returns Err for some lexing failures and aborts for others: it reports the error to
    // the user and unwinds with a marker, which the macro sees as a panic without a message.
    // Errors the lexer emits as it goes are reported to the user whatever the outcome; those it
    // returns (unbalanced delimiters) become the Err's message and are not.
    private RpcValue Outcome(ParseOutcome outcome, object? value, string? error, string? panic, IReadOnlyList<LexDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            if (d.Kind != LexDiagnosticKind.Returned) Diagnostics.Add(new MacroDiagnostic(DiagnosticLevel.Error, d.Message, [Spans.CallSite], []));
        }
        return outcome switch
        {
            ParseOutcome.Value => RpcValue.Of(value),
            ParseOutcome.Error => RpcValue.Err(error),
            _ => panic is not null
                ? throw new BridgeRpcException(panic)
                : throw new BridgeRpcException(error ?? "cannot parse the string") { WithoutPayload = true },
        };
    }

    private RpcValue NewLiteral(LiteralKind kind, string symbol, string? suffix) =>
        RpcValue.Of(new Literal(kind, 0, Symbol.Intern(symbol), suffix is null ? null : Symbol.Intern(suffix), Spans.CallSite));

    // 1.63's LineColumn: 1-based line, 0-based column.
    private RpcValue LineColumn(Span at) => new() { Scalar = Spans.Line(at), Scalar2 = Spans.Column(at) - 1, Present = true };

    private static bool IsPunctChar(char c) => "=<>!~+-*/%^&|@.,;:#$?'".Contains(c);

    private Span? Subspan(Span span, RpcValue start, RpcValue end)
    {
        // Bounds are relative to the span's text; rustc resolves them against its length.
        var (rangeStart, rangeEnd) = Spans.ByteRange(span);
        var length = rangeEnd - rangeStart;
        ulong from = start.Scalar2 switch { 0 => (ulong)start.Scalar, 1 => (ulong)start.Scalar + 1, _ => 0 };
        ulong to = end.Scalar2 switch { 0 => (ulong)end.Scalar + 1, 1 => (ulong)end.Scalar, _ => length };
        return Spans.Subspan(span, from, to);
    }
}
