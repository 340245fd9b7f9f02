namespace ProcMacroSrv.TokenModel;

/// <summary>A group's delimiter. The numbering is the bridge's (Parenthesis 0 … None 3).</summary>
public enum Delimiter : byte
{
    /// <summary><c>( … )</c></summary>
    Parenthesis = 0,
    /// <summary><c>{ … }</c></summary>
    Brace = 1,
    /// <summary><c>[ … ]</c></summary>
    Bracket = 2,
    /// <summary>An invisible delimiter.</summary>
    None = 3,
}

/// <summary>
/// How a token is followed by the next one, as rustc's token streams record it. rustc's lexer
/// sets it on every token (not only puncts) and on both delimiters of a group, its printer
/// decides spaces with it, and it survives as long as a stream stays a stream (cloned,
/// concatenated, handed back and forth by handle). Proc macros see only <see cref="Joint"/> on
/// puncts: converting a stream to bridge token trees turns <see cref="JointHidden"/> into
/// <see cref="Alone"/> (see <see cref="TokenTree.ToBridgeTree"/>).
/// </summary>
public enum Spacing : byte
{
    /// <summary>Followed by whitespace, a comment, the end of the input, or nothing known.</summary>
    Alone = 0,
    /// <summary>Immediately followed by a punct (forming an operator such as <c>-&gt;</c>).</summary>
    Joint = 1,
    /// <summary>
    /// Immediately followed by a token that is not a punct (an identifier, literal, lifetime, doc
    /// comment or delimiter): printed without a space, shown to proc macros as <see cref="Alone"/>.
    /// </summary>
    JointHidden = 2,
}

/// <summary>The spacing after a group's opening and after its closing delimiter.</summary>
/// <param name="Open">After the opening delimiter: <see cref="Spacing.Alone"/> puts a space inside a non-empty brace group when printed.</param>
/// <param name="Close">After the closing delimiter: how the group is followed by the next token.</param>
public readonly record struct DelimSpacing(Spacing Open, Spacing Close)
{
    /// <summary>Both <see cref="Spacing.Alone"/>: what every group made by a proc macro has.</summary>
    public static DelimSpacing Alone => default;
}

/// <summary>
/// The doc comment that a lexed <c>#</c>, <c>!</c> and <c>[doc = "…"]</c> came from. rustc keeps a
/// doc comment as one token while a stream stays a stream, and prints it as the comment; only
/// the conversion to bridge token trees expands it. The three trees carry the same instance,
/// so that the printer recognises them only while they are still together.
/// </summary>
public sealed class DocComment
{
    /// <summary>Creates the description of a doc comment.</summary>
    /// <param name="isBlock">True for <c>/** … */</c> and <c>/*! … */</c>, false for <c>///</c> and <c>//!</c>.</param>
    /// <param name="isInner">True for the inner forms <c>//!</c> and <c>/*! … */</c>.</param>
    /// <param name="text">The comment's text after its opening marker (and before <c>*/</c>), unescaped.</param>
    public DocComment(bool isBlock, bool isInner, string text)
    {
        IsBlock = isBlock;
        IsInner = isInner;
        Text = text;
    }

    /// <summary>True for a block doc comment.</summary>
    public bool IsBlock { get; }

    /// <summary>True for an inner doc comment.</summary>
    public bool IsInner { get; }

    /// <summary>The text between the markers, as written.</summary>
    public string Text { get; }

    /// <summary>The comment as rustc prints it: <c>///text</c>, <c>//!text</c>, <c>/**text*/</c> or <c>/*!text*/</c>.</summary>
    public override string ToString() => (IsBlock, IsInner) switch
    {
        (false, false) => "///" + Text,
        (false, true) => "//!" + Text,
        (true, false) => "/**" + Text + "*/",
        (true, true) => "/*!" + Text + "*/",
    };
}

/// <summary>Questions about a <see cref="LiteralKind"/>.</summary>
public static class LiteralKinds
{
    /// <summary>True for the raw string kinds, the ones whose literals carry a number of <c>#</c>.</summary>
    public static bool IsRaw(this LiteralKind kind) => kind is LiteralKind.StrRaw or LiteralKind.ByteStrRaw or LiteralKind.CStrRaw;
}

/// <summary>A literal's kind, numbered as rustc's <c>LitKind</c> on the bridge.</summary>
public enum LiteralKind : byte
{
    /// <summary><c>b'x'</c></summary>
    Byte = 0,
    /// <summary><c>'x'</c></summary>
    Char = 1,
    /// <summary><c>1</c>, <c>0x1F</c>, <c>2_u32</c></summary>
    Integer = 2,
    /// <summary><c>1.5</c>, <c>1e3</c>, <c>2f32</c></summary>
    Float = 3,
    /// <summary><c>"…"</c></summary>
    Str = 4,
    /// <summary><c>r#"…"#</c>; the number of hashes is <see cref="Literal.Hashes"/>.</summary>
    StrRaw = 5,
    /// <summary><c>b"…"</c></summary>
    ByteStr = 6,
    /// <summary><c>br#"…"#</c></summary>
    ByteStrRaw = 7,
    /// <summary><c>c"…"</c></summary>
    CStr = 8,
    /// <summary><c>cr#"…"#</c></summary>
    CStrRaw = 9,
    /// <summary>An erroneous literal whose error was already reported.</summary>
    Err = 10,
}

/// <summary>
/// One token tree: a <see cref="Group"/>, <see cref="Ident"/>, <see cref="Punct"/> or
/// <see cref="Literal"/>. Trees are immutable and freely shared between streams.
/// </summary>
public abstract class TokenTree
{
    private protected TokenTree() { }

    /// <summary>The span of the whole tree (for a group, its entire span).</summary>
    public abstract Span Span { get; }

    /// <summary>How the tree is followed by the next one (for a group: after its closing delimiter).</summary>
    public abstract Spacing Spacing { get; }

    /// <summary>The same tree with another span (for a group: open, close and entire all set to it).</summary>
    public abstract TokenTree WithSpan(Span span);

    /// <summary>
    /// The tree as rustc's server hands it to a proc macro (<c>from_internal</c>) and takes it
    /// back (<c>to_internal</c>): <see cref="Spacing.JointHidden"/> becomes <see cref="Spacing.Alone"/>,
    /// a group's delimiter spacing becomes <see cref="DelimSpacing.Alone"/>, and the doc-comment
    /// origin is forgotten. A group's stream is kept as it is: it travels as a stream. Returns
    /// the tree itself when there is nothing to drop.
    /// </summary>
    public abstract TokenTree ToBridgeTree();
}

/// <summary>A delimited group of tokens.</summary>
/// <remarks>
/// A group a macro makes has one span for its delimiters and the whole (rustc's
/// <c>DelimSpan::from_single</c>), and most groups of an expansion are such: they keep that span
/// alone, and only a lexed group (or one with a doc comment) has its open and close spans in
/// a side object, so a large expansion's groups take about half the memory.
/// </remarks>
public sealed class Group : TokenTree
{
    private readonly Span _entire;
    private readonly Sides? _sides;

    // What only lexed groups have.
    private sealed class Sides(Span open, Span close, DocComment? docComment)
    {
        public readonly Span Open = open;
        public readonly Span Close = close;
        public readonly DocComment? DocComment = docComment;
    }

    /// <summary>Creates a group; <paramref name="spacing"/> defaults to <see cref="DelimSpacing.Alone"/>.</summary>
    public Group(Delimiter delimiter, TokenStream stream, DelimSpan spans, DelimSpacing spacing = default)
    {
        Delimiter = delimiter;
        Stream = stream;
        _entire = spans.Entire;
        if (spans.Open != spans.Entire || spans.Close != spans.Entire) _sides = new Sides(spans.Open, spans.Close, null);
        DelimSpacing = spacing;
    }

    /// <summary>The delimiter.</summary>
    public Delimiter Delimiter { get; }

    /// <summary>The tokens between the delimiters.</summary>
    public TokenStream Stream { get; }

    /// <summary>The open, close and entire spans.</summary>
    public DelimSpan Spans => _sides is { } sides ? new DelimSpan(sides.Open, sides.Close, _entire) : DelimSpan.Single(_entire);

    /// <summary>The spacing after the opening and after the closing delimiter.</summary>
    public DelimSpacing DelimSpacing { get; }

    /// <summary>Set on the <c>[doc = "…"]</c> group of a lexed doc comment.</summary>
    public DocComment? DocComment
    {
        get => _sides?.DocComment;
        init
        {
            // At construction a group has no doc comment yet: only a real one needs its sides.
            if (value is not null) _sides = new Sides(_sides?.Open ?? _entire, _sides?.Close ?? _entire, value);
        }
    }

    /// <inheritdoc/>
    public override Span Span => _entire;

    /// <inheritdoc/>
    public override Spacing Spacing => DelimSpacing.Close;

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Group(Delimiter, Stream, DelimSpan.Single(span), DelimSpacing) { DocComment = DocComment };

    /// <inheritdoc/>
    public override TokenTree ToBridgeTree() =>
        DelimSpacing == DelimSpacing.Alone && DocComment is null ? this : new Group(Delimiter, Stream, Spans);
}

/// <summary>An identifier or keyword, possibly raw (<c>r#fn</c>).</summary>
public sealed class Ident : TokenTree
{
    /// <summary>Creates an identifier; <paramref name="name"/> never includes <c>r#</c>.</summary>
    public Ident(Symbol name, bool isRaw, Span span, Spacing spacing = Spacing.Alone)
    {
        Name = name;
        IsRaw = isRaw;
        Span = span;
        Spacing = spacing;
    }

    /// <summary>The name, without <c>r#</c>.</summary>
    public Symbol Name { get; }

    /// <summary>True for a raw identifier (<c>r#name</c>).</summary>
    public bool IsRaw { get; }

    /// <inheritdoc/>
    public override Span Span { get; }

    /// <inheritdoc/>
    public override Spacing Spacing { get; }

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Ident(Name, IsRaw, span, Spacing);

    /// <inheritdoc/>
    public override TokenTree ToBridgeTree() => Spacing == Spacing.Alone ? this : new Ident(Name, IsRaw, Span);
}

/// <summary>A single punctuation character.</summary>
public sealed class Punct : TokenTree
{
    /// <summary>Creates a punct.</summary>
    public Punct(char ch, Spacing spacing, Span span)
    {
        Char = ch;
        Spacing = spacing;
        Span = span;
    }

    /// <summary>The character, one of <c>= &lt; &gt; ! ~ + - * / % ^ &amp; | @ . , ; : # $ ? '</c>.</summary>
    public char Char { get; }

    /// <summary>Whether the next token is joined to this one.</summary>
    public override Spacing Spacing { get; }

    /// <summary>Set on the <c>#</c> and <c>!</c> of a lexed doc comment.</summary>
    public DocComment? DocComment { get; init; }

    /// <inheritdoc/>
    public override Span Span { get; }

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Punct(Char, Spacing, span) { DocComment = DocComment };

    /// <inheritdoc/>
    public override TokenTree ToBridgeTree() =>
        Spacing != Spacing.JointHidden && DocComment is null
            ? this
            : new Punct(Char, Spacing == Spacing.Joint ? Spacing.Joint : Spacing.Alone, Span);
}

/// <summary>
/// A literal as rustc's bridge sees it: kind, symbol (the body without quotes, prefix or raw
/// hashes, escapes kept as written) and optional suffix.
/// </summary>
public sealed class Literal : TokenTree
{
    /// <summary>Creates a literal.</summary>
    public Literal(LiteralKind kind, byte hashes, Symbol symbol, Symbol? suffix, Span span, Spacing spacing = Spacing.Alone)
    {
        Kind = kind;
        Hashes = hashes;
        Symbol = symbol;
        Suffix = suffix;
        Span = span;
        Spacing = spacing;
    }

    /// <summary>The kind.</summary>
    public LiteralKind Kind { get; }

    /// <summary>The number of <c>#</c> of a raw string kind; 0 otherwise.</summary>
    public byte Hashes { get; }

    /// <summary>The body, as written between the quotes (or the digits of a number).</summary>
    public Symbol Symbol { get; }

    /// <summary>The suffix (<c>u8</c>, <c>f32</c>, …) if any.</summary>
    public Symbol? Suffix { get; }

    /// <inheritdoc/>
    public override Span Span { get; }

    /// <inheritdoc/>
    public override Spacing Spacing { get; }

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Literal(Kind, Hashes, Symbol, Suffix, span, Spacing);

    /// <inheritdoc/>
    public override TokenTree ToBridgeTree() => Spacing == Spacing.Alone ? this : new Literal(Kind, Hashes, Symbol, Suffix, Span);

}
