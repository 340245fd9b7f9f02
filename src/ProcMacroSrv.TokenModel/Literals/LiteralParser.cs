using System.Text;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.TokenModel.Literals;

/// <summary>The result of <see cref="LiteralParser.Parse"/>.</summary>
public sealed class LiteralParseResult
{
    internal LiteralParseResult(Literal? literal, IReadOnlyList<LexDiagnostic> diagnostics, ParseOutcome outcome, string? errorMessage,
        string? panicMessage = null)
    {
        Literal = literal;
        Diagnostics = diagnostics;
        Outcome = outcome;
        ErrorMessage = errorMessage;
        PanicMessage = panicMessage;
    }

    /// <summary>The literal, when the outcome is <see cref="ParseOutcome.Value"/>.</summary>
    public Literal? Literal { get; }

    /// <summary>Errors rustc reports while lexing the text (an erroneous literal is still returned, with kind Err).</summary>
    public IReadOnlyList<LexDiagnostic> Diagnostics { get; }

    /// <summary>What the macro observes.</summary>
    public ParseOutcome Outcome { get; }

    /// <summary>rustc's message for <see cref="ParseOutcome.Error"/> (for example <c>not a literal</c>), or the cause of a panic.</summary>
    public string? ErrorMessage { get; }

    /// <summary>For <see cref="ParseOutcome.Panic"/>, the panic's message; null for rustc's fatal-error marker (see <see cref="TokenStreamParseResult.PanicMessage"/>).</summary>
    public string? PanicMessage { get; }
}

/// <summary>
/// <c>Literal::from_str</c> as rustc's proc-macro server implements it: the whole text is
/// lexed, then it must be exactly one literal token, optionally preceded by a <c>-</c> that
/// touches it, and only numbers may be negative. The symbol of a negative literal keeps the
/// <c>-</c>; the suffix is split off exactly as for a positive one.
/// </summary>
public static class LiteralParser
{
    // One set of lexer options per edition, at the edition's value: Literal::from_str runs for
    // every literal a macro makes from text, and needs no new options object each time.
    private static readonly ParseOptions[] OptionsByEdition = MakeOptionsByEdition();

    private static ParseOptions[] MakeOptionsByEdition()
    {
        var editions = Enum.GetValues<Edition>();
        var table = new ParseOptions[(int)editions.Max() + 1];
        foreach (var edition in editions) table[(int)edition] = new ParseOptions(edition, SkipShebang: false);
        return table;
    }

    private static ParseOptions OptionsFor(Edition edition) => OptionsByEdition[(int)edition];

    /// <summary>Parses <paramref name="text"/>; the literal gets <paramref name="span"/> (rustc gives it the call site).</summary>
    public static LiteralParseResult Parse(string text, Span span = default, Edition edition = Edition.Edition2021)
    {
        // Spans carry byte offsets here so that adjacency and coverage can be checked. The lexer
        // sees the normalized text (CRLF → LF, no byte order mark) but coverage is checked against
        // the text as given, as rustc does: `"a\r\nb"` is "comment or whitespace around literal"
        // there (fixtures/pm-probe, corpus strings/string-crlf).
        var lexed = TokenStreamParser.Parse(text, static (s, e) => new Span(0, 0, (uint)s, (uint)e, 0),
            OptionsFor(edition));
        if (lexed.Outcome != ParseOutcome.Value)
            return new LiteralParseResult(null, lexed.Diagnostics, lexed.Outcome, lexed.ErrorMessage, lexed.PanicMessage);

        var trees = lexed.Stream!.AsSpan();
        var index = 0;
        var minus = trees.Length > 0 && trees[0] is Punct { Char: '-' };
        if (minus) index++;
        if (index >= trees.Length || trees[index] is not Literal literal)
            return Failure(lexed, "not a literal");

        var firstStart = trees[0].Span.Start;
        if (firstStart != 0 || literal.Span.End != (uint)Encoding.UTF8.GetByteCount(text))
            return Failure(lexed, "comment or whitespace around literal");

        var symbol = literal.Symbol;
        if (minus)
        {
            if (trees[0].Span.End != literal.Span.Start)
                return Failure(lexed, "comment or whitespace after minus");
            if (literal.Kind is not (LiteralKind.Integer or LiteralKind.Float))
                return Failure(lexed, "non-numeric literal may not be negated");
            symbol = Symbol.Intern("-" + symbol.Text);
        }
        var result = new Literal(literal.Kind, literal.Hashes, symbol, literal.Suffix, span);
        return new LiteralParseResult(result, lexed.Diagnostics, ParseOutcome.Value, null);
    }

    private static LiteralParseResult Failure(TokenStreamParseResult lexed, string message) =>
        new(null, lexed.Diagnostics, ParseOutcome.Error, message);
}
