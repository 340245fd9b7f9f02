namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// The deliberate differences between our server and the reference, each a row of
/// DIVERGENCES.md at the repository root. A test case declares the ones it shows; the comparison
/// then accepts exactly that difference and nothing else (see <see cref="ResponseComparer"/>),
/// and fails if a declared divergence does not show.
/// </summary>
internal enum Divergence
{
    /// <summary>
    /// A dylib that cannot be loaded: both say <c>Cannot create expander for &lt;path&gt;: </c> (after
    /// <c>failed to load macro: </c> for <c>ExpandMacro</c>); the reason after it is the reference's OS
    /// or object-file error, and ours is our inspection's reason.
    /// </summary>
    LoadErrorReason,

    /// <summary>
    /// RustAnalyzer mode only: tokens a macro parses from a string (<c>TokenStream::from_str</c>,
    /// which quote uses for literals) get, on the reference, the call site's file, anchor and
    /// context with the token's byte range inside the string; ours get the call-site span itself,
    /// as rustc gives them.
    /// </summary>
    FromStrSpans,

    /// <summary>
    /// Puncts parsed from a string: the reference makes a punct Joint when a delimiter or a
    /// lifetime follows it directly (<c>concat!(</c>, <c>&amp;'a</c>); rustc, and we, make it Alone
    /// (rustc's lexer counts only operator tokens for jointness).
    /// </summary>
    FromStrSpacing,

    /// <summary>
    /// <c>Literal::from_str</c> of a negative number: the reference splits symbol and suffix one
    /// character too early (<c>-7i64</c> → symbol <c>-</c>, suffix <c>7i64</c>); ours splits as rustc does
    /// (symbol <c>-7</c>, suffix <c>i64</c>).
    /// </summary>
    NegativeLiteralSplit,

    /// <summary>
    /// <c>TokenStream::to_string</c> (and <c>Display</c> of token trees): the reference writes
    /// rust-analyzer's simple spacing (<c>c (d , e)[f]{g ;}</c>); ours writes rustc's layout
    /// (<c>c(d, e) [f] { g; }</c>). Same tokens, different whitespace.
    /// </summary>
    ToStringLayout,

    /// <summary>
    /// The message of a <c>LexError</c>: the reference says <c>cannot parse string into literal</c> or
    /// <c>failed to parse str to token stream: Unexpected '}'</c>; ours are rustc's
    /// (<c>not a literal</c>, <c>unexpected closing delimiter: `}`</c>, …).
    /// </summary>
    LexErrorText,

    /// <summary>
    /// Doc comments parsed from a string: the reference strips only two characters of the opener,
    /// so <c>/// text</c> becomes <c>#[doc = "/ text"]</c>; rustc, and we, strip all three
    /// (<c>" text"</c>).
    /// </summary>
    DocCommentFromStr,

    /// <summary>
    /// A macro's <c>println!</c>: the reference writes it into the protocol stream (clients skip
    /// the line because it does not start with <c>{</c>); ours sends it to stderr. The response
    /// lines themselves are identical.
    /// </summary>
    MacroStdout,

    /// <summary>
    /// Before rustc 1.95 the bridge's <c>TokenStream::from_str</c> cannot return an error: rustc
    /// aborts the compilation, so the macro fails; we fail the expansion with rustc's message.
    /// rustc 1.85's reference server instead lexes the text leniently and the macro goes on.
    /// </summary>
    LexErrorOnOldBridge,
}

internal static class DivergenceExtensions
{
    /// <summary>Whether the divergence can show in a response of a connection in <paramref name="mode"/>.</summary>
    public static bool AppliesTo(this Divergence divergence, Protocol.SpanMode mode) =>
        divergence != Divergence.FromStrSpans || mode == Protocol.SpanMode.RustAnalyzer;

    /// <summary>True for divergences in the response line itself (false: elsewhere on stdout).</summary>
    public static bool IsInResponse(this Divergence divergence) => divergence != Divergence.MacroStdout;

    // (LexErrorOnOldBridge is judged by TokenComparer only.)

    /// <summary>True for divergences normalised inside an expansion's token tree.</summary>
    public static bool IsInTree(this Divergence divergence) =>
        divergence is not (Divergence.LoadErrorReason or Divergence.MacroStdout);
}
