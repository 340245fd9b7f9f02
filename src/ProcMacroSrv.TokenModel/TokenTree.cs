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

/// <summary>Whether a punct is immediately followed by another punct (forming an operator such as <c>-&gt;</c>).</summary>
public enum Spacing : byte
{
    /// <summary>Followed by whitespace or a non-punct token.</summary>
    Alone = 0,
    /// <summary>Immediately followed by a punct or a lifetime.</summary>
    Joint = 1,
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

    /// <summary>The same tree with another span (for a group: open, close and entire all set to it).</summary>
    public abstract TokenTree WithSpan(Span span);
}

/// <summary>A delimited group of tokens.</summary>
public sealed class Group : TokenTree
{
    /// <summary>Creates a group.</summary>
    public Group(Delimiter delimiter, TokenStream stream, DelimSpan spans)
    {
        Delimiter = delimiter;
        Stream = stream;
        Spans = spans;
    }

    /// <summary>The delimiter.</summary>
    public Delimiter Delimiter { get; }

    /// <summary>The tokens between the delimiters.</summary>
    public TokenStream Stream { get; }

    /// <summary>The open, close and entire spans.</summary>
    public DelimSpan Spans { get; }

    /// <inheritdoc/>
    public override Span Span => Spans.Entire;

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Group(Delimiter, Stream, DelimSpan.Single(span));
}

/// <summary>An identifier or keyword, possibly raw (<c>r#fn</c>).</summary>
public sealed class Ident : TokenTree
{
    /// <summary>Creates an identifier; <paramref name="name"/> never includes <c>r#</c>.</summary>
    public Ident(Symbol name, bool isRaw, Span span)
    {
        Name = name;
        IsRaw = isRaw;
        Span = span;
    }

    /// <summary>The name, without <c>r#</c>.</summary>
    public Symbol Name { get; }

    /// <summary>True for a raw identifier (<c>r#name</c>).</summary>
    public bool IsRaw { get; }

    /// <inheritdoc/>
    public override Span Span { get; }

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Ident(Name, IsRaw, span);
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
    public Spacing Spacing { get; }

    /// <inheritdoc/>
    public override Span Span { get; }

    /// <inheritdoc/>
    public override TokenTree WithSpan(Span span) => new Punct(Char, Spacing, span);
}

/// <summary>
/// A literal as rustc's bridge sees it: kind, symbol (the body without quotes, prefix or raw
/// hashes, escapes kept as written) and optional suffix.
/// </summary>
public sealed class Literal : TokenTree
{
    /// <summary>Creates a literal.</summary>
    public Literal(LiteralKind kind, byte hashes, Symbol symbol, Symbol? suffix, Span span)
    {
        Kind = kind;
        Hashes = hashes;
        Symbol = symbol;
        Suffix = suffix;
        Span = span;
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
    public override TokenTree WithSpan(Span span) => new Literal(Kind, Hashes, Symbol, Suffix, span);

    /// <summary>True for the string kinds, after which the printer requests no space.</summary>
    public bool IsStringKind => Kind is LiteralKind.Str or LiteralKind.StrRaw or LiteralKind.ByteStr
        or LiteralKind.ByteStrRaw or LiteralKind.CStr or LiteralKind.CStrRaw;
}
