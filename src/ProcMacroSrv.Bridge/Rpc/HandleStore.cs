using System.Runtime.CompilerServices;
using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.TokenModel;

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
    /// Spans and their handles, both ways: an open-addressing table from span to entry, and the
    /// entries in handle order, so a handle finds its span by its offset from the first one.
    /// </summary>
    private sealed class SpanHandles
    {
        private Span[] _spans = new Span[64];
        private uint[] _handles = new uint[64];
        private int _count;
        // Entry index + 1 per slot, 0 for an empty slot; the length is a power of two.
        private int[] _slots = new int[128];
        // Handle → entry index, made only when a handle does not follow the previous one.
        private Dictionary<uint, int>? _scattered;
        // The entry interned or found last: a macro gives many tokens in a row the same span,
        // and a stream it reads back (into_trees of its input) has its spans in entry order, so
        // both the last entry and the next are checked before a hashed probe, which in a large
        // table misses the cache.
        private int _last = -1;

        public uint Intern(Span span, Func<HandleType, uint> nextHandle)
        {
            if (_last >= 0)
            {
                if (Same(_spans[_last], span)) return _handles[_last];
                if (_last + 1 < _count && Same(_spans[_last + 1], span)) return _handles[++_last];
            }
            var mask = _slots.Length - 1;
            var slot = Hash(span) & mask;
            int entry;
            while ((entry = _slots[slot]) != 0)
            {
                if (Same(_spans[entry - 1], span))
                {
                    _last = entry - 1;
                    return _handles[_last];
                }
                slot = (slot + 1) & mask;
            }
            var handle = nextHandle(HandleType.Span);
            if (_count == _spans.Length)
            {
                Array.Resize(ref _spans, _count * 2);
                Array.Resize(ref _handles, _count * 2);
            }
            if (_scattered is null && _count > 0 && handle - _handles[0] != (uint)_count)
            {
                _scattered = new Dictionary<uint, int>(_count + 1);
                for (var i = 0; i < _count; i++) _scattered.Add(_handles[i], i);
            }
            _scattered?.Add(handle, _count);
            _spans[_count] = span;
            _handles[_count] = handle;
            _last = _count;
            _slots[slot] = ++_count;
            // At most half full, so that probe sequences stay short.
            if (_count * 2 > _slots.Length) Rehash();
            return handle;
        }

        public bool TryGet(uint handle, out Span span)
        {
            if (_scattered is null)
            {
                var index = _count == 0 ? uint.MaxValue : handle - _handles[0];
                if (index < (uint)_count)
                {
                    span = _spans[index];
                    return true;
                }
            }
            else if (_scattered.TryGetValue(handle, out var entry))
            {
                span = _spans[entry];
                return true;
            }
            span = default;
            return false;
        }

        private void Rehash()
        {
            var slots = new int[_slots.Length * 2];
            var mask = slots.Length - 1;
            for (var i = 0; i < _count; i++)
            {
                var slot = Hash(_spans[i]) & mask;
                while (slots[slot] != 0) slot = (slot + 1) & mask;
                slots[slot] = i + 1;
            }
            _slots = slots;
        }

        // Field by field: the record struct's generated equality goes through EqualityComparer calls.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Same(Span x, Span y) =>
            x.Start == y.Start && x.End == y.End && x.AstId == y.AstId && x.FileId == y.FileId && x.Context == y.Context;

        // The record struct's generated hash combines the fields through EqualityComparer calls;
        // a multiply-xor mix of the five words is cheaper and spreads them as well.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Hash(Span span)
        {
            var h = ((ulong)span.FileId << 32 | span.AstId) * 0x9E37_79B9_7F4A_7C15UL;
            h ^= ((ulong)span.Start << 32 | span.End) * 0xC2B2_AE3D_27D4_EB4FUL;
            h ^= span.Context * 0x1656_67B1_9E37_79F9UL;
            return (int)(h >> 32 ^ h);
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
