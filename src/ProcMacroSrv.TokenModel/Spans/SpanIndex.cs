using System.Numerics;
using System.Runtime.CompilerServices;

namespace ProcMacroSrv.TokenModel.Spans;

/// <summary>
/// An ordered set of spans: each distinct span gets the next index, and a span finds its index
/// again in O(1). Both a json-legacy span table (span ↔ table index) and the bridge's span
/// handles (span ↔ handle) are this; it sits on the hot path of every FlatTree and bridge call.
/// </summary>
/// <remarks>
/// An open-addressing table at most half full, over the entries in insertion order. The entry
/// found last and the one after it are checked before hashing: a macro gives many tokens in a
/// row the same span, and a stream read back comes in entry order, while a hashed probe into a
/// large table misses the cache.
/// </remarks>
public sealed class SpanIndex
{
    private Span[] _spans;
    // Entry index + 1 per slot, 0 for an empty slot; the length is a power of two.
    private int[] _slots;
    private int _last = -1;

    /// <summary>Creates an empty set with room for <paramref name="capacity"/> spans.</summary>
    public SpanIndex(int capacity = 16)
    {
        _spans = new Span[Math.Max(capacity, 16)];
        _slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)_spans.Length * 2)];
    }

    /// <summary>The number of distinct spans.</summary>
    public int Count { get; private set; }

    /// <summary>The span with index <paramref name="index"/> (unchecked beyond the array bounds; see <see cref="Count"/>).</summary>
    public Span this[int index] => _spans[index];

    /// <summary>The spans in index order.</summary>
    public ReadOnlySpan<Span> AsSpan() => _spans.AsSpan(0, Count);

    /// <summary>The index of <paramref name="span"/>, appending it when it is new (<paramref name="added"/>).</summary>
    public int GetOrAdd(Span span, out bool added)
    {
        added = false;
        if (_last >= 0)
        {
            if (Same(_spans[_last], span)) return _last;
            var next = _last + 1;
            if (next < Count && Same(_spans[next], span)) return _last = next;
        }
        var mask = _slots.Length - 1;
        var slot = Hash(span) & mask;
        int entry;
        while ((entry = _slots[slot]) != 0)
        {
            if (Same(_spans[entry - 1], span)) return _last = entry - 1;
            slot = (slot + 1) & mask;
        }
        if (Count == _spans.Length) Array.Resize(ref _spans, Count * 2);
        _spans[Count] = span;
        _slots[slot] = ++Count;
        if (Count * 2 > _slots.Length) Rehash();
        added = true;
        return _last = Count - 1;
    }

    /// <summary>The index of <paramref name="span"/>, if the set has it.</summary>
    public bool TryGetIndex(Span span, out int index)
    {
        var mask = _slots.Length - 1;
        for (var slot = Hash(span) & mask; _slots[slot] is var entry and not 0; slot = (slot + 1) & mask)
        {
            if (Same(_spans[entry - 1], span))
            {
                index = entry - 1;
                return true;
            }
        }
        index = -1;
        return false;
    }

    private void Rehash()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var i = 0; i < Count; i++)
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
}
