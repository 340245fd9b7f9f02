namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>One parameter of a <c>with_api!</c> method: its name and its type as written.</summary>
internal sealed record ApiParameter(string Name, string Type);

/// <summary>One <c>fn</c> of <c>with_api!</c>, with the group it is declared in (null in the flat list).</summary>
internal sealed record ApiMethod(string? Group, string Name, IReadOnlyList<ApiParameter> Parameters, string? Returns)
{
    /// <summary><c>Group::name</c>, or <c>name</c> in the flat list: how the built-in tables name methods.</summary>
    public string QualifiedName => Group is null ? Name : $"{Group}::{Name}";
}

/// <summary>A macro parameter of <c>with_api!</c>'s matcher, e.g. <c>$S:ident</c> or <c>$Span: path</c>.</summary>
internal sealed record MacroParameter(string Name, string Fragment);

/// <summary>The parsed <c>with_api!</c> macro.</summary>
/// <param name="Parameters">The matcher's parameters, e.g. <c>S:ident, self:ident, m:ident</c>.</param>
/// <param name="Grouped">True when methods are listed in groups (<c>TokenStream { fn … }</c>), false for one flat list.</param>
/// <param name="Groups">The groups in declaration order (one unnamed group for the flat list).</param>
internal sealed record WithApiDefinition(IReadOnlyList<MacroParameter> Parameters, bool Grouped, IReadOnlyList<(string? Name, IReadOnlyList<ApiMethod> Methods)> Groups);

/// <summary>
/// Reads the <c>with_api!</c> macro of a bridge's <c>mod.rs</c>: the RPC method list whose order
/// defines the method tags and whose signatures define the wire types.
/// </summary>
internal static class WithApiParser
{
    /// <summary>Parses <c>macro_rules! with_api</c> in <paramref name="modRs"/> (comments already stripped).</summary>
    /// <exception cref="BridgeLearningException">The macro is missing or not of a known shape.</exception>
    public static WithApiDefinition Parse(string modRs)
    {
        var at = FindMacroRules(modRs, "with_api")
            ?? throw new BridgeLearningException("mod.rs has no `macro_rules! with_api`: the bridge's method list was not found");
        var (matcher, expansion) = SingleRule(modRs, at, "with_api");

        var parameters = new List<MacroParameter>();
        foreach (var item in RustText.SplitTopLevel(matcher))
        {
            var colon = item.IndexOf(':');
            if (!item.StartsWith('$') || colon < 0) throw new BridgeLearningException($"with_api!'s matcher `({matcher.Trim()})` is not a list of `$name:fragment` parameters");
            parameters.Add(new MacroParameter(item[1..colon].Trim(), item[(colon + 1)..].Trim()));
        }

        // The expansion is `$m! { … }`, $m being the macro given as an argument.
        var body = expansion.Trim();
        var bang = body.IndexOf('!');
        var invoked = bang > 0 ? body[..bang].Trim() : "";
        if (!invoked.StartsWith('$') || !parameters.Any(p => p.Name == invoked[1..] && p.Fragment == "ident"))
        {
            throw new BridgeLearningException("with_api!'s expansion is not an invocation `$m! { … }` of its macro argument");
        }
        var open = body.IndexOf('{', bang);
        var close = open < 0 ? -1 : RustText.MatchingClose(body, open);
        if (open < 0 || close < 0 || body[(close + 1)..].Trim().Trim(';').Length != 0)
        {
            throw new BridgeLearningException("with_api!'s expansion is not of the form `$m! { … }`");
        }
        var list = body[(open + 1)..close];
        return ParseList(list, parameters);
    }

    /// <summary>The index of <c>macro_rules! name</c> in <paramref name="text"/>, or null.</summary>
    public static int? FindMacroRules(string text, string name)
    {
        var i = 0;
        while ((i = RustText.IndexOfWord(text, "macro_rules", i)) >= 0)
        {
            var tokens = RustText.Tokens(text.Substring(i, Math.Min(200, text.Length - i)));
            if (tokens.Count >= 3 && tokens[1] == "!" && tokens[2] == name) return i;
            i += "macro_rules".Length;
        }
        return null;
    }

    /// <summary>The body <c>{ … }</c> of the macro at <paramref name="at"/>, without the braces.</summary>
    public static string MacroBody(string text, int at, string name)
    {
        var open = text.IndexOf('{', at);
        var close = open < 0 ? -1 : RustText.MatchingClose(text, open);
        if (close < 0) throw new BridgeLearningException($"`macro_rules! {name}` has no balanced body");
        return text[(open + 1)..close];
    }

    /// <summary>The matcher and expansion of a macro that has exactly one rule.</summary>
    public static (string Matcher, string Expansion) SingleRule(string text, int at, string name)
    {
        var rules = Rules(MacroBody(text, at, name), name);
        if (rules.Count != 1) throw new BridgeLearningException($"`macro_rules! {name}` has {rules.Count} rules; one was expected");
        return rules[0];
    }

    /// <summary>The rules (matcher, expansion) of a macro body.</summary>
    public static List<(string Matcher, string Expansion)> Rules(string body, string name)
    {
        var rules = new List<(string, string)>();
        var i = 0;
        while (true)
        {
            while (i < body.Length && (char.IsWhiteSpace(body[i]) || body[i] == ';')) i++;
            if (i >= body.Length) return rules;
            if (body[i] is not ('(' or '[' or '{')) throw new BridgeLearningException($"`macro_rules! {name}`: a rule does not start with a matcher");
            var matcherEnd = RustText.MatchingClose(body, i);
            if (matcherEnd < 0) throw new BridgeLearningException($"`macro_rules! {name}`: unbalanced matcher");
            var open = matcherEnd + 1;
            while (open < body.Length && char.IsWhiteSpace(body[open])) open++;
            var arrow = open + 1 < body.Length && body[open] == '=' && body[open + 1] == '>';
            open += 2;
            while (open < body.Length && char.IsWhiteSpace(body[open])) open++;
            if (!arrow || open >= body.Length || body[open] is not ('(' or '[' or '{'))
            {
                throw new BridgeLearningException($"`macro_rules! {name}`: a matcher is not followed by `=> {{ … }}`");
            }
            var close = RustText.MatchingClose(body, open);
            if (close < 0) throw new BridgeLearningException($"`macro_rules! {name}`: unbalanced expansion");
            rules.Add((body[(i + 1)..matcherEnd], body[(open + 1)..close]));
            i = close + 1;
        }
    }

    private static WithApiDefinition ParseList(string list, IReadOnlyList<MacroParameter> parameters)
    {
        var text = list.Trim();
        if (text.Length == 0) throw new BridgeLearningException("with_api! lists no methods");
        var first = RustText.Tokens(text[..Math.Min(64, text.Length)]);
        if (first[0] == "fn")
        {
            return new WithApiDefinition(parameters, false, [(null, ParseMethods(text, null))]);
        }
        if (first.Count < 2 || !IsIdentifier(first[0]) || first[1] != "{")
        {
            throw new BridgeLearningException($"with_api!'s list starts with `{string.Join(' ', first.Take(3))}`: neither a method `fn` nor a group `Name {{ … }}`");
        }

        var groups = new List<(string?, IReadOnlyList<ApiMethod>)>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ',')) i++;
            if (i >= text.Length) break;
            var open = text.IndexOf('{', i);
            var name = open < 0 ? "" : text[i..open].Trim();
            if (!IsIdentifier(name)) throw new BridgeLearningException($"with_api!: `{Excerpt(text, i)}` is not a method group `Name {{ … }}`");
            var close = RustText.MatchingClose(text, open);
            if (close < 0) throw new BridgeLearningException($"with_api!: group {name} is not closed");
            if (groups.Any(g => g.Item1 == name)) throw new BridgeLearningException($"with_api!: group {name} is listed twice");
            groups.Add((name, ParseMethods(text[(open + 1)..close], name)));
            i = close + 1;
        }
        return new WithApiDefinition(parameters, true, groups);
    }

    private static List<ApiMethod> ParseMethods(string text, string? group)
    {
        var methods = new List<ApiMethod>();
        var where = group is null ? "with_api!" : $"with_api! group {group}";
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            if (RustText.IndexOfWord(text, "fn", i) != i) throw new BridgeLearningException($"{where}: `{Excerpt(text, i)}` is not a method declaration `fn name(…) -> T;`");
            var open = text.IndexOf('(', i);
            var name = open < 0 ? "" : text[(i + 2)..open].Trim();
            if (!IsIdentifier(name)) throw new BridgeLearningException($"{where}: `{Excerpt(text, i)}` is not a method declaration `fn name(…) -> T;`");
            var close = RustText.MatchingClose(text, open);
            if (close < 0) throw new BridgeLearningException($"{where}: the parameters of {name} are not closed");
            var end = close + 1;
            while (end < text.Length && text[end] != ';')
            {
                var skip = RustText.SkipLiteral(text, end);
                if (text[end] is '(' or '[' or '{') end = RustText.MatchingClose(text, end) + 1;
                else end = skip > end ? skip : end + 1;
                if (end <= 0) break;
            }
            if (end <= 0 || end >= text.Length) throw new BridgeLearningException($"{where}: the declaration of {name} does not end with `;`");
            var tail = text[(close + 1)..end].Trim();
            string? returns = null;
            if (tail.Length > 0)
            {
                if (!tail.StartsWith("->", StringComparison.Ordinal)) throw new BridgeLearningException($"{where}: {name}: `{tail}` after the parameters is not a return type `-> T`");
                returns = tail[2..].Trim();
            }

            var parameters = new List<ApiParameter>();
            foreach (var item in RustText.SplitTopLevel(text[(open + 1)..close]))
            {
                var colon = FindTypeColon(item);
                if (colon < 0) throw new BridgeLearningException($"{where}: {name}: parameter `{item}` is not `name: Type`");
                var parameterName = item[..colon].Trim();
                if (parameterName.StartsWith('$')) parameterName = parameterName[1..];
                if (!IsIdentifier(parameterName)) throw new BridgeLearningException($"{where}: {name}: parameter `{item}` is not `name: Type`");
                parameters.Add(new ApiParameter(parameterName, item[(colon + 1)..].Trim()));
            }
            if (methods.Any(m => m.Name == name)) throw new BridgeLearningException($"{where}: method {name} is declared twice");
            methods.Add(new ApiMethod(group, name, parameters, returns));
            i = end + 1;
        }
        if (methods.Count == 0) throw new BridgeLearningException($"{where} declares no methods");
        return methods;
    }

    // The colon between a parameter's name and type (not one of a `::` path separator).
    private static int FindTypeColon(string item)
    {
        for (var i = 0; i < item.Length; i++)
        {
            if (item[i] != ':') continue;
            if (i + 1 < item.Length && item[i + 1] == ':') { i++; continue; }
            return i;
        }
        return -1;
    }

    internal static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(RustText.IsIdentChar);

    private static string Excerpt(string text, int at)
    {
        var line = text[at..].Split('\n')[0].Trim();
        return line.Length > 60 ? line[..60] + "…" : line;
    }
}
