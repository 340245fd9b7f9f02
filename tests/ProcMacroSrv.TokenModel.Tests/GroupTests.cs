namespace ProcMacroSrv.TokenModel.Tests;

/// <summary>
/// A group keeps its open, close and entire spans and its doc comment exactly as given, whether
/// the three spans are one (a group a macro makes) or differ (a lexed group).
/// </summary>
public class GroupTests
{
    private static readonly Span Open = Span.InFile(1, 10, 11);
    private static readonly Span Close = Span.InFile(1, 20, 21);
    private static readonly Span Entire = Span.InFile(1, 10, 21);

    [Fact]
    public void DistinctSpansAreEachKept()
    {
        var group = new Group(Delimiter.Brace, TokenStream.Empty, new DelimSpan(Open, Close, Entire));
        Assert.Equal(new DelimSpan(Open, Close, Entire), group.Spans);
        Assert.Equal(Entire, group.Span);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ASpanThatDiffersOnOneSideOnlyIsKept(int side)
    {
        var spans = side == 0 ? new DelimSpan(Open, Entire, Entire) : new DelimSpan(Entire, Close, Entire);
        Assert.Equal(spans, new Group(Delimiter.Parenthesis, TokenStream.Empty, spans).Spans);
    }

    [Fact]
    public void OneSpanForAllThreeIsThatSpanThrice()
    {
        var group = new Group(Delimiter.Bracket, TokenStream.Empty, DelimSpan.Single(Entire));
        Assert.Equal(new DelimSpan(Entire, Entire, Entire), group.Spans);
        Assert.Null(group.DocComment);
    }

    [Fact]
    public void ADocCommentIsKeptWithEitherKindOfSpans()
    {
        var doc = new DocComment(isBlock: false, isInner: false, " text");
        var single = new Group(Delimiter.Bracket, TokenStream.Empty, DelimSpan.Single(Entire)) { DocComment = doc };
        var distinct = new Group(Delimiter.Bracket, TokenStream.Empty, new DelimSpan(Open, Close, Entire)) { DocComment = doc };

        Assert.Same(doc, single.DocComment);
        Assert.Equal(DelimSpan.Single(Entire), single.Spans);
        Assert.Same(doc, distinct.DocComment);
        Assert.Equal(new DelimSpan(Open, Close, Entire), distinct.Spans);
    }

    [Fact]
    public void WithSpanGivesOneSpanAndKeepsTheRest()
    {
        var doc = new DocComment(isBlock: true, isInner: true, " inner ");
        var stream = TokenStream.Single(new Punct('+', Spacing.Alone, Open));
        var group = new Group(Delimiter.Brace, stream, new DelimSpan(Open, Close, Entire), new DelimSpacing(Spacing.Joint, Spacing.Alone)) { DocComment = doc };
        var moved = Assert.IsType<Group>(group.WithSpan(Close));

        Assert.Equal(DelimSpan.Single(Close), moved.Spans);
        Assert.Same(stream, moved.Stream);
        Assert.Same(doc, moved.DocComment);
        Assert.Equal(group.DelimSpacing, moved.DelimSpacing);
        Assert.Equal(Delimiter.Brace, moved.Delimiter);
    }

    [Fact]
    public void OnTheBridgeAGroupKeepsItsSpansAndLosesItsDocComment()
    {
        var doc = new DocComment(isBlock: false, isInner: false, " text");
        var group = new Group(Delimiter.Bracket, TokenStream.Empty, new DelimSpan(Open, Close, Entire)) { DocComment = doc };
        var bridged = Assert.IsType<Group>(group.ToBridgeTree());

        Assert.Null(bridged.DocComment);
        Assert.Equal(new DelimSpan(Open, Close, Entire), bridged.Spans);
        Assert.Same(group.Stream, bridged.Stream);
    }

    [Fact]
    public void NoDocCommentKeepsDistinctSpans()
    {
        var group = new Group(Delimiter.Brace, TokenStream.Empty, new DelimSpan(Open, Close, Entire)) { DocComment = null };
        Assert.Null(group.DocComment);
        Assert.Equal(new DelimSpan(Open, Close, Entire), group.Spans);
    }
}
