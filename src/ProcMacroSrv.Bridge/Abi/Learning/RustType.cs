namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>Learning failed: something in the bridge sources is not understood. The message says what.</summary>
internal sealed class BridgeLearningException(string message) : Exception(message);

/// <summary>A Rust type as written in a bridge signature.</summary>
internal abstract record RustType
{
    /// <summary>Parses <paramref name="text"/>, resolving <c>with_api!</c>'s type parameters (<c>$S::Span</c>, <c>$Span</c>).</summary>
    /// <param name="text">The type.</param>
    /// <param name="parameters">The macro's parameters; a <c>$name</c> not among them is an error.</param>
    /// <exception cref="BridgeLearningException">The text is not a type this reader understands.</exception>
    public static RustType Parse(string text, IReadOnlyList<MacroParameter> parameters)
    {
        var tokens = RustText.Tokens(text);
        var i = 0;
        var type = ParseType(tokens, ref i, parameters, text);
        if (i != tokens.Count) throw new BridgeLearningException($"type `{text}` is not understood (unexpected `{tokens[i]}`)");
        return type;
    }

    private static RustType ParseType(List<string> t, ref int i, IReadOnlyList<MacroParameter> parameters, string text)
    {
        string Next(ref int i) => i < t.Count ? t[i++] : throw new BridgeLearningException($"type `{text}` ends early");
        var token = Next(ref i);
        switch (token)
        {
            case "&":
            {
                if (i < t.Count && t[i].StartsWith('\'')) i++;
                var mutable = i < t.Count && t[i] == "mut";
                if (mutable) i++;
                return new RefType(ParseType(t, ref i, parameters, text), mutable);
            }
            case "[":
            {
                var item = ParseType(t, ref i, parameters, text);
                if (Next(ref i) != "]") throw new BridgeLearningException($"type `{text}`: only slices `[T]` are understood in brackets");
                return new SliceType(item);
            }
            case "(":
            {
                var items = new List<RustType>();
                while (i < t.Count && t[i] != ")")
                {
                    items.Add(ParseType(t, ref i, parameters, text));
                    if (i < t.Count && t[i] == ",") i++;
                }
                Next(ref i);
                return new TupleType(items);
            }
        }

        if (!token.StartsWith('$') && !WithApiParser.IsIdentifier(token)) throw new BridgeLearningException($"type `{text}` is not understood (unexpected `{token}`)");
        var segments = new List<string> { token };
        while (i + 1 < t.Count && t[i] == "::")
        {
            segments.Add(t[i + 1]);
            i += 2;
        }
        var args = new List<RustType>();
        if (i < t.Count && t[i] == "<")
        {
            i++;
            while (i < t.Count && t[i] != ">")
            {
                args.Add(ParseType(t, ref i, parameters, text));
                if (i < t.Count && t[i] == ",") i++;
            }
            if (Next(ref i) != ">") throw new BridgeLearningException($"type `{text}`: unclosed `<`");
        }

        if (!token.StartsWith('$')) return new PathType(string.Join("::", segments), args, Placeholder: false);

        // `$S::Name` (S an ident parameter naming the module or Self) or `$Name` (a path parameter).
        var parameter = parameters.FirstOrDefault(p => p.Name == token[1..])
            ?? throw new BridgeLearningException($"type `{text}` uses `{token}`, which is not a parameter of with_api!");
        var name = (segments.Count, parameter.Fragment) switch
        {
            (2, "ident") => segments[1],
            (1, "path" or "ty") => parameter.Name,
            _ => throw new BridgeLearningException($"type `{text}`: `{string.Join("::", segments)}` is not a with_api! type placeholder"),
        };
        if (args.Count != 0) throw new BridgeLearningException($"type `{text}`: the placeholder {name} takes no generic arguments");
        return new PathType(name, args, Placeholder: true);
    }
}

/// <summary>A path type such as <c>Option&lt;T&gt;</c>; <see cref="Placeholder"/> when it is one of with_api!'s type parameters.</summary>
internal sealed record PathType(string Name, IReadOnlyList<RustType> Args, bool Placeholder) : RustType
{
    /// <inheritdoc/>
    public override string ToString() => (Placeholder ? "$" : "") + Name + (Args.Count == 0 ? "" : $"<{string.Join(", ", Args)}>");
}

/// <summary><c>&amp;T</c> or <c>&amp;mut T</c>.</summary>
internal sealed record RefType(RustType Target, bool Mutable) : RustType
{
    /// <inheritdoc/>
    public override string ToString() => (Mutable ? "&mut " : "&") + Target;
}

/// <summary><c>[T]</c>.</summary>
internal sealed record SliceType(RustType Item) : RustType
{
    /// <inheritdoc/>
    public override string ToString() => $"[{Item}]";
}

/// <summary>A tuple; <c>()</c> when empty.</summary>
internal sealed record TupleType(IReadOnlyList<RustType> Items) : RustType
{
    /// <inheritdoc/>
    public override string ToString() => $"({string.Join(", ", Items)})";
}
