using System.Collections;
using System.Runtime.CompilerServices;

namespace ProcMacroSrv.TokenModel;

/// <summary>
/// An immutable sequence of token trees. Cloning is sharing the instance; appending to the
/// newest version of a stream is amortised O(number of trees appended), and joining two large
/// streams is O(1).
/// </summary>
/// <remarks>
/// <para>A stream is a prefix of an array (a <see cref="TokenStream"/> of count n sees the
/// array's first n trees), or a join of two streams that is flattened into an array when first
/// read. Appending to a stream that nothing has been appended to yet writes after it, in place
/// (the first appender claims the free slot right after the prefix), and returns a longer prefix
/// of the same array: no existing stream can see those slots, so every stream stays immutable.
/// Appending to an older version (one that has been appended to already) copies it, or links to
/// it when it is long, as an immutable list must.</para>
/// <para>This is how macros build streams: proc_macro2 and quote extend one stream again and
/// again, each time giving up the previous version, so a stream of n trees built that way costs
/// one array (doubling) instead of n nodes and n small arrays that a collector has to trace.</para>
/// </remarks>
public sealed class TokenStream : IReadOnlyList<TokenTree>
{
    /// <summary>The empty stream.</summary>
    public static readonly TokenStream Empty = new(Array.Empty<TokenTree>(), 0);

    // Above this many trees, a stream joined onto another is linked rather than copied, so that
    // joining large streams stays O(1) whatever the order.
    private const int CopyLimit = 32;

    // The longest stream an append copies or regrows rather than linking to.
    private const int RegrowLimit = CopyLimit * 8;

    // Either a TokenTree[] (this stream is its first Count trees) or a Join. Replaced once (a join
    // by its flattened array), never mutated, so a reader that loads it once sees a consistent value.
    // The slots of an array after the longest stream made of it are null until an append claims
    // them: the first appender to a given prefix swaps its first new tree into the null slot right
    // after the prefix, and only then may write the rest.
    private object _repr;

    // The array of this stream, or null for a join. Only arrays whose type is exactly
    // TokenTree[] are stored (Adopt copies a covariant one), so that this is one type compare:
    // a cast to an array of an abstract class is a walk of the type hierarchy, which showed in
    // profiles of large results (1.4 %).
    private static TokenTree[]? ArrayOf(object repr) =>
        repr.GetType() == typeof(TokenTree[]) ? Unsafe.As<TokenTree[]>(repr) : null;

    private sealed class Join(TokenStream left, TokenStream right)
    {
        public readonly TokenStream Left = left;
        public readonly TokenStream Right = right;
    }

    private TokenStream(TokenTree[] items, int count)
    {
        System.Diagnostics.Debug.Assert(items.GetType() == typeof(TokenTree[]), "a covariant array would be taken for a join");
        _repr = items;
        Count = count;
    }

    private TokenStream(TokenStream left, TokenStream right)
    {
        _repr = new Join(left, right);
        Count = left.Count + right.Count;
    }

    /// <summary>The number of top-level trees.</summary>
    public int Count { get; }

    /// <summary>True when the stream has no trees.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>A stream of the given trees (copied).</summary>
    public static TokenStream Of(ReadOnlySpan<TokenTree> trees) =>
        trees.IsEmpty ? Empty : Adopt(trees.ToArray());

    /// <summary>A stream of the given trees (copied).</summary>
    public static TokenStream Of(IEnumerable<TokenTree> trees) => Adopt(trees.ToArray());

    /// <summary>A stream that takes ownership of <paramref name="trees"/>; the caller must not change it afterwards.</summary>
    public static TokenStream Adopt(TokenTree[] trees) =>
        trees.Length == 0 ? Empty
        : trees.GetType() == typeof(TokenTree[]) ? new TokenStream(trees, trees.Length)
        : new TokenStream(new ReadOnlySpan<TokenTree>(trees).ToArray(), trees.Length);

    /// <summary>A stream of one tree.</summary>
    public static TokenStream Single(TokenTree tree) => Adopt([tree]);

    /// <summary>This stream followed by <paramref name="trees"/> (copied), in amortised O(<paramref name="trees"/>.Length).</summary>
    public TokenStream Append(ReadOnlySpan<TokenTree> trees)
    {
        if (trees.IsEmpty) return this;
        if (Count == 0) return Of(trees);
        if (TryExtendNewest(trees, growLimit: int.MaxValue) is { } extended) return extended;
        if (_repr is Join join)
        {
            // Extend the join's right side when this is its newest version and it is small enough
            // to regrow; otherwise link the new trees, so that appending never copies a long stream.
            return join.Right.TryExtendNewest(trees, growLimit: RegrowLimit) is { } right
                ? new TokenStream(join.Left, right)
                : new TokenStream(this, Of(trees));
        }
        // An older version (its array already extended by another stream): a long one is
        // linked to, a short one copied.
        if (Count > RegrowLimit) return new TokenStream(this, Of(trees));
        var old = ArrayOf(_repr)!;
        var items = new TokenTree[Capacity(Count + trees.Length)];
        old.AsSpan(0, Count).CopyTo(items);
        trees.CopyTo(items.AsSpan(Count));
        return new TokenStream(items, Count + trees.Length);
    }

    /// <summary>
    /// This stream followed by <paramref name="trees"/>, written after it in its own array when
    /// this stream is the array's newest version (growing an array of at most
    /// <paramref name="growLimit"/> trees); null for a join or an older version.
    /// </summary>
    private TokenStream? TryExtendNewest(ReadOnlySpan<TokenTree> trees, int growLimit)
    {
        if (ArrayOf(_repr) is not { } items) return null;
        var count = Count;
        var newCount = count + trees.Length;
        if (newCount <= items.Length)
        {
            // Claim the slots after this prefix: only the first appender to a given prefix may
            // write in place; every later one finds the slot taken.
            if (Interlocked.CompareExchange(ref items[count], trees[0], null) is not null) return null;
            trees[1..].CopyTo(items.AsSpan(count + 1));
            return new TokenStream(items, newCount);
        }
        // The array is too small: this stream is its newest version when nothing follows it.
        if ((count < items.Length && Volatile.Read(ref items[count]) is not null) || count > growLimit) return null;
        var grown = new TokenTree[Capacity(newCount)];
        items.AsSpan(0, count).CopyTo(grown);
        trees.CopyTo(grown.AsSpan(count));
        return new TokenStream(grown, newCount);
    }

    // Room to grow: doubling, so that n single appends copy O(n) trees in all.
    // A new stream gets exactly its trees (most streams a macro makes are never extended: quote!
    // sends a whole stream at once); the first append to it makes room.
    private static int Capacity(int count) => Math.Max(4, count <= 1 << 29 ? count * 2 : count);

    /// <summary>This stream followed by <paramref name="other"/>: O(1) when <paramref name="other"/> is large, amortised O(its length) otherwise.</summary>
    public TokenStream Concat(TokenStream other)
    {
        if (other.Count == 0) return this;
        if (Count == 0) return other;
        // A small stream is copied after this one (the common case of a macro extending its
        // output); a large one is linked, so that no order of joins copies large streams repeatedly.
        if (other.Count <= CopyLimit) return Append(other.AsSpan());
        return new TokenStream(this, other);
    }

    /// <summary>This stream followed by each of <paramref name="streams"/>, as <see cref="Concat(TokenStream)"/> joins them.</summary>
    public TokenStream Concat(ReadOnlySpan<TokenStream> streams)
    {
        var result = this;
        foreach (var s in streams) result = result.Concat(s);
        return result;
    }

    /// <summary>The trees, flattened (computed once, then cached).</summary>
    public ReadOnlySpan<TokenTree> AsSpan() => new(Flatten(), 0, Count);

    /// <inheritdoc/>
    public TokenTree this[int index] =>
        (uint)index < (uint)Count ? Flatten()[index] : throw new ArgumentOutOfRangeException(nameof(index));

    private TokenTree[] Flatten()
    {
        var repr = _repr;
        if (ArrayOf(repr) is { } items) return items;

        var result = new TokenTree[Count];
        // Filled from the end. A chain of joins down the left with flat right sides is walked
        // without a stack; only where a right side is itself a join is the left side put off
        // until the right one is done. Iterative, so that no nesting overflows the stack.
        var end = result.Length;
        Stack<TokenStream>? pending = null;
        var node = this;
        while (true)
        {
            if (node._repr is Join join)
            {
                if (ArrayOf(join.Right._repr) is { } right)
                {
                    end -= join.Right.Count;
                    right.AsSpan(0, join.Right.Count).CopyTo(result.AsSpan(end));
                    node = join.Left;
                }
                else
                {
                    (pending ??= new Stack<TokenStream>()).Push(join.Left);
                    node = join.Right;
                }
                continue;
            }
            var trees = ArrayOf(node._repr)!;
            end -= node.Count;
            trees.AsSpan(0, node.Count).CopyTo(result.AsSpan(end));
            if (pending is null || !pending.TryPop(out node!)) break;
        }
        _repr = result;
        return result;
    }

    /// <summary>Enumerates the trees.</summary>
    public ArraySegment<TokenTree>.Enumerator GetEnumerator() => new ArraySegment<TokenTree>(Flatten(), 0, Count).GetEnumerator();

    IEnumerator<TokenTree> IEnumerable<TokenTree>.GetEnumerator() => ((IEnumerable<TokenTree>)new ArraySegment<TokenTree>(Flatten(), 0, Count)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<TokenTree>)this).GetEnumerator();
}
