namespace ProcMacroSrv.TokenModel.Tests;

/// <summary>
/// A token stream is an immutable list, whatever the sharing behind it: appending writes in place
/// into a buffer that older versions of the stream also point to, so every version must keep
/// seeing exactly its own trees.
/// </summary>
public class TokenStreamTests
{
    private static int _next;

    // Each tree distinct (its span carries a serial number), so a misplaced tree is seen.
    private static TokenTree Tree() => new Punct('+', Spacing.Alone, Span.Opaque((uint)Interlocked.Increment(ref _next)));

    private static TokenTree[] Trees(int n) => Enumerable.Range(0, n).Select(_ => Tree()).ToArray();

    [Fact]
    public void AnOlderVersionKeepsItsTreesWhenANewerOneIsExtendedInPlace()
    {
        var a = Trees(3);
        var v1 = TokenStream.Empty.Append(a);
        var b = Trees(2);
        var v2 = v1.Append(b);
        // v1 is now an older version: extending it again must not overwrite v2's trees.
        var c = Trees(2);
        var v1Other = v1.Append(c);

        Assert.Equal(a, v1.AsSpan().ToArray());
        Assert.Equal(a.Concat(b), v2.AsSpan().ToArray());
        Assert.Equal(a.Concat(c), v1Other.AsSpan().ToArray());
    }

    [Fact]
    public void AStreamAdoptingAnArrayOfOneKindOfTreeReadsAndGrowsLikeAnyOther()
    {
        // A Punct[] passed as TokenTree[]: the stream must not take it for a join (it keeps only
        // arrays of exactly TokenTree[]), and appending another kind of tree must work.
        Punct[] puncts = [new('+', Spacing.Alone, Span.Opaque(1)), new('-', Spacing.Alone, Span.Opaque(2))];
        var stream = TokenStream.Adopt(puncts);
        var ident = new Ident(Symbol.Intern("x"), false, Span.Opaque(3));
        var grown = stream.Append([ident]);

        Assert.Equal(puncts, stream.AsSpan().ToArray());
        Assert.Equal([puncts[0], puncts[1], ident], grown.AsSpan().ToArray());
        Assert.Same(ident, grown[2]);
    }

    [Fact]
    public void AClonedStreamExtendedTwiceGivesTwoIndependentStreams()
    {
        var input = TokenStream.Of(Trees(4));
        var clone = input; // ts_clone shares the instance
        var first = input.Concat(input);
        var second = clone.Concat(TokenStream.Of(Trees(1)));

        Assert.Equal(8, first.Count);
        Assert.Equal(input.AsSpan().ToArray().Concat(input.AsSpan().ToArray()), first.AsSpan().ToArray());
        Assert.Equal(5, second.Count);
        Assert.Equal(input.AsSpan().ToArray(), second.AsSpan()[..4].ToArray());
        Assert.Equal(4, input.Count);
    }

    [Fact]
    public void StreamsBuiltTreeByTreeAndJoinedInAnyOrderReadInOrder()
    {
        // Large streams are joined (O(1)); small ones copied; appends to a join extend its right side.
        var big1 = Trees(500);
        var big2 = Trees(700);
        var expected = new List<TokenTree>();
        var s = TokenStream.Empty;
        foreach (var t in big1.Take(250)) { s = s.Append([t]); expected.Add(t); }
        s = s.Concat(TokenStream.Of(big2));
        expected.AddRange(big2);
        foreach (var t in big1.Skip(250)) { s = s.Append([t]); expected.Add(t); }
        var prefix = TokenStream.Of(Trees(40));
        var joined = prefix.Concat(s);

        Assert.Equal(expected, s.AsSpan().ToArray());
        Assert.Equal(prefix.AsSpan().ToArray().Concat(expected), joined.AsSpan().ToArray());
        Assert.Equal(expected.Count + 40, joined.Count);
        Assert.Equal(expected[^1], s[s.Count - 1]);
        Assert.Equal(expected, s.ToList());
    }

    [Fact]
    public void RandomAppendsAndJoinsOfSharedVersionsMatchAListModel()
    {
        var random = new Random(20261121);
        var versions = new List<(TokenStream Stream, List<TokenTree> Model)> { (TokenStream.Empty, []) };
        for (var step = 0; step < 20_000; step++)
        {
            var (stream, model) = versions[random.Next(versions.Count)];
            if (random.Next(2) == 0)
            {
                var trees = Trees(random.Next(0, 6));
                versions.Add((stream.Append(trees), [.. model, .. trees]));
            }
            else
            {
                var (other, otherModel) = versions[random.Next(versions.Count)];
                if (model.Count + otherModel.Count > 2_000) continue;
                versions.Add((stream.Concat(other), [.. model, .. otherModel]));
            }
            if (versions.Count > 50) versions.RemoveAt(random.Next(versions.Count));
            if (step % 97 == 0)
            {
                foreach (var (s, m) in versions) Assert.Equal(m, s.AsSpan().ToArray());
            }
        }
        foreach (var (s, m) in versions) Assert.Equal(m, s.AsSpan().ToArray());
    }

    [Fact]
    public void ThreadsExtendingTheSameVersionEachGetTheirOwnStream()
    {
        var shared = TokenStream.Empty.Append(Trees(10));
        var results = new (TokenStream Stream, TokenTree[] Added)[8];
        Parallel.For(0, results.Length, i =>
        {
            var added = Trees(3);
            results[i] = (shared.Append(added), added);
        });
        foreach (var (stream, added) in results)
        {
            Assert.Equal(shared.AsSpan().ToArray().Concat(added), stream.AsSpan().ToArray());
        }
        Assert.Equal(10, shared.Count);
    }
}
