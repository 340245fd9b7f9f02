using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// Builds a <see cref="BridgeAbi"/> from a toolchain's own proc_macro bridge sources, for rustc
/// versions without a built-in table. Every property of the table is read from the sources and
/// every structure the native side assumes is checked there; anything not understood makes
/// learning fail with a message saying what, because a wrong table kills the process.
/// </summary>
/// <remarks>
/// What is read, and from where:
/// <list type="bullet">
/// <item>methods, their order (the tag) and signatures (the wire types): <c>with_api!</c> in mod.rs;
/// groups mean two-byte tags, one flat list one-byte tags (checked against client.rs's tag encoding);</item>
/// <item>handle types, counter order and width, owned or interned: <c>HandleCounters</c> (client.rs) and
/// <c>HandleStore</c> (client.rs or server.rs), with the <c>'owned:</c>/<c>'interned:</c> lists where macros generate them;</item>
/// <item>argument order: client.rs <c>define_client_side</c> (<c>reverse_encode!</c> or in order), checked against server.rs;</item>
/// <item>counters access: the first field of <c>Client</c> (a function in 1.63, a pointer later);</item>
/// <item>input globals: whether the client decodes <c>(ExpnGlobals&lt;Span&gt;, A)</c>;</item>
/// <item>token trees as handles or structs: the arguments of <c>TokenTree&lt;…&gt;</c> in with_api!.</item>
/// </list>
/// Checked, not learned (the native side and the interpreter assume them): the layouts of
/// <c>Client</c>, <c>BridgeConfig</c>, <c>Buffer</c>, <c>Closure</c> and <c>ProcMacro</c>; handles as
/// non-zero u32 from <c>fetch_add</c>; u8 enum tags; the reply and output framing; and the
/// encodings of every compound type the table uses (Option, Result, Bound, TokenTree, Group,
/// Punct, Ident, Literal, LitKind, Diagnostic, ExpnGlobals, …) and of Symbol as a string.
/// A learned table is cached by the catalog for the process's lifetime.
/// </remarks>
public static class BridgeAbiLearner
{
    /// <summary>Learns the ABI of the toolchain in <paramref name="sysroot"/> from its preferred bridge sources.</summary>
    /// <param name="sysroot">A sysroot, e.g. <c>~/.rustup/toolchains/stable-x86_64-unknown-linux-gnu</c> or <c>/opt/rustc-1.85/usr</c>.</param>
    /// <param name="abi">The learned table.</param>
    /// <param name="failure">Why learning failed: what was missing or not understood.</param>
    public static bool TryLearn(string sysroot, [NotNullWhen(true)] out BridgeAbi? abi, [NotNullWhen(false)] out string? failure)
    {
        if (BridgeSourceLocator.Find(sysroot) is not { } location)
        {
            abi = null;
            failure = $"{sysroot} has no proc_macro bridge sources (looked for the rust-src component, Debian's src/rustc-<ver>, and the rust-docs HTML)";
            return false;
        }
        return TryLearn(location, out abi, out failure);
    }

    /// <summary>Learns the ABI from the bridge sources at <paramref name="location"/>.</summary>
    /// <param name="location">The bridge directory and its layout.</param>
    /// <param name="abi">The learned table.</param>
    /// <param name="failure">Why learning failed: what was missing or not understood.</param>
    public static bool TryLearn(BridgeSourceLocation location, [NotNullWhen(true)] out BridgeAbi? abi, [NotNullWhen(false)] out string? failure)
    {
        try
        {
            abi = Learn(BridgeSources.Load(location));
            failure = null;
            return true;
        }
        catch (BridgeLearningException e)
        {
            abi = null;
            failure = $"learning the bridge ABI from {location.Directory} failed: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// Finds the installed toolchain whose <c>rustc -V</c> is exactly <paramref name="version"/>'s
    /// string and learns its ABI. Entries of <see cref="RustToolchains.SourcesVariable"/> come
    /// first: a bridge directory there is used as given (the user vouches for it, and its failure
    /// is final), a sysroot must match by version like the installed ones.
    /// </summary>
    /// <param name="version">The dylib's rustc version.</param>
    /// <param name="resolved">The learned table and where it came from.</param>
    /// <param name="failure">Why no table could be learned, with what was tried.</param>
    public static bool TryLearnFor(RustcVersion version, [NotNullWhen(true)] out ResolvedBridgeAbi? resolved, [NotNullWhen(false)] out string? failure)
    {
        ArgumentNullException.ThrowIfNull(version);
        resolved = null;
        var notes = new List<string>();
        var sysroots = new List<string>();
        foreach (var entry in RustToolchains.ExplicitSources())
        {
            if (BridgeSourceLocator.FromDirectory(entry) is { } directory)
            {
                // The user named these sources: they are trusted to be the dylib's toolchain's.
                if (TryLearn(directory, out var abi, out failure))
                {
                    resolved = new ResolvedBridgeAbi(abi, $"learned from {directory.Directory}");
                    return true;
                }
                return false;
            }
            if (RustToolchains.IsSysroot(entry)) sysroots.Add(entry);
            else notes.Add($"{RustToolchains.SourcesVariable} entry {entry} is neither a sysroot nor a bridge directory");
        }
        sysroots.AddRange(RustToolchains.InstalledSysroots());

        var others = new List<string>();
        foreach (var sysroot in sysroots.Distinct(StringComparer.Ordinal))
        {
            if (!RustToolchains.TryGetVersion(sysroot, out var toolchainVersion, out var versionFailure))
            {
                notes.Add(versionFailure!);
                continue;
            }
            if (toolchainVersion != version.Raw)
            {
                others.Add(toolchainVersion!);
                continue;
            }
            var locations = BridgeSourceLocator.FindAll(sysroot);
            if (locations.Count == 0)
            {
                notes.Add($"{sysroot} is {version.Raw} but has no bridge sources (install its rust-src or rust-docs component)");
                continue;
            }
            foreach (var location in locations)
            {
                if (TryLearn(location, out var abi, out var learnFailure))
                {
                    resolved = new ResolvedBridgeAbi(abi, $"learned from {location.Directory}");
                    failure = null;
                    return true;
                }
                notes.Add(learnFailure);
            }
        }

        if (notes.Count == 0) notes.Add($"no installed toolchain is `{version.Raw}` (found: {(others.Count == 0 ? "none" : string.Join("; ", others.Distinct()))})");
        failure = string.Join("; ", notes);
        return false;
    }

    /// <summary>Learns the table from loaded sources.</summary>
    /// <exception cref="BridgeLearningException">Something is missing or not understood.</exception>
    internal static BridgeAbi Learn(BridgeSources s)
    {
        var api = WithApiParser.Parse(s.Mod);
        var (handles, counterWidth) = HandleLearning.Learn(s);
        var counters = BridgeLayoutChecks.ClientLayout(s);
        BridgeLayoutChecks.ProcMacroLayout(s);
        BridgeLayoutChecks.HandleRepresentation(s);
        var reversed = BridgeLayoutChecks.ReversedArguments(s);
        BridgeLayoutChecks.TagEncoding(s, api.Grouped);
        BridgeLayoutChecks.Framing(s);
        var globals = BridgeLayoutChecks.InputHasGlobals(s);

        // The interpreter allocates input streams and global spans without consulting the table.
        foreach (var required in new[] { HandleType.TokenStream, HandleType.Span })
        {
            if (handles.All(h => h.Type != required)) throw new BridgeLearningException($"the bridge has no {required} handle type");
        }
        CheckOwnership(handles);

        var mapper = new SignatureMapper(api.Parameters, handles);
        var groups = new List<(string? Group, IReadOnlyList<BridgeMethod> Methods)>();
        foreach (var (groupName, methods) in api.Groups)
        {
            var learned = new List<BridgeMethod>();
            foreach (var method in methods)
            {
                var parameters = method.Parameters.Select(p => mapper.Map(p.Type, method, $"parameter `{p.Name}`")).ToList();
                var returns = method.Returns is null ? WireType.Unit : mapper.Map(method.Returns, method, "return type");
                var op = BridgeOpNames.Resolve(method, parameters, returns);
                learned.Add(new BridgeMethod(op, method.QualifiedName, parameters, returns));
            }
            if (learned.Count > 256) throw new BridgeLearningException($"with_api! {(groupName is null ? "" : $"group {groupName} ")}has {learned.Count} methods; a one-byte tag holds 256");
            groups.Add((groupName, learned));
        }
        if (groups.Count > 256) throw new BridgeLearningException($"with_api! has {groups.Count} groups; a one-byte tag holds 256");

        var treesByHandle = mapper.TreesByHandle ?? false;
        if (mapper.TreesByHandle is not null) BridgeEncodingChecks.TokenTreeDefinition(s, treesByHandle);
        if (mapper.UsesSymbol) BridgeEncodingChecks.SymbolAsString(s);
        var needed = new List<string> { "Option", "Result" };
        needed.AddRange(mapper.Kinds.SelectMany(k => BridgeEncodingChecks.Needs(k, treesByHandle)));
        if (globals) needed.Add("ExpnGlobals");
        BridgeEncodingChecks.Verify(s, needed);

        var provisional = new BridgeAbi("learned", $"learned from {s.Location.Directory}", groups, reversed, counters, counterWidth, handles, globals, treesByHandle);
        return new BridgeAbi(NameFor(provisional), provisional.Description, groups, reversed, counters, counterWidth, handles, globals, treesByHandle);
    }

    // Owned and interned stores behave differently in the interpreter; each handle type must
    // behave as the interpreter implements it (spans, and 1.63's puncts and idents, interned).
    private static void CheckOwnership(List<HandleSlot> handles)
    {
        foreach (var slot in handles)
        {
            var known = BridgeAbiCatalog.BuiltIn.SelectMany(a => a.Handles).Where(h => h.Type == slot.Type).Select(h => h.Interned).Distinct().ToList();
            if (known.Count == 1 && known[0] != slot.Interned)
            {
                throw new BridgeLearningException($"handle type {slot.Type} is {(slot.Interned ? "interned" : "owned")}; this server stores it {(known[0] ? "interned" : "owned")}");
            }
        }
    }

    // A learned table that equals a built-in one is that ABI; otherwise it gets an id derived
    // from its content, so equal learned tables (one ABI, several rustc versions) share it.
    private static string NameFor(BridgeAbi learned)
    {
        foreach (var builtIn in BridgeAbiCatalog.BuiltIn)
        {
            if (learned.DescribeDifferences(builtIn).Count == 0) return builtIn.Name;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(learned.ToCanonicalText()));
        return "L" + Convert.ToHexStringLower(hash)[..8];
    }

    /// <summary>Maps with_api! types to wire types, remembering what the table uses.</summary>
    private sealed class SignatureMapper(IReadOnlyList<MacroParameter> parameters, IReadOnlyList<HandleSlot> handles)
    {
        private static readonly HandleType[] TreeHandles = [HandleType.Group, HandleType.Punct, HandleType.Ident, HandleType.Literal];

        /// <summary>Null until a TokenTree is seen; then whether its variants are handles.</summary>
        public bool? TreesByHandle { get; private set; }

        /// <summary>Whether Symbol (a string on the wire) occurs.</summary>
        public bool UsesSymbol { get; private set; }

        /// <summary>Every wire kind used.</summary>
        public HashSet<WireKind> Kinds { get; } = [];

        public WireType Map(string text, ApiMethod method, string what)
        {
            RustType type;
            try
            {
                type = RustType.Parse(text, parameters);
            }
            catch (BridgeLearningException e)
            {
                throw new BridgeLearningException($"with_api! method `{method.QualifiedName}`, {what}: {e.Message}");
            }
            var wire = Map(type, text, method, what);
            return wire;
        }

        private WireType Map(RustType type, string text, ApiMethod method, string what)
        {
            WireType Fail(string why) => throw new BridgeLearningException($"with_api! method `{method.QualifiedName}`, {what}: type `{text}` is not understood ({why})");
            WireType Use(WireType wire)
            {
                Kinds.Add(wire.Kind);
                return wire;
            }
            WireType Item(RustType t) => Map(t, text, method, what);

            switch (type)
            {
                case TupleType { Items.Count: 0 }:
                    return Use(WireType.Unit);
                case RefType { Target: PathType { Name: "str", Placeholder: false, Args.Count: 0 }, Mutable: false }:
                    return Use(WireType.Str);
                case RefType { Target: SliceType { Item: PathType { Name: "u8", Placeholder: false } }, Mutable: false }:
                    return Use(WireType.Bytes);
                case RefType { Target: PathType { Placeholder: true } target } reference:
                {
                    var handle = Handle(target.Name) ?? Fail($"`&{target}` borrows something that is not a handle");
                    return Use(reference.Mutable ? WireType.Mutable(handle.Handle) : WireType.Borrowed(handle.Handle));
                }
                case PathType { Placeholder: true } placeholder:
                {
                    if (Handle(placeholder.Name) is { } handle) return Use(handle);
                    if (placeholder.Name == "Symbol")
                    {
                        UsesSymbol = true;
                        return Use(WireType.Symbol);
                    }
                    return Fail($"{placeholder.Name} is neither a handle type nor Symbol");
                }
                case PathType { Placeholder: false } path:
                    switch (path.Name, path.Args.Count)
                    {
                        case ("bool", 0): return Use(WireType.Bool);
                        case ("usize", 0): return Use(WireType.Usize);
                        case ("char", 0): return Use(WireType.CharScalar);
                        case ("String", 0): return Use(WireType.Str);
                        case ("LineColumn", 0): return Use(WireType.LineColumn);
                        case ("Delimiter", 0): return Use(WireType.Delimiter);
                        case ("Spacing", 0): return Use(WireType.Spacing);
                        case ("Level", 0): return Use(WireType.Level);
                        case ("Option", 1): return Use(WireType.Option(Item(path.Args[0])));
                        case ("Vec", 1): return Use(WireType.Vec(Item(path.Args[0])));
                        case ("Result", 2): return Use(WireType.Result(Item(path.Args[0]), Item(path.Args[1])));
                        case ("Bound", 1) when path.Args[0] is PathType { Name: "usize", Placeholder: false }: return Use(WireType.Bound);
                        case ("Range", 1) when path.Args[0] is PathType { Name: "usize", Placeholder: false }: return Use(WireType.UsizeRange);
                        case ("Literal", 2) when IsPlaceholders(path.Args, "Span", "Symbol"):
                            UsesSymbol = true;
                            return Use(WireType.Literal);
                        case ("Diagnostic", 1) when IsPlaceholders(path.Args, "Span"):
                            return Use(WireType.Diagnostic);
                        case ("TokenTree", _):
                            return Use(Tree(path, Fail));
                    }
                    return Fail($"{path.Name}{(path.Args.Count == 0 ? "" : $" with {path.Args.Count} type arguments")} is not a bridge type this server knows");
                default:
                    return Fail("no such bridge type");
            }
        }

        private WireType Tree(PathType path, Func<string, WireType> fail)
        {
            bool byHandle;
            if (IsPlaceholders(path.Args, "TokenStream", "Span", "Symbol"))
            {
                byHandle = false;
                UsesSymbol = true;
            }
            else if (IsPlaceholders(path.Args, "Group", "Punct", "Ident", "Literal") && TreeHandles.All(t => handles.Any(h => h.Type == t)))
            {
                byHandle = true;
            }
            else
            {
                return fail("a TokenTree over neither <TokenStream, Span, Symbol> nor the handles <Group, Punct, Ident, Literal>");
            }
            if (TreesByHandle is { } seen && seen != byHandle) return fail("token trees appear both as handles and as structs");
            TreesByHandle = byHandle;
            return WireType.TokenTree;
        }

        private static bool IsPlaceholders(IReadOnlyList<RustType> args, params string[] names) =>
            args.Count == names.Length && args.Zip(names).All(p => p.First is PathType { Placeholder: true, Args.Count: 0 } t && t.Name == p.Second);

        private WireType? Handle(string name)
        {
            foreach (var slot in handles)
            {
                if (slot.Type.ToString() == name) return WireType.Owned(slot.Type);
            }
            return null;
        }
    }
}
