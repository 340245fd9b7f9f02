namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// Which <see cref="BridgeOp"/> a <c>with_api!</c> method is, by name, and which signatures this
/// server serves for each operation. Method names are stable across rustc versions
/// (bridge-abi.md section 8): grouped <c>TokenStream::clone</c> became flat <c>ts_clone</c>.
/// Both come from the built-in tables: they are exactly what the interpreter and the token
/// server implement, so a learned method is accepted only under a name and with a signature
/// one of them has. An operation's signatures are those of all its methods (Drop and Clone serve
/// every handle type), which is right because such an operation does not depend on the type.
/// </summary>
internal static class BridgeOpNames
{
    // Flat (1.95+) names carry their former group as a prefix; free functions have none.
    private static readonly (string Prefix, string Group)[] FlatPrefixes =
    [
        ("ts_", "TokenStream"), ("span_", "Span"), ("symbol_", "Symbol"),
    ];

    // Both maps from one pass over the built-in tables, made when first needed.
    private static readonly Lazy<Catalog> Known = new(Collect);

    // Ops: (group, method) → the operations it is in some built-in table; where there are two the
    // signature decides (Span::start returned a LineColumn in 1.63 and a Span later).
    // Served: each operation's distinct signatures.
    private sealed record Catalog(
        Dictionary<(string Group, string Method), List<BridgeOp>> Ops,
        Dictionary<BridgeOp, List<(IReadOnlyList<WireType> Parameters, WireType Returns)>> Served);

    /// <summary>The (group, method) a method name stands for: flat names are split by their prefix.</summary>
    public static (string Group, string Method) Canonical(ApiMethod method) =>
        method.Group is not null ? (method.Group, method.Name) : CanonicalFlat(method.Name);

    // A built-in table's name: `Group::method` or a flat name.
    private static (string Group, string Method) Canonical(string qualifiedName)
    {
        var separator = qualifiedName.IndexOf("::", StringComparison.Ordinal);
        return separator < 0 ? CanonicalFlat(qualifiedName) : (qualifiedName[..separator], qualifiedName[(separator + 2)..]);
    }

    private static (string Group, string Method) CanonicalFlat(string name)
    {
        foreach (var (prefix, group) in FlatPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return (group, name[prefix.Length..]);
        }
        return ("FreeFunctions", name);
    }

    /// <summary>
    /// The operation of <paramref name="method"/> given its learned signature.
    /// </summary>
    /// <exception cref="BridgeLearningException">The name is unknown, or no operation of that name is served with this signature.</exception>
    public static BridgeOp Resolve(ApiMethod method, IReadOnlyList<WireType> parameters, WireType returns)
    {
        var key = Canonical(method);
        var (ops, served) = Known.Value;
        if (!ops.TryGetValue(key, out var candidates))
        {
            throw new BridgeLearningException($"with_api! method `{method.QualifiedName}` is not a bridge method this server knows");
        }
        foreach (var op in candidates)
        {
            if (served.TryGetValue(op, out var signatures)
                && signatures.Any(s => s.Returns == returns && s.Parameters.SequenceEqual(parameters)))
            {
                return op;
            }
        }
        var known = candidates
            .SelectMany(op => served.GetValueOrDefault(op) ?? [])
            .Select(s => $"({string.Join(", ", s.Parameters)}) -> {s.Returns}")
            .Distinct();
        throw new BridgeLearningException(
            $"with_api! method `{method.QualifiedName}` has the signature ({string.Join(", ", parameters)}) -> {returns}, "
            + $"which this server does not serve (it serves {string.Join(" or ", known)})");
    }

    private static Catalog Collect()
    {
        var catalog = new Catalog([], []);
        foreach (var m in BridgeAbiCatalog.BuiltIn.SelectMany(abi => abi.Methods))
        {
            var key = Canonical(m.Name);
            if (!catalog.Ops.TryGetValue(key, out var ops)) catalog.Ops[key] = ops = [];
            if (!ops.Contains(m.Op)) ops.Add(m.Op);
            if (!catalog.Served.TryGetValue(m.Op, out var signatures)) catalog.Served[m.Op] = signatures = [];
            if (!signatures.Any(s => s.Returns == m.Returns && s.Parameters.SequenceEqual(m.Parameters))) signatures.Add((m.Parameters, m.Returns));
        }
        return catalog;
    }
}
