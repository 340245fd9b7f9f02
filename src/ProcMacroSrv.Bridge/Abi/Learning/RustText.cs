using System.Text;

namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// The little Rust lexing the learner needs: comments removed, literals skipped when matching
/// brackets, and a token form that makes comparisons independent of formatting.
/// </summary>
/// <remarks>
/// This is not a Rust parser. It reads the few bridge declarations whose shape is known and
/// fails (through the callers) whenever something does not have that shape.
/// </remarks>
internal static class RustText
{
    /// <summary>The text with every comment replaced by a space (line comments keep their newline).</summary>
    public static string StripComments(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                sb.Append(' ');
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                // Block comments nest in Rust.
                var depth = 0;
                do
                {
                    if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*') { depth++; i += 2; }
                    else if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/') { depth--; i += 2; }
                    else i++;
                } while (depth > 0 && i < text.Length);
                sb.Append(' ');
                continue;
            }
            var literalEnd = SkipLiteral(text, i);
            if (literalEnd > i)
            {
                sb.Append(text, i, literalEnd - i);
                i = literalEnd;
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>
    /// If a string, raw string, byte string or char literal starts at <paramref name="i"/>, the
    /// index after it; otherwise <paramref name="i"/>. Lifetimes and labels (<c>'a</c>,
    /// <c>'owned:</c>) are not literals.
    /// </summary>
    public static int SkipLiteral(string text, int i)
    {
        var c = text[i];
        // A prefix letter belongs to a literal only at the start of a token.
        var tokenStart = i == 0 || !IsIdentChar(text[i - 1]);
        if (tokenStart && (c == 'r' || (c == 'b' && i + 1 < text.Length && text[i + 1] == 'r')))
        {
            // r"…", r#"…"#, br"…": a raw identifier such as r#type has no quote after the #s.
            var j = i + (c == 'r' ? 1 : 2);
            var hashes = 0;
            while (j < text.Length && text[j] == '#') { hashes++; j++; }
            if (j < text.Length && text[j] == '"')
            {
                var close = "\"" + new string('#', hashes);
                var end = text.IndexOf(close, j + 1, StringComparison.Ordinal);
                return end < 0 ? text.Length : end + close.Length;
            }
            return i;
        }
        if (tokenStart && c == 'b' && i + 1 < text.Length && text[i + 1] is '"' or '\'') return SkipLiteral(text, i + 1);
        if (c == '"')
        {
            var j = i + 1;
            while (j < text.Length && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
            return Math.Min(j + 1, text.Length);
        }
        if (c == '\'')
        {
            if (i + 1 < text.Length && text[i + 1] == '\\')
            {
                var end = text.IndexOf('\'', i + 3);
                return end < 0 ? text.Length : end + 1;
            }
            // 'x' is a char; 'x… without a closing quote two places on is a lifetime or label.
            if (i + 2 < text.Length && text[i + 2] == '\'') return i + 3;
            var rune = i + 1 < text.Length && char.IsHighSurrogate(text[i + 1]) ? 2 : 1;
            if (i + 1 + rune < text.Length && text[i + 1 + rune] == '\'') return i + 2 + rune;
        }
        return i;
    }

    /// <summary>True for characters that continue an identifier.</summary>
    public static bool IsIdentChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>The index of the bracket closing the one at <paramref name="open"/>, or -1.</summary>
    /// <remarks>Only (), [] and {} are matched; literals are skipped. Comments must be stripped first.</remarks>
    public static int MatchingClose(string text, int open)
    {
        var stack = new Stack<char>();
        var i = open;
        while (i < text.Length)
        {
            var end = SkipLiteral(text, i);
            if (end > i)
            {
                i = end;
                continue;
            }
            var c = text[i];
            switch (c)
            {
                case '(': stack.Push(')'); break;
                case '[': stack.Push(']'); break;
                case '{': stack.Push('}'); break;
                case ')' or ']' or '}':
                    if (stack.Count == 0 || stack.Pop() != c) return -1;
                    if (stack.Count == 0) return i;
                    break;
            }
            i++;
        }
        return -1;
    }

    /// <summary>
    /// Splits at commas that are not nested in any bracket (including <c>&lt;&gt;</c>, where
    /// <c>-&gt;</c> is not a closer). Empty trailing items (a trailing comma) are dropped.
    /// </summary>
    public static List<string> SplitTopLevel(string text, char separator = ',')
    {
        var items = new List<string>();
        var depth = 0;
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var end = SkipLiteral(text, i);
            if (end > i)
            {
                i = end;
                continue;
            }
            var c = text[i];
            if (c is '(' or '[' or '{' or '<') depth++;
            else if (c is ')' or ']' or '}') depth--;
            else if (c == '>' && !(i > 0 && text[i - 1] == '-')) depth--;
            else if (c == separator && depth == 0)
            {
                items.Add(text[start..i].Trim());
                start = i + 1;
            }
            i++;
        }
        var last = text[start..].Trim();
        if (last.Length > 0) items.Add(last);
        return items;
    }

    /// <summary>
    /// Splits Rust text into tokens: identifiers (with a leading <c>$</c> for macro variables),
    /// lifetimes, literals, <c>::</c>, <c>-&gt;</c>, <c>=&gt;</c> and single punctuation characters.
    /// </summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var literalEnd = SkipLiteral(text, i);
            if (literalEnd > i)
            {
                tokens.Add(text[i..literalEnd]);
                i = literalEnd;
                continue;
            }
            if (IsIdentChar(c) || (c == '$' && i + 1 < text.Length && IsIdentChar(text[i + 1])) || c == '\'')
            {
                var j = i + 1;
                while (j < text.Length && IsIdentChar(text[j])) j++;
                tokens.Add(text[i..j]);
                i = j;
                continue;
            }
            if (i + 1 < text.Length)
            {
                var pair = text.Substring(i, 2);
                if (pair is "::" or "->" or "=>")
                {
                    tokens.Add(pair);
                    i += 2;
                    continue;
                }
            }
            tokens.Add(c.ToString());
            i++;
        }
        return tokens;
    }

    /// <summary>The tokens joined by single spaces: a formatting-independent form for comparisons.</summary>
    public static string Normalize(string text) => string.Join(' ', Tokens(text));

    /// <summary>Whether the token sequence of <paramref name="fragment"/> occurs in <paramref name="text"/>.</summary>
    public static bool ContainsTokens(string text, string fragment) =>
        (" " + Normalize(text) + " ").Contains(" " + Normalize(fragment) + " ", StringComparison.Ordinal);

    /// <summary>The index of the first whole-word occurrence of <paramref name="word"/> at or after <paramref name="from"/>, or -1.</summary>
    public static int IndexOfWord(string text, string word, int from = 0)
    {
        var i = from;
        while ((i = text.IndexOf(word, i, StringComparison.Ordinal)) >= 0)
        {
            var before = i == 0 || !IsIdentChar(text[i - 1]);
            var after = i + word.Length >= text.Length || !IsIdentChar(text[i + word.Length]);
            if (before && after) return i;
            i += word.Length;
        }
        return -1;
    }
}
