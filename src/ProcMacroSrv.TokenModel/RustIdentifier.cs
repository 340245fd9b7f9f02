using System.Text;
using ProcMacroSrv.TokenModel.Unicode;

namespace ProcMacroSrv.TokenModel;

/// <summary>
/// Identifier rules as rustc applies them: XID classes, NFC normalization, keywords, and the
/// validation behind the bridge method <c>symbol_normalize_and_validate_ident</c>.
/// </summary>
public static class RustIdentifier
{
    /// <summary>True when <paramref name="codePoint"/> may start an identifier: XID_Start or <c>_</c>.</summary>
    public static bool IsIdStart(int codePoint)
    {
        if (codePoint < 0x80)
            return codePoint is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';
        return CodePointSet.Contains(IdentifierTables.XidStart, codePoint);
    }

    /// <summary>True when <paramref name="codePoint"/> may continue an identifier (XID_Continue).</summary>
    public static bool IsIdContinue(int codePoint)
    {
        if (codePoint < 0x80)
            return codePoint is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
        return CodePointSet.Contains(IdentifierTables.XidContinue, codePoint);
    }

    /// <summary>
    /// True for a non-ASCII code point with the Unicode Emoji property; rustc lexes a run of
    /// such characters as an (invalid) identifier rather than as unknown tokens.
    /// </summary>
    internal static bool IsNonAsciiEmoji(int codePoint) =>
        codePoint >= 0x80 && CodePointSet.Contains(IdentifierTables.Emoji, codePoint);

    /// <summary>True when <paramref name="text"/> is lexically one identifier (rustc_lexer's <c>is_ident</c>): no normalization.</summary>
    public static bool IsIdentifier(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        var first = true;
        foreach (var rune in text.EnumerateRunes())
        {
            // A lone surrogate enumerates as U+FFFD, which is neither start nor continue.
            if (first ? !IsIdStart(rune.Value) : !IsIdContinue(rune.Value)) return false;
            first = false;
        }
        // EnumerateRunes replaces a lone surrogate with U+FFFD; reject it explicitly so that
        // an input containing one can never validate.
        return !ContainsLoneSurrogate(text);
    }

    /// <summary>
    /// The server side of <c>symbol_normalize_and_validate_ident</c>: NFC-normalizes
    /// <paramref name="text"/> and accepts it when the result is an identifier. Keywords and
    /// <c>_</c> are accepted; <c>r#x</c>, <c>$crate</c> and the empty string are not.
    /// </summary>
    public static bool TryNormalizeAndValidate(string text, out Symbol symbol)
    {
        var normalized = NormalizeNfc(text);
        if (IsIdentifier(normalized))
        {
            symbol = Symbol.Intern(normalized);
            return true;
        }
        symbol = default;
        return false;
    }

    /// <summary>
    /// NFC normalization as rustc applies it to identifiers and lifetimes, with our own tables
    /// (<see cref="Nfc"/>): the server runs with invariant globalization, where
    /// <see cref="string.Normalize()"/> does not normalize. A string that is not well-formed UTF-16
    /// is returned unchanged (rustc's input is always valid UTF-8); so is one already in NFC.
    /// </summary>
    public static string NormalizeNfc(string text)
    {
        if (IsAscii(text)) return text;
        if (ContainsLoneSurrogate(text)) return text;
        return Nfc.Normalize(text);
    }

    /// <summary>
    /// True when <paramref name="name"/> is a reserved word in <paramref name="edition"/>
    /// (rustc's <c>Symbol::is_reserved</c>): the special identifiers <c>$crate</c>,
    /// <c>{{root}}</c> and <c>_</c>, the strict and reserved keywords, and the edition keywords.
    /// </summary>
    public static bool IsReserved(ReadOnlySpan<char> name, Edition edition) => name switch
    {
        "$crate" or "{{root}}" or "_" => true,
        "as" or "break" or "const" or "continue" or "crate" or "else" or "enum" or "extern" or "false"
            or "fn" or "for" or "if" or "impl" or "in" or "let" or "loop" or "match" or "mod" or "move"
            or "mut" or "pub" or "ref" or "return" or "self" or "Self" or "static" or "struct" or "super"
            or "trait" or "true" or "type" or "unsafe" or "use" or "where" or "while" => true,
        "abstract" or "become" or "box" or "do" or "final" or "macro" or "override" or "priv" or "typeof"
            or "unsized" or "virtual" or "yield" => true,
        "async" or "await" or "dyn" or "try" => edition >= Edition.Edition2018,
        "gen" => edition >= Edition.Edition2024,
        _ => false,
    };

    /// <summary>
    /// True when <paramref name="name"/> may be written raw (<c>r#name</c>): everything except
    /// the empty string, <c>_</c> and the path-segment keywords <c>super</c>, <c>self</c>,
    /// <c>Self</c>, <c>crate</c>, <c>{{root}}</c>, <c>$crate</c>.
    /// </summary>
    public static bool CanBeRaw(ReadOnlySpan<char> name) =>
        !(name.IsEmpty || name is "_" or "super" or "self" or "Self" or "crate" or "{{root}}" or "$crate");

    internal static bool IsAscii(ReadOnlySpan<char> text) => Ascii.IsValid(text);

    internal static bool ContainsLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return true;
            }
            if (char.IsLowSurrogate(c)) return true;
        }
        return false;
    }
}
