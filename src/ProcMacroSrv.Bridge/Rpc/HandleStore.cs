using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// The server's side of the handles of one expansion (rustc's <c>HandleStore</c>): owned values
/// are removed when the client passes them by value; interned values (spans, and in 1.63 puncts
/// and idents) map both ways so that equal values get equal handles, because the client
/// compares them by handle.
/// </summary>
/// <remarks>
/// Handles come from the dylib's counters, which only this store advances during an expansion
/// (expansions are serialised), so the handles of one type are consecutive: owned values and
/// spans are found by the handle's offset from the first one rather than in dictionaries. A
/// handle that does not follow on is still served, from a dictionary on the side.
/// </remarks>
internal sealed class HandleStore
{
    private static readonly int TypeCount = Enum.GetValues<HandleType>().Length;

    private readonly Func<HandleType, uint> _nextHandle;
    private readonly OwnedValues?[] _owned = new OwnedValues?[TypeCount];
    private readonly SpanHandles _spans = new();
    private readonly Dictionary<uint, object>?[] _interned = new Dictionary<uint, object>?[TypeCount];
    private readonly Dictionary<object, uint>?[] _internedHandles = new Dictionary<object, uint>?[TypeCount];

    public HandleStore(Func<HandleType, uint> nextHandle) => _nextHandle = nextHandle;

    private OwnedValues OwnedOf(HandleType type) => _owned[(int)type] ??= new OwnedValues();

    /// <summary>Number of owned values still alive (zero after a well-behaved expansion).</summary>
    public int LiveOwned => _owned.Sum(d => d?.Count ?? 0);

    public uint Alloc(HandleType type, object value)
    {
        var handle = _nextHandle(type);
        OwnedOf(type).Add(handle, value);
        return handle;
    }

    public object Take(HandleType type, uint handle) =>
        OwnedOf(type).Remove(handle) ?? throw UseAfterFree(type, handle);

    public object Get(HandleType type, uint handle) =>
        OwnedOf(type).Find(handle) ?? throw UseAfterFree(type, handle);

    /// <summary>Stores a new value under an existing owned handle (<c>&amp;mut self</c> methods).</summary>
    public void Replace(HandleType type, uint handle, object value)
    {
        if (!OwnedOf(type).Replace(handle, value)) throw UseAfterFree(type, handle);
    }

    private static BridgeRpcException UseAfterFree(HandleType type, uint handle) =>
        new($"use-after-free in `proc_macro` handle ({type} {handle})");

    public uint InternSpan(Span span) => _spans.Intern(span, _nextHandle);

    public Span SpanOf(uint handle) =>
        _spans.TryGet(handle, out var span) ? span : throw new BridgeRpcException($"unknown `proc_macro` span handle {handle}");

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

    /// <summary>
    /// The owned values of one handle type, by the handle's offset from the first one, in pages
    /// of consecutive handles. A page is dropped when its last value is taken, so memory follows
    /// the live values even when a few old handles outlive many newer ones (a macro keeps its
    /// input while it builds and frees thousands of streams).
    /// </summary>
    private sealed class OwnedValues
    {
        private const int PageBits = 8;
        private const int PageSize = 1 << PageBits;

        private Page?[] _pages = new Page?[4];
        private uint _first;   // the handle at offset 0
        private uint _next;    // the offset the next consecutive handle takes
        private int _count;    // values in the pages
        private Page? _spare;  // an emptied page, reused for the next one needed
        private Dictionary<uint, object>? _others;

        public int Count => _count + (_others?.Count ?? 0);

        public void Add(uint handle, object value)
        {
            if (_count == 0)
            {
                // Every page is empty and dropped: start over at whatever handle comes next.
                _first = handle;
                _next = 0;
            }
            var offset = handle - _first;
            if (offset != _next)
            {
                (_others ??= new Dictionary<uint, object>()).Add(handle, value);
                return;
            }
            var index = (int)(offset >> PageBits);
            if (index == _pages.Length) Array.Resize(ref _pages, _pages.Length * 2);
            var page = _pages[index] ??= TakeSpare();
            page.Values[offset & (PageSize - 1)] = value;
            page.Count++;
            _count++;
            _next++;
        }

        public object? Find(uint handle)
        {
            var offset = handle - _first;
            if (offset < _next && _pages[offset >> PageBits]?.Values[offset & (PageSize - 1)] is { } value) return value;
            return _others is not null && _others.TryGetValue(handle, out var other) ? other : null;
        }

        public object? Remove(uint handle)
        {
            var offset = handle - _first;
            if (offset < _next && _pages[offset >> PageBits] is { } page && page.Values[offset & (PageSize - 1)] is { } value)
            {
                page.Values[offset & (PageSize - 1)] = null;
                _count--;
                if (--page.Count == 0)
                {
                    _pages[offset >> PageBits] = null;
                    _spare = page;
                }
                return value;
            }
            return _others is not null && _others.Remove(handle, out var other) ? other : null;
        }

        public bool Replace(uint handle, object value)
        {
            var offset = handle - _first;
            if (offset < _next && _pages[offset >> PageBits] is { } page && page.Values[offset & (PageSize - 1)] is not null)
            {
                page.Values[offset & (PageSize - 1)] = value;
                return true;
            }
            if (_others is null || !_others.ContainsKey(handle)) return false;
            _others[handle] = value;
            return true;
        }

        private Page TakeSpare()
        {
            var page = _spare ?? new Page();
            _spare = null;
            return page;
        }

        private sealed class Page
        {
            public readonly object?[] Values = new object?[PageSize];
            public int Count;
        }
    }

    /// <summary>
    /// Spans and their handles, both ways: a <see cref="SpanIndex"/> gives each span an entry, and
    /// the entries' handles are kept in entry order, so a handle finds its span by its offset from
    /// the first handle.
    /// </summary>
    private sealed class SpanHandles
    {
        private readonly SpanIndex _index = new(64);
        private uint[] _handles = new uint[64];
        // Handle → entry index, made only when a handle does not follow the previous one.
        private Dictionary<uint, int>? _scattered;

        public uint Intern(Span span, Func<HandleType, uint> nextHandle)
        {
            var entry = _index.GetOrAdd(span, out var added);
            if (!added) return _handles[entry];
            var handle = nextHandle(HandleType.Span);
            if (entry == _handles.Length) Array.Resize(ref _handles, entry * 2);
            if (_scattered is null && entry > 0 && handle - _handles[0] != (uint)entry)
            {
                _scattered = new Dictionary<uint, int>(entry + 1);
                for (var i = 0; i < entry; i++) _scattered.Add(_handles[i], i);
            }
            _scattered?.Add(handle, entry);
            _handles[entry] = handle;
            return handle;
        }

        public bool TryGet(uint handle, out Span span)
        {
            var count = _index.Count;
            if (_scattered is null)
            {
                var index = count == 0 ? uint.MaxValue : handle - _handles[0];
                if (index < (uint)count)
                {
                    span = _index[(int)index];
                    return true;
                }
            }
            else if (_scattered.TryGetValue(handle, out var entry))
            {
                span = _index[entry];
                return true;
            }
            span = default;
            return false;
        }
    }

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
