using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// A token tree as six flat arrays (protocol.md section 3): <c>subtree</c>, <c>literal</c>,
/// <c>punct</c>, <c>ident</c>, <c>token_tree</c> and <c>text</c>. This is the wire form; it knows
/// nothing of JSON. <see cref="FromGroup"/> and <see cref="FromTokenStream"/> encode, and
/// <see cref="ToTokenStream"/> and <see cref="ToGroup"/> decode, for API versions 0 to 6.
/// </summary>
/// <remarks>
/// Neither direction recurses per nesting level: encoding is the breadth-first walk of section
/// 3.7 and decoding builds subtrees from the last index down, so a 100,000-deep tree is fine.
/// </remarks>
public sealed class FlatTree
{
    // Views, not arrays: a tree read or written with WireBuffers uses the front of lent arrays.
    // Segments rather than memories: the decoder takes a span of one per leaf, and a segment's is
    // a field load and a bounds check.
    private readonly ArraySegment<uint> _subtree;
    private readonly ArraySegment<uint> _literal;
    private readonly ArraySegment<uint> _punct;
    private readonly ArraySegment<uint> _ident;
    private readonly ArraySegment<uint> _tokenTree;
    private readonly string[] _text;

    /// <summary>Wraps six arrays as they are on the wire. The arrays are owned by the tree afterwards. Nothing is validated until decoding.</summary>
    public FlatTree(uint[] subtree, uint[] literal, uint[] punct, uint[] ident, uint[] tokenTree, string[] text)
        : this(
            new ArraySegment<uint>(subtree ?? throw new ArgumentNullException(nameof(subtree))),
            new ArraySegment<uint>(literal ?? throw new ArgumentNullException(nameof(literal))),
            new ArraySegment<uint>(punct ?? throw new ArgumentNullException(nameof(punct))),
            new ArraySegment<uint>(ident ?? throw new ArgumentNullException(nameof(ident))),
            new ArraySegment<uint>(tokenTree ?? throw new ArgumentNullException(nameof(tokenTree))),
            text ?? throw new ArgumentNullException(nameof(text)))
    {
    }

    // The reader's and writer's constructor: the numbers may be the front of lent arrays.
    internal FlatTree(ArraySegment<uint> subtree, ArraySegment<uint> literal, ArraySegment<uint> punct,
        ArraySegment<uint> ident, ArraySegment<uint> tokenTree, string[] text)
    {
        _subtree = subtree;
        _literal = literal;
        _punct = punct;
        _ident = ident;
        _tokenTree = tokenTree;
        _text = text;
    }

    /// <summary>Subtree records: <c>open, close, kind, first_child, end_child</c> (4 u32 without <c>close</c> below version 2).</summary>
    public ReadOnlySpan<uint> Subtree => _subtree.AsSpan();

    /// <summary>Literal records: <c>span, text, kind, suffix</c> (2 u32, <c>span, text</c>, below version 5).</summary>
    public ReadOnlySpan<uint> Literal => _literal.AsSpan();

    /// <summary>Punct records: <c>span, char, spacing</c>.</summary>
    public ReadOnlySpan<uint> Punct => _punct.AsSpan();

    /// <summary>Ident records: <c>span, text, is_raw</c> (2 u32, <c>span, text</c>, below version 5).</summary>
    public ReadOnlySpan<uint> Ident => _ident.AsSpan();

    /// <summary>Children of all subtrees: <c>index &lt;&lt; 2 | tag</c> (0 subtree, 1 literal, 2 punct, 3 ident).</summary>
    public ReadOnlySpan<uint> TokenTree => _tokenTree.AsSpan();

    /// <summary>The interned strings of this tree.</summary>
    public IReadOnlyList<string> Text => _text;

    /// <summary>
    /// Encodes <paramref name="root"/> as <c>subtree[0]</c>, with its own delimiter and spans. This
    /// is what a client sends as <c>macro_body</c> or <c>attributes</c>; rust-analyzer gives the
    /// root an invisible delimiter (<see cref="Delimiter.None"/>).
    /// </summary>
    /// <param name="root">The root group.</param>
    /// <param name="spans">How spans become references; called in wire order.</param>
    /// <param name="apiVersion">The layout to write.</param>
    /// <exception cref="ProtocolException">A span cannot be written in the span mode, or the tree is too large for 30-bit indices.</exception>
    public static FlatTree FromGroup(Group root, ISpanWriter spans, uint apiVersion = ApiVersion.Current)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(spans);
        ApiVersion.EnsureSupported(apiVersion);
        return FlatTreeWriter.Write(root, spans, apiVersion, buffers: null);
    }

    /// <summary>
    /// Encodes a macro's result as a server does (section 3.6): the call-site reference is taken
    /// first; a result that is exactly one group becomes <c>subtree[0]</c>; anything else goes
    /// under a new invisible root whose open and close spans are both the call site.
    /// </summary>
    /// <param name="stream">The expansion result.</param>
    /// <param name="callSite">The request's call-site span.</param>
    /// <param name="spans">How spans become references; called in wire order.</param>
    /// <param name="apiVersion">The layout to write.</param>
    /// <param name="buffers">Where to take the arrays from; the tree is then valid until their next <see cref="WireBuffers.Reclaim"/>. Null: new arrays, owned by the tree.</param>
    /// <exception cref="ProtocolException">A span cannot be written in the span mode, or the tree is too large for 30-bit indices.</exception>
    public static FlatTree FromTokenStream(TokenStream stream, Span callSite, ISpanWriter spans, uint apiVersion = ApiVersion.Current, WireBuffers? buffers = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(spans);
        ApiVersion.EnsureSupported(apiVersion);
        // The reference interns the call site before anything else, even when it goes unused,
        // which fixes its position in a RustAnalyzer-mode response table.
        var callSiteRef = spans.Write(callSite);
        return stream.Count == 1 && stream[0] is Group single
            ? FlatTreeWriter.Write(single, spans, apiVersion, buffers)
            : FlatTreeWriter.WriteRoot(callSiteRef, stream, spans, apiVersion, buffers);
    }

    /// <summary>
    /// Decodes the tree as a server reads its input (section 3.6): an invisible root yields its
    /// children; a delimited root yields a stream of that one group.
    /// </summary>
    /// <param name="spans">How references become spans.</param>
    /// <param name="apiVersion">The layout the tree was written with.</param>
    /// <param name="legacyLiteralParser">
    /// For API versions below 5 only, where a literal is its whole source text: turns that text
    /// into a literal (its span is set afterwards), or null if it is not one. When omitted, a
    /// small built-in classifier is used. Text that fails to parse becomes an error literal
    /// <c>internal error</c>, as upstream does.
    /// </param>
    /// <exception cref="ProtocolException">The tree is malformed (section 2.9).</exception>
    public TokenStream ToTokenStream(ISpanReader spans, uint apiVersion = ApiVersion.Current, Func<string, TokenModel.Literal?>? legacyLiteralParser = null)
    {
        var root = ToGroup(spans, apiVersion, legacyLiteralParser);
        return root.Delimiter == Delimiter.None ? root.Stream : TokenStream.Single(root);
    }

    /// <summary>Decodes the tree and returns <c>subtree[0]</c> itself, delimiter and spans included.</summary>
    /// <param name="spans">How references become spans.</param>
    /// <param name="apiVersion">The layout the tree was written with.</param>
    /// <param name="legacyLiteralParser">See <see cref="ToTokenStream"/>.</param>
    /// <exception cref="ProtocolException">The tree is malformed (section 2.9).</exception>
    public Group ToGroup(ISpanReader spans, uint apiVersion = ApiVersion.Current, Func<string, TokenModel.Literal?>? legacyLiteralParser = null)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ApiVersion.EnsureSupported(apiVersion);
        return new FlatTreeReader(this, spans, apiVersion, legacyLiteralParser ?? LegacyLiteralText.Parse).Read();
    }

    internal string[] TextArray => _text;
}

/// <summary>Record sizes and numbering shared by the FlatTree writer and reader (sections 3.1–3.3, 3.10).</summary>
internal static class FlatTreeLayout
{
    public const int PunctSize = 3;
    public const uint NoSuffix = 0xFFFF_FFFF;
    public const uint MaxIndex = (1u << 30) - 1;

    public const uint TagSubtree = 0;
    public const uint TagLiteral = 1;
    public const uint TagPunct = 2;
    public const uint TagIdent = 3;

    public static int SubtreeSize(uint version) => version >= ApiVersion.EncodeCloseSpan ? 5 : 4;
    public static int LiteralSize(uint version) => version >= ApiVersion.ExtendedLeafData ? 4 : 2;
    public static int IdentSize(uint version) => version >= ApiVersion.ExtendedLeafData ? 3 : 2;

    public static uint DelimiterToWire(Delimiter d) => d switch
    {
        Delimiter.None => 0,
        Delimiter.Parenthesis => 1,
        Delimiter.Brace => 2,
        Delimiter.Bracket => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown delimiter"),
    };

    public static Delimiter DelimiterFromWire(uint kind) => kind switch
    {
        0 => Delimiter.None,
        1 => Delimiter.Parenthesis,
        2 => Delimiter.Brace,
        _ => Delimiter.Bracket,
    };

    public static uint LiteralKindToWire(LiteralKind kind) => kind switch
    {
        LiteralKind.Err => 0,
        LiteralKind.Byte => 1,
        LiteralKind.Char => 2,
        LiteralKind.Integer => 3,
        LiteralKind.Float => 4,
        LiteralKind.Str => 5,
        LiteralKind.StrRaw => 6,
        LiteralKind.ByteStr => 7,
        LiteralKind.ByteStrRaw => 8,
        LiteralKind.CStr => 9,
        LiteralKind.CStrRaw => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown literal kind"),
    };

    public static LiteralKind LiteralKindFromWire(uint kind) => kind switch
    {
        0 => LiteralKind.Err,
        1 => LiteralKind.Byte,
        2 => LiteralKind.Char,
        3 => LiteralKind.Integer,
        4 => LiteralKind.Float,
        5 => LiteralKind.Str,
        6 => LiteralKind.StrRaw,
        7 => LiteralKind.ByteStr,
        8 => LiteralKind.ByteStrRaw,
        9 => LiteralKind.CStr,
        _ => LiteralKind.CStrRaw,
    };

}
