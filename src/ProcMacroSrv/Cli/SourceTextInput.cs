using System.Text;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Cli;

/// <summary>
/// A macro input given as Rust text, lexed the way rustc lexes the inside of a macro call in a
/// source file, with spans that point into that text: <c>Span::line</c>, <c>column</c>,
/// <c>byte_range</c> and <c>source_text</c> answer from it as rustc answers from a file. This is
/// what the CLI's <c>expand</c> does with <c>--input</c>, and what the conformance tests compare
/// with rustc (see CONFORMANCE.md).
/// </summary>
public sealed class SourceTextInput
{
    /// <summary>File index of the macro input text.</summary>
    public const uint InputFile = 0;

    /// <summary>File index of an attribute macro's argument text.</summary>
    public const uint AttributeFile = 1;

    // rustc gives the global spans the expansion's own hygiene (a syntax context of their own,
    // different for each of them and from the root context of the input's tokens), so a macro
    // can tell them from input tokens by `{:?}` and by hygiene. Any non-root contexts will do.
    private const uint CallSiteContext = 1;
    private const uint MixedSiteContext = 2;
    private const uint DefSiteContext = 3;

    private SourceTextInput(TokenStream input, TokenStream? attributes, SourceTextSpanSemantics spans)
    {
        Input = input;
        Attributes = attributes;
        Spans = spans;
    }

    /// <summary>The macro input's tokens.</summary>
    public TokenStream Input { get; }

    /// <summary>An attribute macro's arguments, when given.</summary>
    public TokenStream? Attributes { get; }

    /// <summary>The span semantics over the input (and attribute) text, with the global spans.</summary>
    public SourceTextSpanSemantics Spans { get; }

    /// <summary>
    /// The text as rustc holds a source file (<see cref="TokenStreamParser.NormalizeSource"/>):
    /// the spans' byte offsets, lines and source text count in the result.
    /// </summary>
    public static string NormalizeSource(string text) => TokenStreamParser.NormalizeSource(text);

    /// <summary>
    /// Lexes <paramref name="text"/> (and <paramref name="attributeText"/>). Returns null when the
    /// text does not lex cleanly; each problem is passed to <paramref name="reportError"/> first.
    /// </summary>
    /// <param name="text">The macro input (normalized with <see cref="NormalizeSource"/> first).</param>
    /// <param name="inputPath">The file the input came from, if any: what <c>Span::local_file</c> answers.</param>
    /// <param name="attributeText">An attribute macro's arguments, or null.</param>
    /// <param name="reportError">Receives one line per problem.</param>
    public static SourceTextInput? TryLex(string text, string? inputPath, string? attributeText, Action<string> reportError)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(reportError);
        text = NormalizeSource(text);
        if (attributeText is not null) attributeText = NormalizeSource(attributeText);

        if (!TryLex(text, InputFile, "input", reportError, out var input)) return null;
        TokenStream? attributes = null;
        if (attributeText is not null && !TryLex(attributeText, AttributeFile, "--attr", reportError, out attributes)) return null;

        // The call site covers the whole input: what rustc would point at for the invocation.
        var length = (uint)Encoding.UTF8.GetByteCount(text);
        var files = new Dictionary<uint, SourceFileText>
        {
            [InputFile] = new(inputPath ?? "<input>", text, inputPath),
            [AttributeFile] = new("<attr>", attributeText ?? string.Empty),
        };
        var spans = new SourceTextSpanSemantics(
            Span.InFile(InputFile, 0, length, DefSiteContext),
            Span.InFile(InputFile, 0, length, CallSiteContext),
            Span.InFile(InputFile, 0, length, MixedSiteContext),
            files);
        return new SourceTextInput(input!, attributes, spans);
    }

    /// <summary>The request to expand <paramref name="macroName"/> on this input.</summary>
    public ExpansionRequest Request(string macroName) => new(macroName, Input, Spans) { Attributes = Attributes };

    private static bool TryLex(string text, uint file, string what, Action<string> reportError, out TokenStream? stream)
    {
        // A macro's input sits inside a call in a file: there is no shebang to skip.
        var parsed = TokenStreamParser.Parse(text, (start, end) => Span.InFile(file, (uint)start, (uint)end),
            ParseOptions.Default with { SkipShebang = false });
        stream = parsed.Stream;
        if (parsed.IsSuccess) return true;
        foreach (var d in parsed.Diagnostics) reportError($"cannot lex the {what}: {d.Message} (at bytes {d.StartByte}..{d.EndByte})");
        if (parsed.Diagnostics.Count == 0) reportError($"cannot lex the {what}: {parsed.ErrorMessage}");
        return false;
    }
}
