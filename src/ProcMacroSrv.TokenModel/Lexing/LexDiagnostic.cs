namespace ProcMacroSrv.TokenModel.Lexing;

/// <summary>How rustc deals with a lexing error, which decides what a proc macro observes.</summary>
public enum LexDiagnosticKind : byte
{
    /// <summary>
    /// rustc reports the error to the user but still hands the tokens to the macro (with
    /// recovery: an erroneous literal becomes <see cref="LiteralKind.Err"/>, an unknown
    /// character is dropped). The compilation fails later.
    /// </summary>
    Emitted = 0,

    /// <summary>The parse returns <c>Err</c> with this message (unbalanced delimiters).</summary>
    Returned = 1,

    /// <summary>
    /// rustc aborts at this error (unterminated literals and comments); inside a proc macro
    /// the parse call panics instead of returning.
    /// </summary>
    Fatal = 2,
}

/// <summary>One error found while lexing, with rustc's primary message.</summary>
/// <param name="Message">rustc's message, for example <c>unknown start of token: \u{20ac}</c>.</param>
/// <param name="StartByte">Start of the offending text, as a UTF-8 byte offset into the input.</param>
/// <param name="EndByte">End (exclusive) of the offending text.</param>
/// <param name="Kind">What rustc does with the error.</param>
public readonly record struct LexDiagnostic(string Message, int StartByte, int EndByte, LexDiagnosticKind Kind);

/// <summary>The overall outcome of a parse, as the proc macro observes it.</summary>
public enum ParseOutcome : byte
{
    /// <summary>The macro receives a value (possibly with <see cref="LexDiagnosticKind.Emitted"/> errors reported beside it).</summary>
    Value = 0,

    /// <summary>The macro receives <c>Err</c> carrying <see cref="TokenStreamParseResult.ErrorMessage"/>.</summary>
    Error = 1,

    /// <summary>The call panics inside the macro (rustc aborts, or hits an internal error).</summary>
    Panic = 2,
}

/// <summary>The result of <see cref="TokenStreamParser.Parse"/>.</summary>
public sealed class TokenStreamParseResult
{
    /// <summary>The message of rustc's own panic when a parse returns only diagnostics without a plain message.</summary>
    internal const string NoDiagnosticMessage = "no diagnostic has a message";

    internal TokenStreamParseResult(TokenStream? stream, IReadOnlyList<LexDiagnostic> diagnostics, ParseOutcome outcome, string? errorMessage,
        string? panicMessage = null)
    {
        Stream = stream;
        Diagnostics = diagnostics;
        Outcome = outcome;
        ErrorMessage = errorMessage;
        PanicMessage = panicMessage;
    }

    /// <summary>The tokens, when the outcome is <see cref="ParseOutcome.Value"/>; otherwise null.</summary>
    public TokenStream? Stream { get; }

    /// <summary>Every error, in the order rustc reports them.</summary>
    public IReadOnlyList<LexDiagnostic> Diagnostics { get; }

    /// <summary>What the macro observes.</summary>
    public ParseOutcome Outcome { get; }

    /// <summary>
    /// For <see cref="ParseOutcome.Error"/>, the exact string rustc returns; for
    /// <see cref="ParseOutcome.Panic"/>, the message of the error that causes it.
    /// Null for a value.
    /// </summary>
    public string? ErrorMessage { get; }

    /// <summary>
    /// For <see cref="ParseOutcome.Panic"/>, what the macro's panic carries: a message when rustc
    /// itself panics (<c>no diagnostic has a message</c>), null when rustc aborts on a fatal
    /// error and unwinds with its marker, which the macro sees as a non-string payload.
    /// </summary>
    public string? PanicMessage { get; }

    /// <summary>True when the input lexed without any error.</summary>
    public bool IsSuccess => Outcome == ParseOutcome.Value && Diagnostics.Count == 0;
}

/// <summary>Makes the span of a token from its UTF-8 byte range in the parsed text.</summary>
/// <param name="startByte">Start byte offset (inclusive).</param>
/// <param name="endByte">End byte offset (exclusive).</param>
public delegate Span SpanFactory(int startByte, int endByte);
