namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>A struct or enum definition found in a bridge file.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Attributes">The attributes written before it, normalized (e.g. <c># [ repr ( C ) ]</c>).</param>
/// <param name="Body">The text between its braces.</param>
/// <param name="Start">Where the definition starts in the file.</param>
internal sealed record RustItem(string Name, IReadOnlyList<string> Attributes, string Body, int Start)
{
    /// <summary>Whether it is <c>#[repr(C)]</c>, i.e. has the C layout the native side assumes.</summary>
    public bool IsReprC => Attributes.Any(a => a is "# [ repr ( C ) ]");
}

/// <summary>A field of a struct body: a named field, or a macro repetition <c>$($var: Type,)*</c> over a list of names.</summary>
/// <param name="Name">The field name, or the repeated variable (without <c>$</c>).</param>
/// <param name="Type">The type, normalized.</param>
/// <param name="Repeated">True for a repetition.</param>
internal sealed record RustField(string Name, string Type, bool Repeated);

/// <summary>A compound encoding declared with <c>rpc_encode_decode!</c> / <c>compound_traits!</c>.</summary>
/// <param name="IsEnum">Enum (a u8 variant tag, then the payload) or struct (fields in order).</param>
/// <param name="Members">Variants (with <c>(x)</c> when they carry a payload) or fields, in encoding order.</param>
internal sealed record CompoundEncoding(bool IsEnum, IReadOnlyList<string> Members);

/// <summary>Finds struct and enum definitions, their fields, and compound encodings in bridge sources.</summary>
internal static class RustItems
{
    /// <summary>Every definition <c>struct Name …{ … }</c> (or <c>enum</c>) in <paramref name="text"/>.</summary>
    public static List<RustItem> Find(string text, string keyword, string name)
    {
        var items = new List<RustItem>();
        var i = 0;
        while ((i = RustText.IndexOfWord(text, keyword, i)) >= 0)
        {
            var after = i + keyword.Length;
            var j = after;
            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            if (RustText.IndexOfWord(text, name, j) == j && !IsMacroArgument(text, i))
            {
                // Skip generics up to the body; a `;` first means a unit or tuple struct.
                var open = text.IndexOfAny(['{', ';', '('], j);
                if (open >= 0 && text[open] == '{')
                {
                    var close = RustText.MatchingClose(text, open);
                    if (close > open) items.Add(new RustItem(name, AttributesBefore(text, i), text[(open + 1)..close], i));
                }
            }
            i = after;
        }
        return items;
    }

    // `compound_traits!(struct Group<…> { … })` describes an encoding; it is not the definition.
    private static bool IsMacroArgument(string text, int at)
    {
        var i = at - 1;
        while (i >= 0 && char.IsWhiteSpace(text[i])) i--;
        if (i < 0 || text[i] is not ('(' or '{' or '[')) return false;
        i--;
        while (i >= 0 && char.IsWhiteSpace(text[i])) i--;
        return i >= 0 && text[i] == '!';
    }

    /// <summary>The single definition of <paramref name="name"/>, or an error naming the file.</summary>
    public static RustItem FindOne(string text, string keyword, string name, string file)
    {
        var items = Find(text, keyword, name);
        return items.Count switch
        {
            1 => items[0],
            0 => throw new BridgeLearningException($"{file} has no `{keyword} {name} {{ … }}`"),
            _ => throw new BridgeLearningException($"{file} defines `{keyword} {name}` {items.Count} times; which one is used is not understood"),
        };
    }

    /// <summary>The fields of a struct body (attributes and visibility dropped).</summary>
    public static List<RustField> Fields(string body, string what)
    {
        var fields = new List<RustField>();
        var i = 0;
        var text = body.Trim();
        while (i < text.Length)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ',')) i++;
            if (i >= text.Length) break;
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '(')
            {
                var close = RustText.MatchingClose(text, i + 1);
                if (close < 0) throw new BridgeLearningException($"{what}: unbalanced macro repetition");
                var inner = text[(i + 2)..close].Trim().TrimEnd(',');
                var field = Field(inner, what);
                if (!field.Name.StartsWith('$')) throw new BridgeLearningException($"{what}: repetition `$({inner})` does not repeat a `$variable`");
                fields.Add(field with { Name = field.Name[1..], Repeated = true });
                i = close + 1;
                while (i < text.Length && text[i] is '*' or '+' or ',') i++;
                continue;
            }
            var end = i;
            var depth = 0;
            while (end < text.Length)
            {
                var skip = RustText.SkipLiteral(text, end);
                if (skip > end) { end = skip; continue; }
                var c = text[end];
                if (c is '(' or '[' or '{' or '<') depth++;
                else if (c is ')' or ']' or '}') depth--;
                else if (c == '>' && text[end - 1] != '-') depth--;
                else if (c == ',' && depth == 0) break;
                end++;
            }
            fields.Add(Field(text[i..end], what));
            i = end + 1;
        }
        return fields;
    }

    private static RustField Field(string text, string what)
    {
        var tokens = RustText.Tokens(text);
        var k = 0;
        while (k < tokens.Count && tokens[k] == "#")
        {
            // #[attr(...)]
            var depth = 0;
            k++;
            do
            {
                if (tokens[k] == "[") depth++;
                else if (tokens[k] == "]") depth--;
                k++;
            } while (depth > 0 && k < tokens.Count);
        }
        if (k < tokens.Count && tokens[k] == "pub")
        {
            k++;
            if (k < tokens.Count && tokens[k] == "(")
            {
                while (k < tokens.Count && tokens[k] != ")") k++;
                k++;
            }
        }
        if (k + 2 > tokens.Count || tokens[k + 1] != ":") throw new BridgeLearningException($"{what}: `{text.Trim()}` is not a field `name: Type`");
        return new RustField(tokens[k], string.Join(' ', tokens.Skip(k + 2)), false);
    }

    /// <summary>The normalized attributes (<c>#[…]</c>) directly before the item starting at <paramref name="at"/>, skipping its visibility.</summary>
    private static List<string> AttributesBefore(string text, int at)
    {
        var attributes = new List<string>();
        var i = at - 1;
        while (true)
        {
            while (i >= 0 && char.IsWhiteSpace(text[i])) i--;
            // Visibility: pub, pub(super), pub(crate).
            if (i >= 0 && text[i] == ')')
            {
                var open = text.LastIndexOf('(', i);
                var before = open - 1;
                while (before >= 0 && char.IsWhiteSpace(text[before])) before--;
                if (before >= 2 && text.Substring(before - 2, 3) == "pub") { i = before - 3; continue; }
            }
            if (i >= 2 && text.Substring(i - 2, 3) == "pub" && (i - 3 < 0 || !RustText.IsIdentChar(text[i - 3]))) { i -= 3; continue; }
            if (i >= 0 && text[i] == ']')
            {
                var depth = 0;
                var j = i;
                for (; j >= 0; j--)
                {
                    if (text[j] == ']') depth++;
                    else if (text[j] == '[' && --depth == 0) break;
                }
                if (j >= 1 && text[j - 1] == '#')
                {
                    attributes.Add(RustText.Normalize(text[(j - 1)..(i + 1)]));
                    i = j - 2;
                    continue;
                }
            }
            return attributes;
        }
    }

    /// <summary>
    /// Every <c>rpc_encode_decode!(enum|struct Name … { … })</c> and <c>compound_traits!(…)</c>
    /// invocation, by type name. Macro-variable members (<c>$($method),*</c>) are skipped.
    /// </summary>
    public static Dictionary<string, CompoundEncoding> CompoundEncodings(string text, string file)
    {
        var found = new Dictionary<string, CompoundEncoding>(StringComparer.Ordinal);
        foreach (var macro in new[] { "rpc_encode_decode", "compound_traits" })
        {
            var i = 0;
            while ((i = RustText.IndexOfWord(text, macro, i)) >= 0)
            {
                var j = i + macro.Length;
                i = j;
                while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
                if (j >= text.Length || text[j] != '!') continue;
                j++;
                while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
                if (j >= text.Length || text[j] is not ('(' or '{' or '[')) continue;
                var close = RustText.MatchingClose(text, j);
                if (close < 0) continue;
                var inner = text[(j + 1)..close].Trim();
                var tokens = RustText.Tokens(inner[..Math.Min(inner.Length, 80)]);
                if (tokens.Count < 2 || tokens[0] is not ("enum" or "struct") || !WithApiParser.IsIdentifier(tokens[1])) continue;
                var open = inner.IndexOf('{');
                var end = open < 0 ? -1 : RustText.MatchingClose(inner, open);
                if (end < 0) continue;
                var members = RustText.SplitTopLevel(inner[(open + 1)..end]).Select(RustText.Normalize).ToList();
                if (members.Any(m => m.StartsWith('$'))) continue;
                var encoding = new CompoundEncoding(tokens[0] == "enum", members);
                if (found.TryGetValue(tokens[1], out var previous) && !previous.Members.SequenceEqual(members))
                {
                    throw new BridgeLearningException($"{file} declares two different encodings for {tokens[1]}");
                }
                found[tokens[1]] = encoding;
            }
        }
        return found;
    }
}
