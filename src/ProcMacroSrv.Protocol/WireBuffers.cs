namespace ProcMacroSrv.Protocol;

/// <summary>
/// Number arrays lent to the FlatTrees and span tables of one request and its response, and
/// taken back when they are done (the request's once its trees are decoded, the response's once
/// it is written). A server reads and writes megabytes of them per large
/// expansion; taken afresh for every request they were large-object allocations, and those set
/// off almost every full collection of the worker (BENCHMARKS.md, "What the fourth pass changed").
/// </summary>
/// <remarks>
/// A tree or table read or written with a <see cref="WireBuffers"/> views arrays it does not own:
/// it is valid until the next <see cref="Reclaim"/>, and must not be kept past it. Not
/// thread-safe: one instance serves one conversation, one request at a time.
/// </remarks>
public sealed class WireBuffers
{
    // Below this an array is an ordinary small allocation, cheaper than a search of the pool.
    internal const int MinimumPooledLength = 4096;

    // What stays pooled between requests by default (64 MiB); beyond it arrays are left to the
    // collector, so one huge expansion does not pin its memory for the rest of the session.
    private const long DefaultMaximumPooledElements = 16L << 20;

    private readonly long _maximumPooledElements;
    private readonly List<uint[]> _free = [];
    private readonly List<uint[]> _lent = [];

    /// <summary>Creates an empty pool.</summary>
    public WireBuffers() : this(DefaultMaximumPooledElements) { }

    internal WireBuffers(long maximumPooledElements) => _maximumPooledElements = maximumPooledElements;

    /// <summary>The number of arrays currently lent (for tests).</summary>
    internal int LentCount => _lent.Count;

    /// <summary>An array of at least <paramref name="length"/> numbers: lent by <paramref name="buffers"/>, or new and exactly that long without them.</summary>
    internal static uint[] Take(WireBuffers? buffers, int length) => buffers is null ? new uint[length] : buffers.Rent(length);

    /// <summary>
    /// An array of at least <paramref name="length"/> numbers, with unspecified contents: the
    /// smallest free one that fits, or a new one. Short arrays are not pooled.
    /// </summary>
    internal uint[] Rent(int length)
    {
        if (length < MinimumPooledLength) return length == 0 ? [] : new uint[length];
        var best = -1;
        for (var i = 0; i < _free.Count; i++)
        {
            if (_free[i].Length >= length && (best < 0 || _free[i].Length < _free[best].Length)) best = i;
        }
        uint[] array;
        if (best >= 0)
        {
            array = _free[best];
            _free[best] = _free[^1];
            _free.RemoveAt(_free.Count - 1);
        }
        else
        {
            // An eighth more than asked, so that the next request of about the same size fits.
            array = GC.AllocateUninitializedArray<uint>((int)Math.Min(Array.MaxLength, length + (long)length / 8));
        }
        _lent.Add(array);
        return array;
    }

    /// <summary>Takes back the array lent last, unused (a fast path that gave up).</summary>
    internal void GiveBack(uint[] array)
    {
        if (_lent.Count == 0 || !ReferenceEquals(_lent[^1], array)) return;
        _lent.RemoveAt(_lent.Count - 1);
        _free.Add(array);
    }

    /// <summary>
    /// Takes back every array lent since the last call. Every tree read or written with these
    /// buffers must be dead by now: their arrays are handed out again.
    /// </summary>
    public void Reclaim()
    {
        // The arrays this request used are kept first, then older ones while there is room:
        // the pool follows the sizes of recent requests instead of filling up with old ones.
        _lent.AddRange(_free);
        _free.Clear();
        long pooled = 0;
        foreach (var array in _lent)
        {
            if (pooled + array.Length > _maximumPooledElements) continue;
            _free.Add(array);
            pooled += array.Length;
        }
        _lent.Clear();
    }
}
