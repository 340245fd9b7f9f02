using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Bridge.Abi;

/// <summary>One method of a bridge ABI: its operation and its declared signature.</summary>
/// <param name="Op">What the method does.</param>
/// <param name="Name">The method's name in that rustc's <c>with_api!</c> list (for messages).</param>
/// <param name="Parameters">Parameter types in declared order.</param>
/// <param name="Returns">The return type.</param>
public sealed record BridgeMethod(BridgeOp Op, string Name, IReadOnlyList<WireType> Parameters, WireType Returns);

/// <summary>Where a handle type's counter lives in the dylib's <c>HandleCounters</c> static, and how it behaves.</summary>
/// <param name="Type">The handle type.</param>
/// <param name="CounterIndex">Index of its counter in the counters struct.</param>
/// <param name="Interned">True when equal values share one handle (spans; in 1.63 also puncts and idents).</param>
public sealed record HandleSlot(HandleType Type, int CounterIndex, bool Interned);

/// <summary>How a client's 16-byte <c>Client</c> struct reaches its handle counters.</summary>
public enum CountersAccess : byte
{
    /// <summary><c>Client+0</c> is a function returning the counters (1.63).</summary>
    Function,
    /// <summary><c>Client+0</c> points at the counters (1.85+).</summary>
    Pointer,
}

/// <summary>
/// A bridge ABI as data: everything that differs between rustc versions on the proc_macro
/// bridge. <see cref="Rpc.BridgeInterpreter"/> serves any ABI described this way.
/// </summary>
public sealed class BridgeAbi
{
    private readonly BridgeMethod?[] _byTag;

    /// <summary>Creates an ABI description.</summary>
    /// <param name="name">Short id (A63, A85, A95).</param>
    /// <param name="description">Which toolchains use it.</param>
    /// <param name="groups">Method groups in tag order; one group with no name means flat one-byte tags.</param>
    /// <param name="reversedArguments">True when arguments are encoded last-first.</param>
    /// <param name="counters">How the client reaches its counters.</param>
    /// <param name="counterWidth">Bytes per counter (8: AtomicUsize, 4: AtomicU32).</param>
    /// <param name="handles">The handle types with their counter slots.</param>
    /// <param name="inputHasGlobals">True when the input buffer starts with def/call/mixed site span handles.</param>
    /// <param name="treesByHandle">True when token trees travel as handles (1.63), false when as structs.</param>
    public BridgeAbi(string name, string description, IReadOnlyList<(string? Group, IReadOnlyList<BridgeMethod> Methods)> groups,
        bool reversedArguments, CountersAccess counters, int counterWidth, IReadOnlyList<HandleSlot> handles,
        bool inputHasGlobals, bool treesByHandle)
    {
        Name = name;
        Description = description;
        ReversedArguments = reversedArguments;
        Counters = counters;
        CounterWidth = counterWidth;
        Handles = handles;
        InputHasGlobals = inputHasGlobals;
        TreesByHandle = treesByHandle;
        TagWidth = groups.Count == 1 && groups[0].Group is null ? 1 : 2;
        var all = new List<BridgeMethod>();
        var tags = new List<int>();
        for (var g = 0; g < groups.Count; g++)
        {
            for (var m = 0; m < groups[g].Methods.Count; m++)
            {
                all.Add(groups[g].Methods[m]);
                tags.Add(TagWidth == 1 ? m : (g << 8) | m);
            }
        }
        Methods = all;
        MethodTags = tags;
        // Indexed by tag, as long as the highest tag (not the whole 65,536 of a two-byte tag).
        _byTag = new BridgeMethod?[tags.Count == 0 ? 0 : tags.Max() + 1];
        for (var i = 0; i < all.Count; i++) _byTag[tags[i]] = all[i];
    }

    /// <summary>Short id (A63, A85, A95).</summary>
    public string Name { get; }

    /// <summary>Which toolchains use this ABI.</summary>
    public string Description { get; }

    /// <summary>1 (flat list) or 2 (group, method) bytes per method tag.</summary>
    public int TagWidth { get; }

    /// <summary>True when arguments are encoded in reverse declared order.</summary>
    public bool ReversedArguments { get; }

    /// <summary>How the client reaches its counters.</summary>
    public CountersAccess Counters { get; }

    /// <summary>Bytes per counter.</summary>
    public int CounterWidth { get; }

    /// <summary>Handle types and their counters.</summary>
    public IReadOnlyList<HandleSlot> Handles { get; }

    /// <summary>True when the input starts with the three global span handles.</summary>
    public bool InputHasGlobals { get; }

    /// <summary>True when token trees travel as handles.</summary>
    public bool TreesByHandle { get; }

    /// <summary>All methods, in tag order.</summary>
    public IReadOnlyList<BridgeMethod> Methods { get; }

    /// <summary>The tag of each method of <see cref="Methods"/>, in the same order.</summary>
    public IReadOnlyList<int> MethodTags { get; }

    /// <summary>The method with this tag, or null.</summary>
    public BridgeMethod? MethodForTag(int tag) => (uint)tag < (uint)_byTag.Length ? _byTag[tag] : null;

    /// <summary>One more than the highest method tag: every tag a method has is below it.</summary>
    public int TagBound => _byTag.Length;

    /// <summary>
    /// Everything on which this ABI and <paramref name="other"/> differ on the wire or in the
    /// client's layout, one line per difference (empty when they serve dylibs identically).
    /// <see cref="Name"/> and <see cref="Description"/> are labels and are not compared.
    /// </summary>
    public IReadOnlyList<string> DescribeDifferences(BridgeAbi other)
    {
        var differences = new List<string>();
        void Compare<T>(string what, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs)) differences.Add($"{what}: {mine} vs {theirs}");
        }
        Compare("tag width", TagWidth, other.TagWidth);
        Compare("reversed arguments", ReversedArguments, other.ReversedArguments);
        Compare("counters access", Counters, other.Counters);
        Compare("counter width", CounterWidth, other.CounterWidth);
        Compare("input has globals", InputHasGlobals, other.InputHasGlobals);
        Compare("trees by handle", TreesByHandle, other.TreesByHandle);
        Compare("handle types", Handles.Count, other.Handles.Count);
        foreach (var slot in Handles)
        {
            var theirs = other.Handles.FirstOrDefault(h => h.Type == slot.Type);
            if (theirs is null) differences.Add($"handle {slot.Type}: only in {Name}");
            else if (theirs != slot) differences.Add($"handle {slot.Type}: {Describe(slot)} vs {Describe(theirs)}");
        }
        foreach (var slot in other.Handles.Where(h => Handles.All(mine => mine.Type != h.Type)))
        {
            differences.Add($"handle {slot.Type}: only in {other.Name}");
        }
        Compare("method count", Methods.Count, other.Methods.Count);
        for (var i = 0; i < Methods.Count; i++)
        {
            var tag = MethodTags[i];
            var mine = Methods[i];
            if (other.MethodForTag(tag) is not { } theirs)
            {
                differences.Add($"tag {tag:x}: {Describe(mine)} vs nothing");
                continue;
            }
            if (mine.Op != theirs.Op || mine.Name != theirs.Name || mine.Returns != theirs.Returns || !mine.Parameters.SequenceEqual(theirs.Parameters))
            {
                differences.Add($"tag {tag:x}: {Describe(mine)} vs {Describe(theirs)}");
            }
        }
        for (var i = 0; i < other.Methods.Count; i++)
        {
            if (MethodForTag(other.MethodTags[i]) is null) differences.Add($"tag {other.MethodTags[i]:x}: nothing vs {Describe(other.Methods[i])}");
        }
        return differences;
    }

    /// <summary>A canonical text of everything <see cref="DescribeDifferences"/> compares: equal texts mean equal ABIs.</summary>
    public string ToCanonicalText()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"tags {TagWidth}; reversed {ReversedArguments}; counters {Counters}x{CounterWidth}; globals {InputHasGlobals}; trees-by-handle {TreesByHandle}\n");
        foreach (var slot in Handles.OrderBy(h => h.CounterIndex)) sb.Append($"handle {Describe(slot)} {slot.Type}\n");
        for (var i = 0; i < Methods.Count; i++) sb.Append($"{MethodTags[i]:x4} {Describe(Methods[i])}\n");
        return sb.ToString();
    }

    private static string Describe(HandleSlot slot) => $"#{slot.CounterIndex} {(slot.Interned ? "interned" : "owned")}";

    private static string Describe(BridgeMethod m) => $"{m.Name} = {m.Op}({string.Join(", ", m.Parameters)}) -> {m.Returns}";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Description})";
}
