using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// The server's side of the handles of one expansion (rustc's <c>HandleStore</c>): owned values
/// are removed when the client passes them by value; interned values (spans, and in 1.63 puncts
/// and idents) map both ways so that equal values get equal handles, because the client
/// compares them by handle.
/// </summary>
internal sealed class HandleStore
{
    private static readonly int TypeCount = Enum.GetValues<HandleType>().Length;

    private readonly Func<HandleType, uint> _nextHandle;
    private readonly Dictionary<uint, object>?[] _owned = new Dictionary<uint, object>?[TypeCount];
    private readonly Dictionary<uint, Span> _spans = new();
    private readonly Dictionary<Span, uint> _spanHandles = new();
    private readonly Dictionary<uint, object>?[] _interned = new Dictionary<uint, object>?[TypeCount];
    private readonly Dictionary<object, uint>?[] _internedHandles = new Dictionary<object, uint>?[TypeCount];

    public HandleStore(Func<HandleType, uint> nextHandle) => _nextHandle = nextHandle;

    private Dictionary<uint, object> OwnedOf(HandleType type) => _owned[(int)type] ??= new Dictionary<uint, object>();

    /// <summary>Number of owned values still alive (zero after a well-behaved expansion).</summary>
    public int LiveOwned => _owned.Sum(d => d?.Count ?? 0);

    public uint Alloc(HandleType type, object value)
    {
        var handle = _nextHandle(type);
        OwnedOf(type).Add(handle, value);
        return handle;
    }

    public object Take(HandleType type, uint handle)
    {
        if (!OwnedOf(type).Remove(handle, out var value)) throw UseAfterFree(type, handle);
        return value;
    }

    public object Get(HandleType type, uint handle) =>
        OwnedOf(type).TryGetValue(handle, out var value) ? value : throw UseAfterFree(type, handle);

    /// <summary>Stores a new value under an existing owned handle (<c>&amp;mut self</c> methods).</summary>
    public void Replace(HandleType type, uint handle, object value)
    {
        var owned = OwnedOf(type);
        if (!owned.ContainsKey(handle)) throw UseAfterFree(type, handle);
        owned[handle] = value;
    }

    private static BridgeRpcException UseAfterFree(HandleType type, uint handle) =>
        new($"use-after-free in `proc_macro` handle ({type} {handle})");

    public uint InternSpan(Span span)
    {
        if (_spanHandles.TryGetValue(span, out var handle)) return handle;
        handle = _nextHandle(HandleType.Span);
        _spanHandles.Add(span, handle);
        _spans.Add(handle, span);
        return handle;
    }

    public Span SpanOf(uint handle) =>
        _spans.TryGetValue(handle, out var span) ? span : throw new BridgeRpcException($"unknown `proc_macro` span handle {handle}");

    /// <summary>Interns a punct or ident (1.63), compared by value.</summary>
    public uint Intern(HandleType type, object value)
    {
        var handles = _internedHandles[(int)type] ??= new Dictionary<object, uint>(TokenValueComparer.Instance);
        if (handles.TryGetValue(value, out var handle)) return handle;
        handle = _nextHandle(type);
        handles.Add(value, handle);
        (_interned[(int)type] ??= new Dictionary<uint, object>()).Add(handle, value);
        return handle;
    }

    public object InternedValue(HandleType type, uint handle) =>
        _interned[(int)type] is { } values && values.TryGetValue(handle, out var value)
            ? value
            : throw new BridgeRpcException($"unknown `proc_macro` {type} handle {handle}");

    /// <summary>Value equality for the interned token kinds, whose classes compare by reference.</summary>
    private sealed class TokenValueComparer : IEqualityComparer<object>
    {
        public static readonly TokenValueComparer Instance = new();

        public new bool Equals(object? x, object? y) => (x, y) switch
        {
            (Punct a, Punct b) => a.Char == b.Char && a.Spacing == b.Spacing && a.Span == b.Span,
            (Ident a, Ident b) => a.Name == b.Name && a.IsRaw == b.IsRaw && a.Span == b.Span,
            _ => object.Equals(x, y),
        };

        public int GetHashCode(object obj) => obj switch
        {
            Punct p => HashCode.Combine(p.Char, p.Spacing, p.Span),
            Ident i => HashCode.Combine(i.Name, i.IsRaw, i.Span),
            _ => obj.GetHashCode(),
        };
    }
}
