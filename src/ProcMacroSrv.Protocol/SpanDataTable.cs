using System.Numerics;
using System.Runtime.CompilerServices;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// The RustAnalyzer span mode's table: an ordered set of located spans, serialized as 5 u32 per
/// span (<c>file_id, ast_id, start, end, ctx</c>; protocol.md section 3.5). A FlatTree reference is
/// an index into it.
/// </summary>
/// <remarks>
/// One table serves both directions, as on the reference server: the request's table is read
/// (deduplicated), the request trees are decoded against it, and the result is encoded into the
/// same table, which appends spans it has not seen. The response then carries the whole table.
/// </remarks>
public sealed class SpanDataTable : ISpanWriter, ISpanReader
{
    /// <summary>The number of u32 per span on the wire.</summary>
    public const int WireEntrySize = 5;

    // API versions 4 and 5 used another fixup marker; clients swap the two on the way in and out
    // (section 3.10), so swapping both ways keeps the mapping reversible.
    private const uint OldFixupAnchor = 0xFFFF_FFFE;

    private const uint ReservedFileIdBit = 0x8000_0000;
    private const int EditionShift = 23;
    private const uint MaxEdition = 3;

    // The spans in table order, and an open-addressing index over them: slot → table index + 1,
    // 0 for an empty slot, at most half full. Each span is stored once, and a request's whole
    // table is hashed on the way in and every span of the result on the way out.
    private Span[] _spans;
    private int _count;
    private int[] _slots;
    // The index added or found last. In a large table every hashed probe misses the cache, and
    // a macro's output is mostly runs of one span (the call site) or runs of its input's tokens,
    // whose spans follow each other in the table: both are checked before hashing.
    private int _lastIndex = -1;

    /// <summary>Creates an empty table.</summary>
    public SpanDataTable() : this(0) { }

    private SpanDataTable(int capacity)
    {
        _spans = new Span[Math.Max(capacity, 16)];
        _slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)_spans.Length * 2)];
        Spans = new SpanList(this);
    }

    /// <summary>The number of distinct spans.</summary>
    public int Count => _count;

    /// <summary>The span at <paramref name="index"/>.</summary>
    public Span this[int index] => (uint)index < (uint)_count ? _spans[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The spans in table order (a live view).</summary>
    public IReadOnlyList<Span> Spans { get; }

    /// <summary>
    /// Reads a wire table. Each entry is validated (section 2.9) and later duplicates of an
    /// earlier entry are dropped, which shifts the indices of what follows, exactly as the
    /// reference does (section 2.8). Trailing numbers that do not fill an entry are ignored, as
    /// on the reference.
    /// </summary>
    /// <param name="wire">The <c>span_data_table</c> numbers.</param>
    /// <param name="apiVersion">The API version the numbers were written with (affects the fixup marker).</param>
    /// <exception cref="ProtocolException">An entry has the reserved file-id bit set, an unknown edition, or start &gt; end.</exception>
    public static SpanDataTable FromWire(ReadOnlySpan<uint> wire, uint apiVersion = ApiVersion.Current)
    {
        ApiVersion.EnsureSupported(apiVersion);
        var swapFixup = NeedsFixupSwap(apiVersion);
        var entries = wire.Length / WireEntrySize;
        // Room for the request's spans and some more: the result is encoded into the same table,
        // and reuses most of its input's spans.
        var table = new SpanDataTable(entries + entries / 4);
        for (var i = 0; i < entries; i++)
        {
            var e = wire.Slice(i * WireEntrySize, WireEntrySize);
            uint fileId = e[0], astId = e[1], start = e[2], end = e[3], ctx = e[4];
            if ((fileId & ReservedFileIdBit) != 0)
                throw new ProtocolException($"span_data_table entry {i}: file id 0x{fileId:x8} has the reserved bit 31 set");
            var edition = (fileId & ~ReservedFileIdBit) >> EditionShift;
            if (edition > MaxEdition)
                throw new ProtocolException($"span_data_table entry {i}: file id 0x{fileId:x8} has edition {edition}, but only 0 to {MaxEdition} exist");
            if (start > end)
                throw new ProtocolException($"span_data_table entry {i}: range start {start} is after its end {end}");
            if (swapFixup) astId = SwapFixup(astId);
            table.GetOrAdd(new Span(fileId, astId, start, end, ctx));
        }
        return table;
    }

    /// <summary>The table as wire numbers, 5 per span, in table order.</summary>
    /// <param name="apiVersion">The API version to write for (affects the fixup marker).</param>
    public uint[] ToWire(uint apiVersion = ApiVersion.Current)
    {
        ApiVersion.EnsureSupported(apiVersion);
        var swapFixup = NeedsFixupSwap(apiVersion);
        var wire = new uint[_count * WireEntrySize];
        var spans = _spans.AsSpan(0, _count);
        for (var i = 0; i < spans.Length; i++)
        {
            var s = spans[i];
            var o = i * WireEntrySize;
            wire[o] = s.FileId;
            wire[o + 1] = swapFixup ? SwapFixup(s.AstId) : s.AstId;
            wire[o + 2] = s.Start;
            wire[o + 3] = s.End;
            wire[o + 4] = s.Context;
        }
        return wire;
    }

    /// <summary>The index of <paramref name="span"/>, appending it if it is new.</summary>
    /// <exception cref="ProtocolException"><paramref name="span"/> is an opaque (Id-mode) span.</exception>
    public uint GetOrAdd(Span span)
    {
        if (span.IsOpaque)
            throw new ProtocolException($"span {span} is an opaque span id and cannot be put in a span table");
        if (_lastIndex >= 0)
        {
            if (Same(_spans[_lastIndex], span)) return (uint)_lastIndex;
            var next = _lastIndex + 1;
            if (next < _count && Same(_spans[next], span)) return (uint)(_lastIndex = next);
        }
        var mask = _slots.Length - 1;
        var slot = Hash(span) & mask;
        int entry;
        while ((entry = _slots[slot]) != 0)
        {
            if (Same(_spans[entry - 1], span)) return (uint)(_lastIndex = entry - 1);
            slot = (slot + 1) & mask;
        }
        if (_count == _spans.Length) Array.Resize(ref _spans, _count * 2);
        _spans[_count] = span;
        _slots[slot] = ++_count;
        if (_count * 2 > _slots.Length) Rehash();
        return (uint)(_lastIndex = _count - 1);
    }

    /// <summary>The index of <paramref name="span"/>, if the table has it.</summary>
    public bool TryGetIndex(Span span, out uint index)
    {
        var mask = _slots.Length - 1;
        for (var slot = Hash(span) & mask; _slots[slot] is var entry and not 0; slot = (slot + 1) & mask)
        {
            if (Same(_spans[entry - 1], span))
            {
                index = (uint)(entry - 1);
                return true;
            }
        }
        index = 0;
        return false;
    }

    /// <summary>
    /// The span at <paramref name="index"/> for a global-span reference (<c>has_global_spans</c>),
    /// where an index out of range is fatal (section 2.8).
    /// </summary>
    /// <param name="index">The index from the request.</param>
    /// <param name="what">What the index is, for the error message (for example <c>call_site</c>).</param>
    /// <exception cref="ProtocolException">The index is out of range.</exception>
    public Span GetRequired(ulong index, string what)
    {
        if (index >= (ulong)_count)
            throw new ProtocolException($"{what} span index {index} is out of range for a span table of {_count} entries");
        return _spans[(int)index];
    }

    /// <inheritdoc/>
    uint ISpanWriter.Write(Span span) => GetOrAdd(span);

    /// <summary>
    /// The span for a tree's reference. Out of range means entry 0, as on the reference (section
    /// 2.9): a stale index must not break an expansion.
    /// </summary>
    /// <exception cref="ProtocolException">The table is empty, so there is no entry 0 to fall back to.</exception>
    public Span Read(uint reference)
    {
        if (reference < (uint)_count) return _spans[(int)reference];
        if (_count > 0) return _spans[0];
        throw new ProtocolException($"span index {reference} cannot be resolved: the span table is empty");
    }

    /// <summary>
    /// The entire span of a group (section 3.8): if either delimiter is a fixup span, the other
    /// one; if both share anchor and context, close's anchor and context over the range covering
    /// both; otherwise the close span.
    /// </summary>
    public Span JoinDelimiters(Span open, Span close)
    {
        if (open.IsFixup) return close;
        if (close.IsFixup) return open;
        if (open.FileId == close.FileId && open.AstId == close.AstId && open.Context == close.Context)
            return close.WithRange(Math.Min(open.Start, close.Start), Math.Max(open.End, close.End));
        return close;
    }

    private static bool NeedsFixupSwap(uint apiVersion) =>
        apiVersion is >= ApiVersion.RustAnalyzerSpanSupport and < ApiVersion.HashedAstId;

    private static uint SwapFixup(uint astId) => astId switch
    {
        Span.FixupAnchor => OldFixupAnchor,
        OldFixupAnchor => Span.FixupAnchor,
        _ => astId,
    };

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

    // A multiply-xor mix of the five words, cheaper than the record struct's generated hash.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(Span span)
    {
        var h = ((ulong)span.FileId << 32 | span.AstId) * 0x9E37_79B9_7F4A_7C15UL;
        h ^= ((ulong)span.Start << 32 | span.End) * 0xC2B2_AE3D_27D4_EB4FUL;
        h ^= span.Context * 0x1656_67B1_9E37_79F9UL;
        return (int)(h >> 32 ^ h);
    }

    /// <summary>The live, read-only view behind <see cref="Spans"/>.</summary>
    private sealed class SpanList(SpanDataTable table) : IReadOnlyList<Span>
    {
        public Span this[int index] => table[index];

        public int Count => table._count;

        public IEnumerator<Span> GetEnumerator()
        {
            for (var i = 0; i < table._count; i++) yield return table._spans[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
