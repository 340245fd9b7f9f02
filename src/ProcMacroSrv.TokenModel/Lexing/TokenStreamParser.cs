using System.Globalization;
using System.Text;
using ProcMacroSrv.TokenModel.Literals;

namespace ProcMacroSrv.TokenModel.Lexing;

/// <summary>Options for <see cref="TokenStreamParser.Parse"/>.</summary>
/// <param name="Edition">
/// The edition rustc lexes the text in: that of the expansion's call-site span, which is the
/// edition of the proc-macro crate itself (checked against rustc 1.95), not of its caller.
/// </param>
/// <param name="SkipShebang">
/// Skip a leading shebang line, as rustc does for <c>TokenStream::from_str</c> and at the start
/// of a file. Text that stands for tokens in the middle of a file (a macro's input) has none.
/// </param>
public sealed record ParseOptions(Edition Edition = Edition.Edition2021, bool SkipShebang = true)
{
    /// <summary>Edition 2021, the default.</summary>
    public static ParseOptions Default { get; } = new();
}

/// <summary>
/// <c>TokenStream::from_str</c> as rustc's proc-macro server implements it: rustc_lexer's
/// token rules, rustc_parse's cooking (literal checks, doc comments, error recovery) and
/// token-tree building, in our token model: operators split into single-character puncts,
/// lifetimes into <c>'</c> and an ident (both with the lifetime's span, as rustc gives them),
/// doc comments into <c>#</c>, <c>!</c> and <c>[doc = "…"]</c> that remember their
/// <see cref="DocComment"/>. Every token gets the <see cref="Spacing"/> rustc's lexer gives it
/// (<see cref="Spacing.JointHidden"/> before a touching non-punct) and every group its
/// <see cref="DelimSpacing"/>. The text is normalized as rustc normalizes every source
/// (<see cref="NormalizeSource"/>), and a leading shebang line is skipped unless
/// <see cref="ParseOptions.SkipShebang"/> says otherwise; frontmatter is not.
/// </summary>
/// <remarks>
/// Groups are built with an explicit stack, so nesting depth is bounded by memory, not by
/// the call stack. Nothing throws on any input.
/// </remarks>
public static class TokenStreamParser
{
    /// <summary>Parses <paramref name="source"/>; spans are made by <paramref name="spanFactory"/> from UTF-8 byte offsets.</summary>
    public static TokenStreamParseResult Parse(string source, SpanFactory spanFactory, ParseOptions? options = null)
    {
        options ??= ParseOptions.Default;
        return new Cooker(NormalizeSource(source), spanFactory, options).BuildTrees();
    }

    /// <summary>
    /// The text as rustc holds any source, a file or a string given to <c>from_str</c>
    /// (<c>SourceFile::new</c>'s <c>normalize_src</c>): a leading byte order mark removed and
    /// every <c>\r\n</c> turned into <c>\n</c>. Byte offsets (and so spans) count in the result.
    /// </summary>
    public static string NormalizeSource(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        // Replace returns the same instance when there is nothing to replace.
        return text.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    internal enum CookedKind : byte { Punct, Ident, Lifetime, Literal, DocComment, Open, Close, Eof }

    /// <summary>A token after cooking: what rustc_parse's lexer hands to the tree builder.</summary>
    internal struct Cooked
    {
        public CookedKind Kind;
        public char Char;
        public Delimiter Delimiter;
        public Symbol Name;
        public bool IsRaw;
        public LiteralKind LiteralKind;
        public byte Hashes;
        public Symbol Symbol;
        public Symbol? Suffix;
        public bool InnerDoc;
        public bool DocIsBlock;
        public string? DocText;
        public int Start;
        public int End;
        public int StartByte;
        public int EndByte;
        public bool PrecededByWhitespace;

        public readonly bool IsPunct => Kind == CookedKind.Punct;
    }

    /// <summary>
    /// Thrown inside the cooker only, to unwind to <see cref="Cooker.BuildTrees"/> at a fatal
    /// error: rustc abandons the parse at that point too, and such errors are rare enough that
    /// unwinding beats threading a failure through every cooking step. It never escapes.
    /// </summary>
    private sealed class FatalLexError : Exception
    {
    }

    /// <summary>The cooking step and the tree builder, over one input.</summary>
    internal sealed class Cooker
    {
        private readonly string _src;
        private readonly SpanFactory _span;
        private readonly Edition _edition;
        private RawLexer _lexer;
        private readonly List<LexDiagnostic> _diagnostics = [];
        private bool _nbspIsWhitespace;
        private int _swallowInvalid;

        // Incremental UTF-16 index to UTF-8 offset conversion. Tokens are converted in order, and
        // positions inside the current token are counted from its start, so the whole input is
        // converted in linear time.
        private int _cachedIndex;
        private int _cachedByte;
        private int _tokenIndex;
        private int _tokenByte;

        public Cooker(string src, SpanFactory span, ParseOptions options)
        {
            _src = src;
            _span = span;
            _edition = options.Edition;
            var start = options.SkipShebang ? RawLexer.ShebangLength(src) : 0;
            _lexer = new RawLexer(src, start);
        }

        public int ByteOffset(int index)
        {
            if (index < _cachedIndex)
            {
                (_cachedIndex, _cachedByte) = index >= _tokenIndex ? (_tokenIndex, _tokenByte) : (0, 0);
            }
            var bytes = _cachedByte;
            for (var i = _cachedIndex; i < index; i++)
            {
                var c = _src[i];
                if (c < 0x80) bytes += 1;
                else if (c < 0x800) bytes += 2;
                else if (char.IsHighSurrogate(c) && i + 1 < _src.Length && char.IsLowSurrogate(_src[i + 1])) { bytes += 4; i++; }
                else bytes += 3;
            }
            _cachedIndex = index;
            _cachedByte = bytes;
            return bytes;
        }

        private void Report(string message, int start, int end, LexDiagnosticKind kind = LexDiagnosticKind.Emitted)
        {
            _diagnostics.Add(new LexDiagnostic(message, ByteOffset(start), ByteOffset(end), kind));
            if (kind == LexDiagnosticKind.Fatal) throw new FatalLexError();
        }

        /// <summary>Builds the token trees; the public entry point.</summary>
        public TokenStreamParseResult BuildTrees()
        {
            try
            {
                return BuildTreesCore();
            }
            catch (FatalLexError)
            {
                var fatal = _diagnostics[^1];
                return new TokenStreamParseResult(null, _diagnostics, ParseOutcome.Panic, fatal.Message);
            }
        }

        private sealed class Frame(Delimiter delimiter, int openStartByte, int openEndByte, Spacing openSpacing)
        {
            public readonly Delimiter Delimiter = delimiter;
            public readonly int OpenStartByte = openStartByte;
            public readonly int OpenEndByte = openEndByte;
            public readonly Spacing OpenSpacing = openSpacing;
            public readonly List<TokenTree> Trees = [];
        }

        /// <summary>
        /// rustc's spacing of a token from the token after it (<c>bump</c> and
        /// <c>calculate_spacing</c>): Alone after whitespace or a comment and at the end,
        /// Joint before a punct, JointHidden before anything else that touches it.
        /// </summary>
        private static Spacing SpacingBefore(in Cooked next) =>
            next.PrecededByWhitespace || next.Kind == CookedKind.Eof ? Spacing.Alone
            : next.IsPunct ? Spacing.Joint
            : Spacing.JointHidden;

        private TokenStreamParseResult BuildTreesCore()
        {
            var root = new List<TokenTree>();
            var frames = new Stack<Frame>();
            string? firstMismatch = null;
            var lastMismatchAt = -1;
            var token = NextCooked();
            while (true)
            {
                var trees = frames.Count == 0 ? root : frames.Peek().Trees;
                switch (token.Kind)
                {
                    case CookedKind.Open:
                    {
                        var first = NextCooked();
                        frames.Push(new Frame(token.Delimiter, token.StartByte, token.EndByte, SpacingBefore(first)));
                        token = first;
                        continue;
                    }

                    case CookedKind.Close:
                        if (frames.Count == 0)
                        {
                            var message = "unexpected closing delimiter: `" + token.Char + "`";
                            Report(message, token.Start, token.End, LexDiagnosticKind.Returned);
                            return new TokenStreamParseResult(null, _diagnostics, ParseOutcome.Error, message);
                        }
                        var top = frames.Pop();
                        var parent = frames.Count == 0 ? root : frames.Peek().Trees;
                        if (top.Delimiter == token.Delimiter)
                        {
                            var after = NextCooked();
                            parent.Add(MakeGroup(top, token.StartByte, token.EndByte, SpacingBefore(after)));
                            token = after;
                            continue;
                        }
                        // rustc does not compute the spacing after a mismatched closer ("the
                        // choice of value here doesn't matter"): the parse fails anyway.
                        parent.Add(MakeGroup(top, token.StartByte, token.EndByte, Spacing.Alone));
                        // A closer that does not match: rustc records the mismatch once per
                        // closer, ends the innermost group there, and lets the closer close an
                        // outer group too when one of them has its kind.
                        if (lastMismatchAt != token.Start)
                        {
                            lastMismatchAt = token.Start;
                            var message = "mismatched closing delimiter: `" + token.Char + "`";
                            firstMismatch ??= message;
                            _diagnostics.Add(new LexDiagnostic(message, token.StartByte, token.EndByte, LexDiagnosticKind.Returned));
                        }
                        var closesOuter = false;
                        foreach (var f in frames)
                            if (f.Delimiter == token.Delimiter) { closesOuter = true; break; }
                        if (!closesOuter) token = NextCooked();
                        continue;

                    case CookedKind.Eof:
                        if (frames.Count > 0)
                        {
                            const string message = "this file contains an unclosed delimiter";
                            Report(message, token.Start, token.End, LexDiagnosticKind.Returned);
                            return new TokenStreamParseResult(null, _diagnostics, ParseOutcome.Error, message);
                        }
                        if (firstMismatch != null)
                        {
                            // rustc 1.95 returns the mismatch diagnostics, which carry no plain
                            // message, and then panics with "no diagnostic has a message".
                            return new TokenStreamParseResult(null, _diagnostics, ParseOutcome.Panic, firstMismatch,
                                TokenStreamParseResult.NoDiagnosticMessage);
                        }
                        return new TokenStreamParseResult(TokenStream.Adopt(root.ToArray()), _diagnostics, ParseOutcome.Value, null);

                    default:
                        var next = NextCooked();
                        Append(trees, token, SpacingBefore(next));
                        token = next;
                        continue;
                }
            }
        }

        private Group MakeGroup(Frame frame, int closeStartByte, int closeEndByte, Spacing closeSpacing)
        {
            var open = _span(frame.OpenStartByte, frame.OpenEndByte);
            var close = _span(closeStartByte, closeEndByte);
            var entire = _span(frame.OpenStartByte, closeEndByte);
            return new Group(frame.Delimiter, TokenStream.Adopt(frame.Trees.ToArray()), new DelimSpan(open, close, entire),
                new DelimSpacing(frame.OpenSpacing, closeSpacing));
        }

        private static readonly Symbol DocSymbol = Symbol.Intern("doc");

        private void Append(List<TokenTree> trees, in Cooked token, Spacing spacing)
        {
            switch (token.Kind)
            {
                case CookedKind.Punct:
                    trees.Add(new Punct(token.Char, spacing, _span(token.StartByte, token.EndByte)));
                    break;
                case CookedKind.Ident:
                    trees.Add(new Ident(token.Name, token.IsRaw, _span(token.StartByte, token.EndByte), spacing));
                    break;
                case CookedKind.Lifetime:
                {
                    // rustc's lifetime is one token; the bridge splits it into a joint `'` and
                    // the name, both with the lifetime's span. The name carries its spacing.
                    var span = _span(token.StartByte, token.EndByte);
                    trees.Add(new Punct('\'', Spacing.Joint, span));
                    trees.Add(new Ident(token.Name, token.IsRaw, span, spacing));
                    break;
                }
                case CookedKind.Literal:
                    trees.Add(new Literal(token.LiteralKind, token.Hashes, token.Symbol, token.Suffix, _span(token.StartByte, token.EndByte), spacing));
                    break;
                case CookedKind.DocComment:
                {
                    // The trees the bridge makes of a doc comment (all Alone), marked with the
                    // comment so that the printer prints it as rustc does while they stay together;
                    // the comment's own spacing is the group's closing spacing.
                    var span = _span(token.StartByte, token.EndByte);
                    var doc = new DocComment(token.DocIsBlock, token.InnerDoc, token.DocText!);
                    trees.Add(new Punct('#', Spacing.Alone, span) { DocComment = doc });
                    if (token.InnerDoc) trees.Add(new Punct('!', Spacing.Alone, span) { DocComment = doc });
                    TokenTree[] inner =
                    [
                        new Ident(DocSymbol, false, span),
                        new Punct('=', Spacing.Alone, span),
                        new Literal(LiteralKind.Str, 0, token.Symbol, null, span),
                    ];
                    trees.Add(new Group(Delimiter.Bracket, TokenStream.Adopt(inner), DelimSpan.Single(span), new DelimSpacing(Spacing.Alone, spacing))
                    {
                        DocComment = doc,
                    });
                    break;
                }
            }
        }

        /// <summary>The next cooked token, skipping whitespace and plain comments (rustc's <c>next_token_from_cursor</c>).</summary>
        public Cooked NextCooked()
        {
            var precededByWhitespace = false;
            // Repeats of an unknown character are counted per call, as rustc does.
            _swallowInvalid = 0;
            while (true)
            {
                var start = _lexer.Position;
                var raw = _lexer.Next();
                var end = start + raw.Length;
                var startByte = ByteOffset(start);
                _tokenIndex = start;
                _tokenByte = startByte;
                var cooked = new Cooked { Start = start, End = end, StartByte = startByte };
                switch (raw.Kind)
                {
                    case RawKind.LineComment:
                        if (raw.DocStyle == DocStyle.None) { precededByWhitespace = true; continue; }
                        CookDocComment(ref cooked, start + 3, end, raw.DocStyle, block: false);
                        break;
                    case RawKind.BlockComment:
                        if (!raw.Terminated)
                            Report(raw.DocStyle == DocStyle.None ? "unterminated block comment" : "unterminated block doc-comment",
                                start, end, LexDiagnosticKind.Fatal);
                        if (raw.DocStyle == DocStyle.None) { precededByWhitespace = true; continue; }
                        CookDocComment(ref cooked, start + 3, end - 2, raw.DocStyle, block: true);
                        break;
                    case RawKind.Whitespace:
                        precededByWhitespace = true;
                        continue;
                    case RawKind.Ident:
                        MakeIdent(ref cooked, start, end);
                        break;
                    case RawKind.RawIdent:
                    {
                        var name = NfcSymbol(start + 2, end);
                        if (!RustIdentifier.CanBeRaw(name.Text))
                            Report("`" + name.Text + "` cannot be a raw identifier", start, end);
                        cooked.Kind = CookedKind.Ident;
                        cooked.Name = name;
                        cooked.IsRaw = true;
                        break;
                    }
                    case RawKind.UnknownPrefix:
                        ReportUnknownPrefix(start, end);
                        MakeIdent(ref cooked, start, end);
                        break;
                    case RawKind.UnknownPrefixLifetime:
                        ReportUnknownPrefix(start, end);
                        cooked.Kind = CookedKind.Lifetime;
                        // rustc keeps this name as written, without normalization.
                        cooked.Name = Symbol.Intern(_src.AsSpan(start + 1, end - start - 1));
                        break;
                    case RawKind.InvalidIdent:
                        MakeIdent(ref cooked, start, end);
                        Report("identifiers cannot contain emoji: `" + cooked.Name.Text + "`", start, end);
                        break;
                    case RawKind.Literal when raw.LiteralKind is RawLiteralKind.CStr or RawLiteralKind.RawCStr && _edition < Edition.Edition2021:
                    {
                        // Before 2021, `c"…"` is the identifier `c` followed by a string.
                        var prefixLength = raw.LiteralKind == RawLiteralKind.CStr ? 1 : 2;
                        _lexer.Reset(start + prefixLength);
                        cooked.End = start + prefixLength;
                        MakeIdent(ref cooked, start, start + prefixLength);
                        break;
                    }
                    case RawKind.GuardedStrPrefix:
                        if (!CookGuardedString(ref cooked, start)) { precededByWhitespace = true; continue; }
                        break;
                    case RawKind.Literal:
                        CookLiteral(ref cooked, raw, start, end);
                        break;
                    case RawKind.Lifetime:
                    {
                        if (raw.StartsWithNumber) Report("lifetimes cannot start with a number", start, end);
                        cooked.Kind = CookedKind.Lifetime;
                        cooked.Name = NfcSymbol(start + 1, end);
                        break;
                    }
                    case RawKind.RawLifetime:
                        CookRawLifetime(ref cooked, start, end);
                        break;
                    case RawKind.OpenParen: Delim(ref cooked, CookedKind.Open, Delimiter.Parenthesis, '('); break;
                    case RawKind.CloseParen: Delim(ref cooked, CookedKind.Close, Delimiter.Parenthesis, ')'); break;
                    case RawKind.OpenBrace: Delim(ref cooked, CookedKind.Open, Delimiter.Brace, '{'); break;
                    case RawKind.CloseBrace: Delim(ref cooked, CookedKind.Close, Delimiter.Brace, '}'); break;
                    case RawKind.OpenBracket: Delim(ref cooked, CookedKind.Open, Delimiter.Bracket, '['); break;
                    case RawKind.CloseBracket: Delim(ref cooked, CookedKind.Close, Delimiter.Bracket, ']'); break;
                    case RawKind.Unknown:
                        if (!CookUnknown(start)) { precededByWhitespace = true; continue; }
                        break;
                    case RawKind.Eof:
                        cooked.Kind = CookedKind.Eof;
                        break;
                    default:
                        cooked.Kind = CookedKind.Punct;
                        cooked.Char = _src[start];
                        break;
                }
                cooked.PrecededByWhitespace = precededByWhitespace;
                cooked.EndByte = ByteOffset(cooked.End);
                return cooked;
            }
        }

        private static void Delim(ref Cooked cooked, CookedKind kind, Delimiter delimiter, char ch)
        {
            cooked.Kind = kind;
            cooked.Delimiter = delimiter;
            cooked.Char = ch;
        }

        // An identifier's symbol in NFC. ASCII text is in NFC already and is interned from the
        // source without a string of its own (from_str runs on every such RPC).
        private Symbol NfcSymbol(int start, int end)
        {
            var text = _src.AsSpan(start, end - start);
            return Ascii.IsValid(text) ? Symbol.Intern(text) : Symbol.Intern(RustIdentifier.NormalizeNfc(text.ToString()));
        }

        private void MakeIdent(ref Cooked cooked, int start, int end)
        {
            cooked.Kind = CookedKind.Ident;
            cooked.Name = NfcSymbol(start, end);
        }

        private void ReportUnknownPrefix(int start, int end)
        {
            // Before 2021 a reserved prefix is only a lint; the tokens are the same.
            if (_edition >= Edition.Edition2021)
                Report("prefix `" + _src[start..end] + "` is unknown", start, end);
        }

        private void CookDocComment(ref Cooked cooked, int contentStart, int contentEnd, DocStyle style, bool block)
        {
            var content = _src.Substring(contentStart, Math.Max(0, contentEnd - contentStart));
            for (var i = content.IndexOf('\r'); i >= 0; i = content.IndexOf('\r', i + 1))
                Report(block ? "bare CR not allowed in block doc-comment" : "bare CR not allowed in doc-comment",
                    contentStart + i, contentStart + i + 1);
            cooked.Kind = CookedKind.DocComment;
            cooked.InnerDoc = style == DocStyle.Inner;
            cooked.DocIsBlock = block;
            cooked.DocText = content;
            cooked.Symbol = Symbol.Intern(LiteralEscapes.EscapeDebug(content));
        }

        private void CookRawLifetime(ref Cooked cooked, int start, int end)
        {
            cooked.Kind = CookedKind.Lifetime;
            if (_edition < Edition.Edition2021)
            {
                // Before 2021, `'r#a` is the lifetime `'r`, then `#`, then `a`.
                _lexer.Reset(start + 2);
                cooked.End = start + 2;
                cooked.Name = Symbol.Intern("r");
                return;
            }
            if (end < _src.Length && _src[end] == '\'')
                Report("character literal may only contain one codepoint", start, end + 1);
            var name = _src.Substring(start + 3, end - start - 3);
            if (!RustIdentifier.CanBeRaw(name)) Report("`" + name + "` cannot be a raw lifetime", start, end);
            cooked.Name = Symbol.Intern(RustIdentifier.NormalizeNfc(name));
            cooked.IsRaw = true;
        }

        // Returns false when the prefix yields no token of its own (never: before 2024 it is `#`).
        private bool CookGuardedString(ref Cooked cooked, int start)
        {
            if (_edition < Edition.Edition2024)
            {
                // Before 2024, `#"` and `##` are lexed again from the second character.
                _lexer.Reset(start + 1);
                cooked.End = start + 1;
                cooked.Kind = CookedKind.Punct;
                cooked.Char = '#';
                return true;
            }
            var probe = new RawLexer(_src, start);
            var guarded = probe.GuardedDoubleQuotedString();
            int end;
            if (guarded is { } g)
            {
                end = start + g.Length;
                _lexer.Reset(end);
                if (!g.Terminated)
                    Report("unterminated double quote string", start + g.Hashes, end, LexDiagnosticKind.Fatal);
                Report("invalid string literal", start, end);
            }
            else
            {
                end = cooked.End;
                Report("reserved multi-hash token is forbidden", start, end);
            }
            cooked.End = end;
            cooked.Kind = CookedKind.Literal;
            cooked.LiteralKind = LiteralKind.Err;
            cooked.Symbol = Symbol.Intern(_src.AsSpan(start, end - start));
            return true;
        }

        // Returns true when the unknown character yields a token (never: rustc would substitute
        // confusable look-alikes, which is not reproduced; the character is dropped).
        private bool CookUnknown(int start)
        {
            if (_swallowInvalid > 0)
            {
                _swallowInvalid--;
                return false;
            }
            var c = char.ConvertToUtf32OrReplacement(_src, start, out var width);
            if (c == 0xA0)
            {
                if (_nbspIsWhitespace) return false;
                _nbspIsWhitespace = true;
            }
            // A run of the same character is reported once.
            var repeats = 0;
            var next = start + width;
            while (next < _src.Length && char.ConvertToUtf32OrReplacement(_src, next, out var w) == c)
            {
                repeats++;
                next += w;
            }
            _swallowInvalid = repeats;
            Report("unknown start of token: " + LiteralEscapes.EscapedChar(c), start, next);
            return false;
        }

        private void CookLiteral(ref Cooked cooked, RawToken raw, int start, int end)
        {
            var suffixStart = start + raw.SuffixStart;
            cooked.Kind = CookedKind.Literal;
            switch (raw.LiteralKind)
            {
                case RawLiteralKind.Char:
                    if (!raw.Terminated) Report("unterminated character literal", start, suffixStart, LexDiagnosticKind.Fatal);
                    CookQuoted(ref cooked, LiteralKind.Char, EscapeMode.Char, start, suffixStart, 1, 1, 0);
                    break;
                case RawLiteralKind.Byte:
                    if (!raw.Terminated) Report("unterminated byte constant", start + 1, suffixStart, LexDiagnosticKind.Fatal);
                    CookQuoted(ref cooked, LiteralKind.Byte, EscapeMode.Byte, start, suffixStart, 2, 1, 0);
                    break;
                case RawLiteralKind.Str:
                    if (!raw.Terminated) Report("unterminated double quote string", start, suffixStart, LexDiagnosticKind.Fatal);
                    CookQuoted(ref cooked, LiteralKind.Str, EscapeMode.Str, start, suffixStart, 1, 1, 0);
                    break;
                case RawLiteralKind.ByteStr:
                    if (!raw.Terminated) Report("unterminated double quote byte string", start + 1, suffixStart, LexDiagnosticKind.Fatal);
                    CookQuoted(ref cooked, LiteralKind.ByteStr, EscapeMode.ByteStr, start, suffixStart, 2, 1, 0);
                    break;
                case RawLiteralKind.CStr:
                    if (!raw.Terminated) Report("unterminated C string", start + 1, suffixStart, LexDiagnosticKind.Fatal);
                    CookQuoted(ref cooked, LiteralKind.CStr, EscapeMode.CStr, start, suffixStart, 2, 1, 0);
                    break;
                case RawLiteralKind.RawStr:
                    CookRaw(ref cooked, raw, LiteralKind.StrRaw, EscapeMode.RawStr, start, suffixStart, 1);
                    break;
                case RawLiteralKind.RawByteStr:
                    CookRaw(ref cooked, raw, LiteralKind.ByteStrRaw, EscapeMode.RawByteStr, start, suffixStart, 2);
                    break;
                case RawLiteralKind.RawCStr:
                    CookRaw(ref cooked, raw, LiteralKind.CStrRaw, EscapeMode.RawCStr, start, suffixStart, 2);
                    break;
                case RawLiteralKind.Int:
                    CookInteger(ref cooked, raw, start, suffixStart);
                    break;
                case RawLiteralKind.Float:
                    CookFloat(ref cooked, raw, start, suffixStart);
                    break;
            }

            if (suffixStart < end)
            {
                if (end - suffixStart == 1 && _src[suffixStart] == '_')
                    Report("underscore literal suffix is not allowed", suffixStart, end);
                else
                    cooked.Suffix = Symbol.Intern(_src.AsSpan(suffixStart, end - suffixStart));
            }
        }

        private void CookRaw(ref Cooked cooked, RawToken raw, LiteralKind kind, EscapeMode mode, int start, int suffixStart, int prefixLength)
        {
            if (raw.Hashes < 0)
            {
                var probe = new RawLexer(_src, start + prefixLength);
                var problem = probe.RawDoubleQuotedString(out _, out var found, out var badChar);
                var message = problem switch
                {
                    RawStrProblem.InvalidStarter =>
                        "found invalid character; only `#` is allowed in raw string delimitation: " + LiteralEscapes.EscapedChar(badChar),
                    RawStrProblem.TooManyDelimiters =>
                        "too many `#` symbols: raw strings may be delimited by up to 255 `#` symbols, but found " +
                        found.ToString(CultureInfo.InvariantCulture),
                    _ => "unterminated raw string",
                };
                Report(message, start, problem == RawStrProblem.NoTerminator ? start : suffixStart, LexDiagnosticKind.Fatal);
            }
            var n = raw.Hashes;
            CookQuoted(ref cooked, kind, mode, start, suffixStart, prefixLength + 1 + n, 1 + n, (byte)n);
        }

        private void CookQuoted(ref Cooked cooked, LiteralKind kind, EscapeMode mode, int start, int end, int prefixLength, int postfixLength, byte hashes)
        {
            var contentStart = start + prefixLength;
            var contentEnd = end - postfixLength;
            var content = _src.AsSpan(contentStart, Math.Max(0, contentEnd - contentStart));
            var errors = new List<string>();
            LiteralEscapes.Check(content, mode, errors);
            cooked.Hashes = hashes;
            if (errors.Count == 0)
            {
                cooked.LiteralKind = kind;
                cooked.Symbol = Symbol.Intern(content);
                return;
            }
            foreach (var e in errors) Report(e, start, end);
            // An erroneous literal keeps its quotes and prefix in the symbol, as rustc does.
            cooked.LiteralKind = LiteralKind.Err;
            cooked.Hashes = 0;
            cooked.Symbol = Symbol.Intern(_src.AsSpan(start, end - start));
        }

        private void CookInteger(ref Cooked cooked, RawToken raw, int start, int end)
        {
            var kind = LiteralKind.Integer;
            if (raw.EmptyDigits)
            {
                Report("no valid digits found for number", start, end);
                kind = LiteralKind.Err;
            }
            else if (raw.Base is NumberBase.Binary or NumberBase.Octal)
            {
                var limit = raw.Base == NumberBase.Binary ? '1' : '7';
                for (var i = start + 2; i < end; i++)
                {
                    var c = _src[i];
                    if (c != '_' && (c < '0' || c > limit))
                    {
                        Report("invalid digit for a base " + (int)raw.Base + " literal", i, i + 1);
                        kind = LiteralKind.Err;
                    }
                }
            }
            cooked.LiteralKind = kind;
            cooked.Symbol = Symbol.Intern(_src.AsSpan(start, end - start));
        }

        private void CookFloat(ref Cooked cooked, RawToken raw, int start, int end)
        {
            var kind = LiteralKind.Float;
            if (raw.EmptyDigits)
            {
                Report("expected at least one digit in exponent", start, end);
                kind = LiteralKind.Err;
            }
            var baseName = raw.Base switch
            {
                NumberBase.Hexadecimal => "hexadecimal",
                NumberBase.Octal => "octal",
                NumberBase.Binary => "binary",
                _ => null,
            };
            if (baseName != null)
            {
                Report(baseName + " float literal is not supported", start, end);
                kind = LiteralKind.Err;
            }
            cooked.LiteralKind = kind;
            cooked.Symbol = Symbol.Intern(_src.AsSpan(start, end - start));
        }
    }
}

/// <summary>Small string helpers for the lexer.</summary>
internal static class CharExtensions
{
    extension(char)
    {
        /// <summary>The code point at <paramref name="index"/>, or U+FFFD for a lone surrogate.</summary>
        public static int ConvertToUtf32OrReplacement(string s, int index, out int width)
        {
            var c = s[index];
            if (char.IsHighSurrogate(c) && index + 1 < s.Length && char.IsLowSurrogate(s[index + 1]))
            {
                width = 2;
                return char.ConvertToUtf32(c, s[index + 1]);
            }
            width = 1;
            return char.IsSurrogate(c) ? 0xFFFD : c;
        }
    }
}
