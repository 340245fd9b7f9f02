namespace ProcMacroSrv.TokenModel.Lexing;

/// <summary>The kinds of raw token, as rustc_lexer classifies source text before cooking.</summary>
internal enum RawKind : byte
{
    LineComment, BlockComment, Whitespace, Ident, InvalidIdent, RawIdent, UnknownPrefix,
    UnknownPrefixLifetime, RawLifetime, GuardedStrPrefix, Literal, Lifetime,
    Semi, Comma, Dot, OpenParen, CloseParen, OpenBrace, CloseBrace, OpenBracket, CloseBracket,
    At, Pound, Tilde, Question, Colon, Dollar, Eq, Bang, Lt, Gt, Minus, And, Or, Plus, Star,
    Slash, Caret, Percent, Unknown, Eof,
}

internal enum DocStyle : byte { None, Outer, Inner }

internal enum RawLiteralKind : byte { Int, Float, Char, Byte, Str, ByteStr, CStr, RawStr, RawByteStr, RawCStr }

internal enum NumberBase : byte { Binary = 2, Octal = 8, Decimal = 10, Hexadecimal = 16 }

/// <summary>
/// One raw token. Lengths and offsets are in UTF-16 code units of the input; the cooking
/// step converts them to UTF-8 byte offsets for spans.
/// </summary>
internal struct RawToken
{
    public RawKind Kind;
    public int Length;
    public DocStyle DocStyle;
    /// <summary>For quoted literals and block comments: whether the closing delimiter was found.</summary>
    public bool Terminated;
    public RawLiteralKind LiteralKind;
    public NumberBase Base;
    /// <summary>Int: no digits after the base prefix. Float: no digits in the exponent.</summary>
    public bool EmptyDigits;
    /// <summary>Raw strings: the number of hashes, or -1 when the literal is malformed.</summary>
    public int Hashes;
    /// <summary>Literals: where the suffix starts, relative to the token start.</summary>
    public int SuffixStart;
    /// <summary>Lifetimes: the name starts with a digit (<c>'0</c>).</summary>
    public bool StartsWithNumber;
}

/// <summary>Why a raw string literal is malformed.</summary>
internal enum RawStrProblem : byte { None, InvalidStarter, NoTerminator, TooManyDelimiters }

/// <summary>
/// A re-implementation of rustc_lexer's cursor: splits text into raw tokens without
/// reporting errors (they are flags on the token). Every loop advances by at least one code
/// unit, and the cursor never recurses, so no input can hang it or exhaust the stack.
/// </summary>
internal struct RawLexer
{
    private const int EofChar = 0;

    private readonly string _src;
    private int _pos;
    private int _tokenStart;

    public RawLexer(string src, int start = 0)
    {
        _src = src;
        _pos = start;
        _tokenStart = start;
    }

    /// <summary>The current position (UTF-16 index).</summary>
    public readonly int Position => _pos;

    /// <summary>Continues from <paramref name="position"/>, as rustc does when it re-lexes a split token.</summary>
    public void Reset(int position)
    {
        _pos = position;
        _tokenStart = position;
    }

    private readonly bool IsEof => _pos >= _src.Length;

    private readonly int PosWithinToken => _pos - _tokenStart;

    private readonly int CodePointAt(int index, out int width)
    {
        if (index >= _src.Length) { width = 0; return EofChar; }
        var c = _src[index];
        if (char.IsHighSurrogate(c) && index + 1 < _src.Length && char.IsLowSurrogate(_src[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, _src[index + 1]);
        }
        width = 1;
        // A lone surrogate is no Rust char; it is given a value that no rule accepts.
        return char.IsSurrogate(c) ? 0xFFFD : c;
    }

    private readonly int First => CodePointAt(_pos, out _);

    private readonly int Second
    {
        get
        {
            CodePointAt(_pos, out var w);
            return w == 0 ? EofChar : CodePointAt(_pos + w, out _);
        }
    }

    private readonly int Third
    {
        get
        {
            CodePointAt(_pos, out var w1);
            if (w1 == 0) return EofChar;
            CodePointAt(_pos + w1, out var w2);
            return w2 == 0 ? EofChar : CodePointAt(_pos + w1 + w2, out _);
        }
    }

    private int Bump()
    {
        var c = CodePointAt(_pos, out var w);
        if (w == 0) return -1;
        _pos += w;
        return c;
    }

    private void EatWhile(Func<int, bool> predicate)
    {
        while (!IsEof && predicate(First)) Bump();
    }

    private void EatUntil(char ch)
    {
        var i = _src.IndexOf(ch, _pos);
        _pos = i < 0 ? _src.Length : i;
    }

    public static bool IsWhitespace(int c) => c is '\n' or '\u000B' or '\u000C' or '\r' or '\u0085'
        or '\u2028' or '\u2029' or '\u200E' or '\u200F' or '\t' or ' ';

    private static bool IsAsciiDigit(int c) => c is >= '0' and <= '9';

    /// <summary>Lexes the next token.</summary>
    public RawToken Next()
    {
        _tokenStart = _pos;
        var token = new RawToken { Hashes = -1 };
        var first = Bump();
        if (first < 0)
        {
            token.Kind = RawKind.Eof;
            return token;
        }

        switch (first)
        {
            case '/':
                token.Kind = First switch
                {
                    '/' => LineComment(ref token),
                    '*' => BlockComment(ref token),
                    _ => RawKind.Slash,
                };
                break;
            case var c when IsWhitespace(c):
                EatWhile(IsWhitespace);
                token.Kind = RawKind.Whitespace;
                break;
            case 'r':
                if (First == '#' && RustIdentifier.IsIdStart(Second))
                {
                    Bump();
                    EatIdentifier();
                    token.Kind = RawKind.RawIdent;
                }
                else if (First is '#' or '"')
                {
                    RawString(ref token, RawLiteralKind.RawStr);
                }
                else
                {
                    token.Kind = IdentOrUnknownPrefix();
                }
                break;
            case 'b':
                CharOrByteString(ref token, byteForm: true);
                break;
            case 'c':
                CharOrByteString(ref token, byteForm: false);
                break;
            case var c when RustIdentifier.IsIdStart(c):
                token.Kind = IdentOrUnknownPrefix();
                break;
            case var c when IsAsciiDigit(c):
                Number(ref token, c);
                token.SuffixStart = PosWithinToken;
                EatIdentifier();
                token.Kind = RawKind.Literal;
                break;
            case '#' when First is '"' or '#':
                Bump();
                token.Kind = RawKind.GuardedStrPrefix;
                break;
            case ';': token.Kind = RawKind.Semi; break;
            case ',': token.Kind = RawKind.Comma; break;
            case '.': token.Kind = RawKind.Dot; break;
            case '(': token.Kind = RawKind.OpenParen; break;
            case ')': token.Kind = RawKind.CloseParen; break;
            case '{': token.Kind = RawKind.OpenBrace; break;
            case '}': token.Kind = RawKind.CloseBrace; break;
            case '[': token.Kind = RawKind.OpenBracket; break;
            case ']': token.Kind = RawKind.CloseBracket; break;
            case '@': token.Kind = RawKind.At; break;
            case '#': token.Kind = RawKind.Pound; break;
            case '~': token.Kind = RawKind.Tilde; break;
            case '?': token.Kind = RawKind.Question; break;
            case ':': token.Kind = RawKind.Colon; break;
            case '$': token.Kind = RawKind.Dollar; break;
            case '=': token.Kind = RawKind.Eq; break;
            case '!': token.Kind = RawKind.Bang; break;
            case '<': token.Kind = RawKind.Lt; break;
            case '>': token.Kind = RawKind.Gt; break;
            case '-': token.Kind = RawKind.Minus; break;
            case '&': token.Kind = RawKind.And; break;
            case '|': token.Kind = RawKind.Or; break;
            case '+': token.Kind = RawKind.Plus; break;
            case '*': token.Kind = RawKind.Star; break;
            case '^': token.Kind = RawKind.Caret; break;
            case '%': token.Kind = RawKind.Percent; break;
            case '\'':
                LifetimeOrChar(ref token);
                break;
            case '"':
                token.Terminated = DoubleQuotedString();
                token.SuffixStart = PosWithinToken;
                if (token.Terminated) EatIdentifier();
                token.LiteralKind = RawLiteralKind.Str;
                token.Kind = RawKind.Literal;
                break;
            case var c when RustIdentifier.IsNonAsciiEmoji(c):
                token.Kind = InvalidIdent();
                break;
            default:
                token.Kind = RawKind.Unknown;
                break;
        }
        token.Length = PosWithinToken;
        return token;
    }

    private RawKind LineComment(ref RawToken token)
    {
        Bump();
        // `//!` is inner; `///` is outer unless a fourth `/` follows.
        token.DocStyle = First switch
        {
            '!' => DocStyle.Inner,
            '/' when Second != '/' => DocStyle.Outer,
            _ => DocStyle.None,
        };
        EatUntil('\n');
        return RawKind.LineComment;
    }

    private RawKind BlockComment(ref RawToken token)
    {
        Bump();
        // `/*!` is inner; `/**` is outer unless it is `/***` or the empty `/**/`.
        token.DocStyle = First switch
        {
            '!' => DocStyle.Inner,
            '*' when Second is not ('*' or '/') => DocStyle.Outer,
            _ => DocStyle.None,
        };
        // Nesting is counted, not recursed into.
        var depth = 1;
        while (true)
        {
            var c = Bump();
            if (c < 0) break;
            if (c == '/' && First == '*')
            {
                Bump();
                depth++;
            }
            else if (c == '*' && First == '/')
            {
                Bump();
                if (--depth == 0) break;
            }
        }
        token.Terminated = depth == 0;
        return RawKind.BlockComment;
    }

    private RawKind IdentOrUnknownPrefix()
    {
        EatWhile(RustIdentifier.IsIdContinue);
        var next = First;
        if (next is '#' or '"' or '\'') return RawKind.UnknownPrefix;
        if (RustIdentifier.IsNonAsciiEmoji(next)) return InvalidIdent();
        return RawKind.Ident;
    }

    private RawKind InvalidIdent()
    {
        EatWhile(c => RustIdentifier.IsIdContinue(c) || RustIdentifier.IsNonAsciiEmoji(c) || c == 0x200D);
        return RawKind.InvalidIdent;
    }

    private void CharOrByteString(ref RawToken token, bool byteForm)
    {
        var first = First;
        var second = Second;
        if (first == '\'' && byteForm)
        {
            Bump();
            token.Terminated = SingleQuotedString();
            token.SuffixStart = PosWithinToken;
            if (token.Terminated) EatIdentifier();
            token.LiteralKind = RawLiteralKind.Byte;
            token.Kind = RawKind.Literal;
        }
        else if (first == '"')
        {
            Bump();
            token.Terminated = DoubleQuotedString();
            token.SuffixStart = PosWithinToken;
            if (token.Terminated) EatIdentifier();
            token.LiteralKind = byteForm ? RawLiteralKind.ByteStr : RawLiteralKind.CStr;
            token.Kind = RawKind.Literal;
        }
        else if (first == 'r' && second is '"' or '#')
        {
            Bump();
            RawString(ref token, byteForm ? RawLiteralKind.RawByteStr : RawLiteralKind.RawCStr);
        }
        else
        {
            token.Kind = IdentOrUnknownPrefix();
        }
    }

    private void RawString(ref RawToken token, RawLiteralKind kind)
    {
        var problem = RawDoubleQuotedString(out var hashes, out _, out _);
        token.SuffixStart = PosWithinToken;
        if (problem == RawStrProblem.None) EatIdentifier();
        token.Hashes = problem == RawStrProblem.None ? hashes : -1;
        token.LiteralKind = kind;
        token.Kind = RawKind.Literal;
    }

    /// <summary>
    /// Lexes a raw string after its <c>r</c>: hashes, quote, body, closing quote and hashes.
    /// On a problem, <paramref name="found"/> is the offending character (InvalidStarter) or
    /// the hash count (TooManyDelimiters).
    /// </summary>
    public RawStrProblem RawDoubleQuotedString(out int hashes, out int found, out int badChar)
    {
        found = 0;
        badChar = 0;
        hashes = 0;
        while (First == '#')
        {
            hashes++;
            Bump();
        }
        var quote = Bump();
        if (quote != '"')
        {
            badChar = quote < 0 ? EofChar : quote;
            return RawStrProblem.InvalidStarter;
        }
        while (true)
        {
            EatUntil('"');
            if (IsEof) return RawStrProblem.NoTerminator;
            Bump();
            var closing = 0;
            while (First == '#' && closing < hashes)
            {
                closing++;
                Bump();
            }
            if (closing == hashes) break;
        }
        if (hashes > 255)
        {
            found = hashes;
            return RawStrProblem.TooManyDelimiters;
        }
        return RawStrProblem.None;
    }

    private void Number(ref RawToken token, int firstDigit)
    {
        token.Kind = RawKind.Literal;
        token.LiteralKind = RawLiteralKind.Int;
        token.Base = NumberBase.Decimal;
        if (firstDigit == '0')
        {
            switch (First)
            {
                case 'b':
                    token.Base = NumberBase.Binary;
                    Bump();
                    if (!EatDecimalDigits()) { token.EmptyDigits = true; return; }
                    break;
                case 'o':
                    token.Base = NumberBase.Octal;
                    Bump();
                    if (!EatDecimalDigits()) { token.EmptyDigits = true; return; }
                    break;
                case 'x':
                    token.Base = NumberBase.Hexadecimal;
                    Bump();
                    if (!EatHexadecimalDigits()) { token.EmptyDigits = true; return; }
                    break;
                case var c when IsAsciiDigit(c) || c == '_':
                    EatDecimalDigits();
                    break;
                case '.' or 'e' or 'E':
                    break;
                default:
                    return;
            }
        }
        else
        {
            EatDecimalDigits();
        }

        var next = First;
        // `1..2` and `1.foo()` keep the integer: the dot is only part of the number when it is
        // followed by neither another dot nor an identifier start.
        if (next == '.' && Second != '.' && !RustIdentifier.IsIdStart(Second))
        {
            Bump();
            token.LiteralKind = RawLiteralKind.Float;
            if (IsAsciiDigit(First))
            {
                EatDecimalDigits();
                if (First is 'e' or 'E')
                {
                    Bump();
                    token.EmptyDigits = !EatFloatExponent();
                }
            }
        }
        else if (next is 'e' or 'E')
        {
            Bump();
            token.LiteralKind = RawLiteralKind.Float;
            token.EmptyDigits = !EatFloatExponent();
        }
    }

    private bool EatDecimalDigits()
    {
        var any = false;
        while (true)
        {
            var c = First;
            if (c == '_') Bump();
            else if (IsAsciiDigit(c)) { any = true; Bump(); }
            else return any;
        }
    }

    private bool EatHexadecimalDigits()
    {
        var any = false;
        while (true)
        {
            var c = First;
            if (c == '_') Bump();
            else if (IsAsciiDigit(c) || c is (>= 'a' and <= 'f') or (>= 'A' and <= 'F')) { any = true; Bump(); }
            else return any;
        }
    }

    private bool EatFloatExponent()
    {
        if (First is '-' or '+') Bump();
        return EatDecimalDigits();
    }

    private void LifetimeOrChar(ref RawToken token)
    {
        // `'x'` is a char whenever the third character is a quote; otherwise an identifier
        // start (or a digit, for a better error) makes it a lifetime.
        var canBeLifetime = Second != '\'' && (RustIdentifier.IsIdStart(First) || IsAsciiDigit(First));
        if (!canBeLifetime)
        {
            token.Terminated = SingleQuotedString();
            token.SuffixStart = PosWithinToken;
            if (token.Terminated) EatIdentifier();
            token.LiteralKind = RawLiteralKind.Char;
            token.Kind = RawKind.Literal;
            return;
        }

        if (First == 'r' && Second == '#' && RustIdentifier.IsIdStart(Third))
        {
            Bump();
            Bump();
            Bump();
            EatWhile(RustIdentifier.IsIdContinue);
            token.Kind = RawKind.RawLifetime;
            return;
        }

        token.StartsWithNumber = IsAsciiDigit(First);
        Bump();
        EatWhile(RustIdentifier.IsIdContinue);
        if (First == '\'')
        {
            // `'ab'`: a char literal with too many characters, reported when cooked.
            Bump();
            token.Terminated = true;
            token.SuffixStart = PosWithinToken;
            token.LiteralKind = RawLiteralKind.Char;
            token.Kind = RawKind.Literal;
        }
        else if (First == '#' && !token.StartsWithNumber)
        {
            token.Kind = RawKind.UnknownPrefixLifetime;
        }
        else
        {
            token.Kind = RawKind.Lifetime;
        }
    }

    private bool SingleQuotedString()
    {
        if (Second == '\'' && First != '\\')
        {
            Bump();
            Bump();
            return true;
        }
        while (true)
        {
            var c = First;
            if (c == '\'') { Bump(); return true; }
            // A slash probably starts a comment, and a newline not followed by a quote ends
            // the attempt: both keep the error report short.
            if (c == '/') return false;
            if (c == '\n' && Second != '\'') return false;
            if (IsEof) return false;
            if (c == '\\') { Bump(); Bump(); }
            else Bump();
        }
    }

    private bool DoubleQuotedString()
    {
        while (true)
        {
            var c = Bump();
            if (c < 0) return false;
            if (c == '"') return true;
            if (c == '\\' && First is '\\' or '"') Bump();
        }
    }

    /// <summary>
    /// Lexes a guarded string (<c>#"…"#</c>) starting at the current position; null when the
    /// hashes are not followed by a quote. Used only for edition 2024.
    /// </summary>
    public (int Hashes, bool Terminated, int Length)? GuardedDoubleQuotedString()
    {
        _tokenStart = _pos;
        var hashes = 0;
        while (First == '#')
        {
            hashes++;
            Bump();
        }
        if (First != '"') return null;
        Bump();
        if (!DoubleQuotedString()) return (hashes, false, PosWithinToken);
        var closing = 0;
        while (First == '#' && closing < hashes)
        {
            closing++;
            Bump();
        }
        EatIdentifier();
        return (hashes, true, PosWithinToken);
    }

    private void EatIdentifier()
    {
        if (!RustIdentifier.IsIdStart(First)) return;
        Bump();
        EatWhile(RustIdentifier.IsIdContinue);
    }

    /// <summary>
    /// rustc's shebang rule: <c>#!</c> at the very start, unless the next token that is not
    /// whitespace or a plain comment is <c>[</c>. Returns the length to skip (the first line).
    /// </summary>
    public static int ShebangLength(string src)
    {
        if (!src.StartsWith("#!", StringComparison.Ordinal)) return 0;
        var lexer = new RawLexer(src, 2);
        while (true)
        {
            var t = lexer.Next();
            if (t.Kind == RawKind.Whitespace) continue;
            if (t.Kind is RawKind.LineComment or RawKind.BlockComment && t.DocStyle == DocStyle.None) continue;
            if (t.Kind == RawKind.OpenBracket) return 0;
            break;
        }
        var newline = src.IndexOf('\n', 2);
        // Rust's `lines()` also drops a `\r` before the newline.
        var end = newline < 0 ? src.Length : newline;
        if (end > 2 && src[end - 1] == '\r' && newline >= 0) end--;
        return end;
    }
}
