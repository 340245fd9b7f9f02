using System.Collections;

namespace ProcMacroSrv.TokenModel;

/// <summary>
/// An immutable sequence of token trees. Cloning is sharing the instance; concatenation is
/// O(1): it builds a node over both operands and copies nothing until the stream is read,
/// when it is flattened once and the flat form cached.
/// </summary>
public sealed class TokenStream : IReadOnlyList<TokenTree>
{
    /// <summary>The empty stream.</summary>
    public static readonly TokenStream Empty = new(Array.Empty<TokenTree>());

    // Either a TokenTree[] (flat) or a Concatenation. Replaced, never mutated, so a reader
    // that loads it once sees a consistent value.
    private object _repr;

    private sealed record Concatenation(TokenStream Left, TokenStream Right);

    private TokenStream(TokenTree[] trees)
    {
        _repr = trees;
        Count = trees.Length;
    }

    private TokenStream(TokenStream left, TokenStream right)
    {
        _repr = new Concatenation(left, right);
        Count = left.Count + right.Count;
    }

    /// <summary>The number of top-level trees.</summary>
    public int Count { get; }

    /// <summary>True when the stream has no trees.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>A stream of the given trees (copied).</summary>
    public static TokenStream Of(ReadOnlySpan<TokenTree> trees) =>
        trees.IsEmpty ? Empty : new TokenStream(trees.ToArray());

    /// <summary>A stream of the given trees (copied).</summary>
    public static TokenStream Of(IEnumerable<TokenTree> trees)
    {
        var array = trees.ToArray();
        return array.Length == 0 ? Empty : new TokenStream(array);
    }

    /// <summary>A stream that takes ownership of <paramref name="trees"/>; the caller must not change it afterwards.</summary>
    public static TokenStream Adopt(TokenTree[] trees) => trees.Length == 0 ? Empty : new TokenStream(trees);

    /// <summary>A stream of one tree.</summary>
    public static TokenStream Single(TokenTree tree) => new([tree]);

    /// <summary>This stream followed by <paramref name="other"/>, in O(1).</summary>
    public TokenStream Concat(TokenStream other)
    {
        if (other.Count == 0) return this;
        if (Count == 0) return other;
        return new TokenStream(this, other);
    }

    /// <summary>The streams one after another, in O(number of streams).</summary>
    public static TokenStream Concat(ReadOnlySpan<TokenStream> streams)
    {
        var result = Empty;
        foreach (var s in streams) result = result.Concat(s);
        return result;
    }

    /// <summary>The trees, flattened (computed once, then cached).</summary>
    public ReadOnlySpan<TokenTree> AsSpan() => Flatten();

    /// <inheritdoc/>
    public TokenTree this[int index] => Flatten()[index];

    /// <summary>The flattened trees, shared with the stream: callers in this assembly only read it.</summary>
    internal TokenTree[] FlatTrees => Flatten();

    private TokenTree[] Flatten()
    {
        var repr = _repr;
        if (repr is TokenTree[] flat) return flat;

        var result = new TokenTree[Count];
        // Filled from the end. A stream built by appending is a chain of concatenations down the
        // left with flat right sides, which this walks without a stack; only where a right side
        // is itself a concatenation is the left side put off until the right one is done.
        // Iterative, so that no nesting overflows the stack.
        var end = result.Length;
        Stack<TokenStream>? pending = null;
        var node = this;
        while (true)
        {
            if (node._repr is Concatenation c)
            {
                if (c.Right._repr is TokenTree[] right)
                {
                    end -= right.Length;
                    right.CopyTo(result, end);
                    node = c.Left;
                }
                else
                {
                    (pending ??= new Stack<TokenStream>()).Push(c.Left);
                    node = c.Right;
                }
                continue;
            }
            var trees = (TokenTree[])node._repr;
            end -= trees.Length;
            trees.CopyTo(result, end);
            if (pending is null || !pending.TryPop(out node!)) break;
        }
        _repr = result;
        return result;
    }

    /// <summary>Enumerates the trees.</summary>
    public ArraySegment<TokenTree>.Enumerator GetEnumerator() => new ArraySegment<TokenTree>(Flatten()).GetEnumerator();

    IEnumerator<TokenTree> IEnumerable<TokenTree>.GetEnumerator() => ((IEnumerable<TokenTree>)Flatten()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Flatten().GetEnumerator();
}
