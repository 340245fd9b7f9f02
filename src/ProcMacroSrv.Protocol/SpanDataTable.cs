using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Spans;

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

    // The spans in table order with their index; a request's whole table goes in on the way in
    // and every span of the result on the way out.
    private readonly SpanIndex _spans;

    /// <summary>Creates an empty table.</summary>
    public SpanDataTable() : this(0) { }

    private SpanDataTable(int capacity)
    {
        _spans = new SpanIndex(capacity);
        Spans = new SpanList(this);
    }

    /// <summary>The number of distinct spans.</summary>
    public int Count => _spans.Count;

    /// <summary>The span at <paramref name="index"/>.</summary>
    public Span this[int index] => (uint)index < (uint)_spans.Count ? _spans[index] : throw new ArgumentOutOfRangeException(nameof(index));

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
        var wire = new uint[_spans.Count * WireEntrySize];
        WriteWire(wire, apiVersion);
        return wire;
    }

    /// <summary>
    /// The table as wire numbers in an array lent by <paramref name="buffers"/> (valid until
    /// their next <see cref="WireBuffers.Reclaim"/>), or a new one without.
    /// </summary>
    /// <param name="apiVersion">The API version to write for (affects the fixup marker).</param>
    /// <param name="buffers">Where to take the array from, or null.</param>
    public ReadOnlyMemory<uint> ToWire(uint apiVersion, WireBuffers? buffers)
    {
        var length = _spans.Count * WireEntrySize;
        var wire = WireBuffers.Take(buffers, length).AsMemory(0, length);
        WriteWire(wire.Span, apiVersion);
        return wire;
    }

    private void WriteWire(Span<uint> wire, uint apiVersion)
    {
        ApiVersion.EnsureSupported(apiVersion);
        var swapFixup = NeedsFixupSwap(apiVersion);
        var spans = _spans.AsSpan();
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
    }

    /// <summary>The index of <paramref name="span"/>, appending it if it is new.</summary>
    /// <exception cref="ProtocolException"><paramref name="span"/> is an opaque (Id-mode) span.</exception>
    public uint GetOrAdd(Span span)
    {
        if (span.IsOpaque)
            throw new ProtocolException($"span {span} is an opaque span id and cannot be put in a span table");
        return (uint)_spans.GetOrAdd(span, out _);
    }

    /// <summary>The index of <paramref name="span"/>, if the table has it.</summary>
    public bool TryGetIndex(Span span, out uint index)
    {
        var found = _spans.TryGetIndex(span, out var at);
        index = found ? (uint)at : 0;
        return found;
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
        if (index >= (ulong)_spans.Count)
            throw new ProtocolException($"{what} span index {index} is out of range for a span table of {_spans.Count} entries");
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
        if (reference < (uint)_spans.Count) return _spans[(int)reference];
        if (_spans.Count > 0) return _spans[0];
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

    /// <summary>The live, read-only view behind <see cref="Spans"/>.</summary>
    private sealed class SpanList(SpanDataTable table) : IReadOnlyList<Span>
    {
        public Span this[int index] => table[index];

        public int Count => table.Count;

        public IEnumerator<Span> GetEnumerator()
        {
            for (var i = 0; i < table.Count; i++) yield return table[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
