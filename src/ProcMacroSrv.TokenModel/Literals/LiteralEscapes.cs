using System.Globalization;
using System.Text;
using ProcMacroSrv.TokenModel.Unicode;

namespace ProcMacroSrv.TokenModel.Literals;

/// <summary>Which literal body an escape check applies to (rustc_literal_escaper's <c>Mode</c>).</summary>
internal enum EscapeMode : byte { Char, Byte, Str, RawStr, ByteStr, RawByteStr, CStr, RawCStr }

/// <summary>
/// Escaping and escape validation for literal bodies, following Rust's standard library and
/// rustc's literal escaper.
/// </summary>
public static class LiteralEscapes
{
    /// <summary>
    /// Each character escaped as <c>char::escape_debug</c> does: what rustc's proc-macro server
    /// does to a doc comment's text before making it the symbol of a <c>doc = "…"</c> literal.
    /// Tab, CR, LF, NUL, backslash and both quotes get backslash escapes; grapheme extenders and
    /// non-printable characters become <c>\u{hex}</c>; everything else is kept.
    /// </summary>
    public static string EscapeDebug(string text) => Escape(text, escapeSingleQuote: true, escapeDoubleQuote: true);

    /// <summary>
    /// The symbol of <c>Literal::string</c> in bridges where the server built it (rustc 1.63):
    /// the string's <c>Debug</c> form without the surrounding quotes (<c>'</c> is kept, <c>"</c> escaped).
    /// </summary>
    public static string StringSymbol(string value) => Escape(value, escapeSingleQuote: false, escapeDoubleQuote: true);

    /// <summary>
    /// The symbol of <c>Literal::character</c> in bridges where the server built it: the char's
    /// <c>Debug</c> form without the quotes (<c>'</c> escaped, <c>"</c> kept).
    /// </summary>
    public static string CharSymbol(Rune value) => Escape(value.ToString(), escapeSingleQuote: true, escapeDoubleQuote: false);

    /// <summary>
    /// The symbol of <c>Literal::byte_string</c> in bridges where the server built it: each byte
    /// as <c>u8::escape_ascii</c> writes it (<c>\t \r \n \\ \' \"</c>, printable ASCII kept, the rest <c>\xhh</c>).
    /// </summary>
    public static string ByteStringSymbol(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            switch (b)
            {
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'\'': sb.Append("\\'"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case >= 0x20 and <= 0x7E: sb.Append((char)b); break;
                default: sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture)); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>True when <c>escape_debug</c> writes <paramref name="codePoint"/> as <c>\u{…}</c>.</summary>
    internal static bool NeedsUnicodeEscape(int codePoint) => CodePointSet.Contains(EscapeTables.UnicodeEscaped, codePoint);

    private static string Escape(string text, bool escapeSingleQuote, bool escapeDoubleQuote)
    {
        StringBuilder? sb = null;
        var copiedUpTo = 0;
        for (var i = 0; i < text.Length;)
        {
            var width = 1;
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                width = 2;
            }
            string? replacement = cp switch
            {
                0 => "\\0",
                '\t' => "\\t",
                '\r' => "\\r",
                '\n' => "\\n",
                '\\' => "\\\\",
                '"' when escapeDoubleQuote => "\\\"",
                '\'' when escapeSingleQuote => "\\'",
                // Printable ASCII is the common case; skip the table lookup for it.
                >= 0x20 and < 0x7F => null,
                // A lone surrogate cannot occur in Rust text; it is shown as its code unit.
                _ when char.IsSurrogate((char)cp) && width == 1 => UnicodeEscape(cp),
                _ when NeedsUnicodeEscape(cp) => UnicodeEscape(cp),
                _ => null,
            };
            if (replacement != null)
            {
                sb ??= new StringBuilder(text.Length + 8);
                sb.Append(text, copiedUpTo, i - copiedUpTo).Append(replacement);
                copiedUpTo = i + width;
            }
            i += width;
        }
        if (sb == null) return text;
        return sb.Append(text, copiedUpTo, text.Length - copiedUpTo).ToString();
    }

    private static string UnicodeEscape(int cp) => "\\u{" + cp.ToString("x", CultureInfo.InvariantCulture) + "}";

    /// <summary>
    /// Checks a literal's symbol as rustc's lexer would: returns the message of the first
    /// error rustc reports for it (for example <c>unknown character escape: `q`</c>), or null
    /// when rustc accepts it. Integer and float symbols are checked for digits, not escapes.
    /// </summary>
    public static string? Validate(LiteralKind kind, string symbol)
    {
        var errors = new List<string>();
        switch (kind)
        {
            case LiteralKind.Byte: Check(symbol, EscapeMode.Byte, errors); break;
            case LiteralKind.Char: Check(symbol, EscapeMode.Char, errors); break;
            case LiteralKind.Str: Check(symbol, EscapeMode.Str, errors); break;
            case LiteralKind.StrRaw: Check(symbol, EscapeMode.RawStr, errors); break;
            case LiteralKind.ByteStr: Check(symbol, EscapeMode.ByteStr, errors); break;
            case LiteralKind.ByteStrRaw: Check(symbol, EscapeMode.RawByteStr, errors); break;
            case LiteralKind.CStr: Check(symbol, EscapeMode.CStr, errors); break;
            case LiteralKind.CStrRaw: Check(symbol, EscapeMode.RawCStr, errors); break;
            case LiteralKind.Integer or LiteralKind.Float:
                var parsed = LiteralParser.Parse(symbol.StartsWith('-') ? symbol[1..] : symbol);
                if (parsed.Literal == null) return parsed.ErrorMessage;
                if (parsed.Diagnostics.Count > 0) return parsed.Diagnostics[0].Message;
                if (parsed.Literal.Kind != kind || parsed.Literal.Suffix != null) return "not a literal";
                break;
            case LiteralKind.Err:
                break;
        }
        return errors.Count > 0 ? errors[0] : null;
    }

    /// <summary>
    /// The value of a string literal (<c>"…"</c>) given its symbol: escapes decoded and line
    /// continuations removed as rustc's unescaper does (what nightly's <c>Literal::str_value</c>
    /// returns); null when rustc would reject the symbol.
    /// </summary>
    public static string? StringValue(string symbol)
    {
        var value = new StringBuilder(symbol.Length);
        return WalkEscaped(symbol, EscapeMode.Str, errors: null, value) ? value.ToString() : null;
    }

    /// <summary>Reports every error rustc finds in a literal body, with rustc's messages.</summary>
    internal static void Check(ReadOnlySpan<char> body, EscapeMode mode, List<string> errors)
    {
        switch (mode)
        {
            case EscapeMode.Char or EscapeMode.Byte:
                CheckSingle(body, mode, errors);
                break;
            case EscapeMode.Str or EscapeMode.ByteStr or EscapeMode.CStr:
                CheckEscaped(body, mode, errors);
                break;
            default:
                CheckRaw(body, mode, errors);
                break;
        }
    }

    private static int CodePointAt(ReadOnlySpan<char> s, int i, out int width)
    {
        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(s[i], s[i + 1]);
        }
        width = 1;
        return s[i];
    }

    private static bool IsByteMode(EscapeMode mode) => mode is EscapeMode.Byte or EscapeMode.ByteStr or EscapeMode.RawByteStr;

    private static void CheckRaw(ReadOnlySpan<char> body, EscapeMode mode, List<string> errors)
    {
        for (var i = 0; i < body.Length;)
        {
            var c = CodePointAt(body, i, out var w);
            if (c == '\r') errors.Add("bare CR not allowed in raw string");
            else if (mode == EscapeMode.RawByteStr && c >= 0x80) errors.Add("non-ASCII character in raw byte string literal");
            else if (mode == EscapeMode.RawCStr && c == 0) errors.Add(NulInCStr);
            i += w;
        }
    }

    private const string NulInCStr = "null characters in C string literals are not supported";

    private static void CheckSingle(ReadOnlySpan<char> body, EscapeMode mode, List<string> errors)
    {
        if (body.IsEmpty)
        {
            errors.Add("empty character literal");
            return;
        }
        var pos = 0;
        var c = CodePointAt(body, 0, out var w);
        pos += w;
        string? error;
        if (c == '\\')
            error = UnescapeAfterBackslash(body, ref pos, mode, out _);
        else if (c is '\n' or '\t' or '\'')
            error = EscapeOnlyChar(c, mode);
        else if (c == '\r')
            error = "character constant must be escaped: `\\r`";
        else
            error = mode == EscapeMode.Byte && c >= 0x80 ? NonAscii(mode) : null;
        if (error == null && pos < body.Length) error = "character literal may only contain one codepoint";
        if (error != null) errors.Add(error);
    }

    private static string EscapeOnlyChar(int c, EscapeMode mode) =>
        (mode == EscapeMode.Byte ? "byte" : "character") + " constant must be escaped: `" + EscapedChar(c) + "`";

    private static string NonAscii(EscapeMode mode) => mode switch
    {
        EscapeMode.Byte => "non-ASCII character in byte literal",
        EscapeMode.ByteStr => "non-ASCII character in byte string literal",
        _ => "non-ASCII character in raw byte string literal",
    };

    private static void CheckEscaped(ReadOnlySpan<char> body, EscapeMode mode, List<string> errors) =>
        WalkEscaped(body, mode, errors, value: null);

    // Walks an escaped body as rustc's unescaper does: each error goes to `errors` (or, without
    // a list, ends the walk with false), and with `value` the decoded text is appended to it.
    private static bool WalkEscaped(ReadOnlySpan<char> body, EscapeMode mode, List<string>? errors, StringBuilder? value)
    {
        for (var i = 0; i < body.Length;)
        {
            var start = i;
            var c = CodePointAt(body, i, out var w);
            i += w;
            string? error = null;
            switch (c)
            {
                case '\\' when i < body.Length && body[i] == '\n':
                    // A line continuation: the newline and the whitespace after it are skipped
                    // (rustc only warns about what it skips).
                    i++;
                    while (i < body.Length && body[i] is ' ' or '\t' or '\n' or '\r') i++;
                    continue;
                case '\\':
                    error = UnescapeAfterBackslash(body, ref i, mode, out var escaped);
                    if (error is null && value is not null)
                    {
                        if (escaped < 0x10000) value.Append((char)escaped);
                        else value.Append(char.ConvertFromUtf32(escaped));
                    }
                    break;
                case '"':
                    error = EscapeOnlyChar(c, mode);
                    break;
                case '\r':
                    error = "bare CR not allowed in string, use `\\r` instead";
                    break;
                default:
                    if (mode == EscapeMode.ByteStr && c >= 0x80) error = NonAscii(mode);
                    else if (mode == EscapeMode.CStr && c == 0) error = NulInCStr;
                    else value?.Append(body[start..i]);
                    break;
            }
            if (error is null) continue;
            if (errors is null) return false;
            errors.Add(error);
        }
        return true;
    }

    /// <summary>Checks one escape after its backslash, advancing <paramref name="pos"/>; returns an error message or null.</summary>
    private static string? UnescapeAfterBackslash(ReadOnlySpan<char> s, ref int pos, EscapeMode mode, out int value)
    {
        value = 0;
        if (pos >= s.Length) return "invalid trailing slash in literal";
        var c = CodePointAt(s, pos, out var w);
        pos += w;
        switch (c)
        {
            case '0':
                return mode is EscapeMode.CStr ? NulInCStr : null;
            case '"' or 'n' or 'r' or 't' or '\\' or '\'':
                value = c switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => c };
                return null;
            case 'x':
            {
                var hi = NextHexDigit(s, ref pos, out var hiChar);
                if (hi == -2) return "numeric character escape is too short";
                if (hi < 0) return "invalid character in numeric character escape: `" + EscapedChar(hiChar) + "`";
                var lo = NextHexDigit(s, ref pos, out var loChar);
                if (lo == -2) return "numeric character escape is too short";
                if (lo < 0) return "invalid character in numeric character escape: `" + EscapedChar(loChar) + "`";
                value = hi * 16 + lo;
                if (mode is EscapeMode.Char or EscapeMode.Str && value > 0x7F) return "out of range hex escape";
                if (mode is EscapeMode.CStr && value == 0) return NulInCStr;
                return null;
            }
            case 'u':
            {
                var error = UnicodeEscape(s, ref pos, out value);
                if (error != null) return error;
                // In byte literals any \u escape is the error, whatever its value.
                if (IsByteMode(mode)) return "unicode escape in byte string";
                if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF) return "invalid unicode character escape";
                if (mode is EscapeMode.CStr && value == 0) return NulInCStr;
                return null;
            }
            default:
                return (IsByteMode(mode) ? "unknown byte escape" : "unknown character escape") + ": `" + EscapedChar(c) + "`";
        }
    }

    // The hex digit value, -1 for a non-digit (its code point in `ch`), -2 at the end.
    private static int NextHexDigit(ReadOnlySpan<char> s, ref int pos, out int ch)
    {
        ch = 0;
        if (pos >= s.Length) return -2;
        ch = CodePointAt(s, pos, out var w);
        pos += w;
        return HexValue(ch);
    }

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string? UnicodeEscape(ReadOnlySpan<char> s, ref int pos, out int value)
    {
        value = 0;
        if (pos >= s.Length || s[pos] != '{') return "incorrect unicode escape sequence";
        pos++;
        if (pos >= s.Length) return "unterminated unicode escape";
        var c = CodePointAt(s, pos, out var w);
        pos += w;
        if (c == '_') return "invalid start of unicode escape: `_`";
        if (c == '}') return "empty unicode escape";
        var digit = HexValue(c);
        if (digit < 0) return "invalid character in unicode escape: `" + EscapedChar(c) + "`";
        value = digit;
        var digits = 1;
        while (true)
        {
            if (pos >= s.Length) return "unterminated unicode escape";
            c = CodePointAt(s, pos, out w);
            pos += w;
            if (c == '_') continue;
            if (c == '}') return digits > 6 ? "overlong unicode escape" : null;
            digit = HexValue(c);
            if (digit < 0) return "invalid character in unicode escape: `" + EscapedChar(c) + "`";
            digits++;
            // Past six digits the value no longer matters: the escape is overlong anyway.
            if (digits <= 6) value = value * 16 + digit;
        }
    }

    /// <summary>rustc's <c>escaped_char</c>: printable ASCII as is, anything else as <c>char::escape_default</c>.</summary>
    internal static string EscapedChar(int c) => c switch
    {
        >= 0x20 and <= 0x7E => ((char)c).ToString(),
        '\t' => "\\t",
        '\r' => "\\r",
        '\n' => "\\n",
        _ => UnicodeEscape(c),
    };
}
