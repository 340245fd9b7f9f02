using ProcMacroSrv.Protocol;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>Structural comparison of token trees, iterative so that 100k-deep trees work.</summary>
internal static class TreeAssert
{
    /// <summary>
    /// Asserts that <paramref name="actual"/> is what decoding an encoding of
    /// <paramref name="expected"/> should give: same structure and leaves, open spans equal, close
    /// spans equal (or <paramref name="lostClose"/> for layouts without them), and every entire
    /// span derived from open and close by <paramref name="reader"/>.
    /// </summary>
    public static void Decoded(Group expected, Group actual, ISpanReader reader, Span? lostClose = null)
    {
        // The location is a depth and child index, not a path string, which would make a
        // 100k-deep comparison quadratic.
        var work = new Stack<(TokenTree Expected, TokenTree Actual, Location Path)>();
        work.Push((expected, actual, new Location(0, 0)));
        while (work.Count > 0)
        {
            var (e, a, path) = work.Pop();
            switch (e)
            {
                case Group eg:
                {
                    var ag = Assert.IsType<Group>(a);
                    Assert.True(eg.Delimiter == ag.Delimiter, $"{path}: delimiter {eg.Delimiter} != {ag.Delimiter}");
                    Assert.True(eg.Spans.Open == ag.Spans.Open, $"{path}: open {eg.Spans.Open} != {ag.Spans.Open}");
                    var close = lostClose ?? eg.Spans.Close;
                    Assert.True(close == ag.Spans.Close, $"{path}: close {close} != {ag.Spans.Close}");
                    var entire = reader.JoinDelimiters(ag.Spans.Open, ag.Spans.Close);
                    Assert.True(entire == ag.Spans.Entire, $"{path}: entire {entire} != {ag.Spans.Entire}");
                    var ec = eg.Stream.AsSpan();
                    var ac = ag.Stream.AsSpan();
                    Assert.True(ec.Length == ac.Length, $"{path}: {ec.Length} children != {ac.Length}");
                    for (var i = 0; i < ec.Length; i++) work.Push((ec[i], ac[i], path.Child(i)));
                    break;
                }
                default:
                    Leaf(e, a, path);
                    break;
            }
        }
    }

    /// <summary>Asserts two streams are equal, all spans included.</summary>
    public static void Equal(TokenStream expected, TokenStream actual)
    {
        var work = new Stack<(TokenStream Expected, TokenStream Actual, Location Path)>();
        work.Push((expected, actual, new Location(0, 0)));
        while (work.Count > 0)
        {
            var (es, @as, path) = work.Pop();
            Assert.True(es.Count == @as.Count, $"{path}: {es.Count} trees != {@as.Count}");
            for (var i = 0; i < es.Count; i++)
            {
                var p = path.Child(i);
                if (es[i] is Group eg)
                {
                    var ag = Assert.IsType<Group>(@as[i]);
                    Assert.True(eg.Delimiter == ag.Delimiter && eg.Spans == ag.Spans, $"{p}: group {eg.Delimiter} {eg.Spans} != {ag.Delimiter} {ag.Spans}");
                    work.Push((eg.Stream, ag.Stream, p));
                }
                else
                {
                    Leaf(es[i], @as[i], p);
                }
            }
        }
    }

    private readonly record struct Location(int Depth, int Index)
    {
        public Location Child(int index) => new(Depth + 1, index);

        public override string ToString() => $"depth {Depth}, child {Index}";
    }

    private static void Leaf(TokenTree e, TokenTree a, Location path)
    {
        Assert.True(e.Span == a.Span, $"{path}: span {e.Span} != {a.Span}");
        switch (e)
        {
            case Ident ei:
                var ai = Assert.IsType<Ident>(a);
                Assert.True(ei.Name == ai.Name && ei.IsRaw == ai.IsRaw, $"{path}: ident {ei.Name}/{ei.IsRaw} != {ai.Name}/{ai.IsRaw}");
                break;
            case Punct ep:
                var ap = Assert.IsType<Punct>(a);
                Assert.True(ep.Char == ap.Char && ep.Spacing == ap.Spacing, $"{path}: punct {ep.Char}/{ep.Spacing} != {ap.Char}/{ap.Spacing}");
                break;
            case Literal el:
                var al = Assert.IsType<Literal>(a);
                Assert.True(el.Kind == al.Kind && el.Hashes == al.Hashes && el.Symbol == al.Symbol && el.Suffix == al.Suffix,
                    $"{path}: literal {el.Kind}/{el.Hashes}/{el.Symbol}/{el.Suffix} != {al.Kind}/{al.Hashes}/{al.Symbol}/{al.Suffix}");
                break;
            default:
                throw new InvalidOperationException("unexpected tree " + e.GetType());
        }
    }
}
