using System.Globalization;
using System.Text;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// Literals as whole source text, the form API versions below 5 put on the wire (section 3.10):
/// writing is <see cref="TokenModel.Printing.TokenPrinter.LiteralToString"/>; reading classifies
/// the text back into kind, symbol and suffix (here).
/// </summary>
/// <remarks>
/// SEAM: the classifier here is deliberately small: it understands exactly what the printer
/// produces (well-formed literals as a lexer would print them) and nothing more. Once TokenModel has its lexer, callers can pass a parser built on it to
/// <see cref="FlatTree.ToTokenStream"/> instead. Only clients of servers older than version 5
/// ever need this path.
/// </remarks>
internal static class LegacyLiteralText
{
    /// <summary>Classifies whole literal text; null when it is not one well-formed literal. The span is left default for the caller to set.</summary>
    public static Literal? Parse(string text)
    {
        if (text.Length == 0) return null;
        var c0 = text[0];
        var c1 = text.Length > 1 ? text[1] : '\0';
        return c0 switch
        {
            '\'' => Quoted(text, 0, '\'', LiteralKind.Char),
            '"' => Quoted(text, 0, '"', LiteralKind.Str),
            'b' when c1 == '\'' => Quoted(text, 1, '\'', LiteralKind.Byte),
            'b' when c1 == '"' => Quoted(text, 1, '"', LiteralKind.ByteStr),
            'c' when c1 == '"' => Quoted(text, 1, '"', LiteralKind.CStr),
            'r' when c1 is '"' or '#' => Raw(text, 1, LiteralKind.StrRaw),
            'b' when c1 == 'r' => Raw(text, 2, LiteralKind.ByteStrRaw),
            'c' when c1 == 'r' => Raw(text, 2, LiteralKind.CStrRaw),
            _ when IsDigit(c0) || (c0 == '-' && IsDigit(c1)) => Number(text),
            _ => null,
        };
    }

    private static Literal? Quoted(string text, int open, char quote, LiteralKind kind)
    {
        // A suffix never contains a quote, so the last quote closes the literal; escaped quotes
        // inside the body stay part of the symbol as written.
        var close = text.LastIndexOf(quote);
        if (close <= open) return null;
        return Make(kind, 0, text.AsSpan(open + 1, close - open - 1), text.AsSpan(close + 1));
    }

    private static Literal? Raw(string text, int afterPrefix, LiteralKind kind)
    {
        var i = afterPrefix;
        while (i < text.Length && text[i] == '#') i++;
        var hashes = i - afterPrefix;
        if (hashes > byte.MaxValue || i >= text.Length || text[i] != '"') return null;
        var terminator = "\"" + new string('#', hashes);
        var close = text.LastIndexOf(terminator, StringComparison.Ordinal);
        if (close <= i) return null;
        return Make(kind, (byte)hashes, text.AsSpan(i + 1, close - i - 1), text.AsSpan(close + terminator.Length));
    }

    private static Literal? Number(string text)
    {
        var i = text[0] == '-' ? 1 : 0;
        var isFloat = false;
        if (text[i] == '0' && i + 1 < text.Length && text[i + 1] is 'x' or 'o' or 'b')
        {
            var hex = text[i + 1] == 'x';
            i += 2;
            while (i < text.Length && (text[i] == '_' || (hex ? char.IsAsciiHexDigit(text[i]) : IsDigit(text[i])))) i++;
        }
        else
        {
            i = SkipDigits(text, i);
            // `1.5` and `1.` are floats; `1.foo` or `1..` would not be one literal.
            if (i < text.Length && text[i] == '.' && (i + 1 == text.Length || IsDigit(text[i + 1])))
            {
                isFloat = true;
                i = SkipDigits(text, i + 1);
            }
            if (i < text.Length && text[i] is 'e' or 'E')
            {
                var j = i + 1;
                if (j < text.Length && text[j] is '+' or '-') j++;
                while (j < text.Length && text[j] == '_') j++;
                if (j < text.Length && IsDigit(text[j]))
                {
                    isFloat = true;
                    i = SkipDigits(text, j);
                }
            }
        }
        return Make(isFloat ? LiteralKind.Float : LiteralKind.Integer, 0, text.AsSpan(0, i), text.AsSpan(i));
    }

    private static Literal? Make(LiteralKind kind, byte hashes, ReadOnlySpan<char> symbol, ReadOnlySpan<char> suffix)
    {
        if (!IsSuffix(suffix)) return null;
        Symbol? suffixSymbol = suffix.IsEmpty ? null : Symbol.Intern(suffix);
        return new Literal(kind, hashes, Symbol.Intern(symbol), suffixSymbol, default);
    }

    private static bool IsSuffix(ReadOnlySpan<char> suffix)
    {
        if (suffix.IsEmpty) return true;
        if (IsDigit(suffix[0])) return false;
        foreach (var rune in suffix.EnumerateRunes())
        {
            if (rune.Value == '_' || Rune.IsLetterOrDigit(rune)) continue;
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation) continue;
            return false;
        }
        return true;
    }

    private static int SkipDigits(string text, int i)
    {
        while (i < text.Length && (IsDigit(text[i]) || text[i] == '_')) i++;
        return i;
    }

    private static bool IsDigit(char c) => char.IsAsciiDigit(c);
}
