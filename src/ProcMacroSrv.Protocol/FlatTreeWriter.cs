using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Printing;
using static ProcMacroSrv.Protocol.FlatTreeLayout;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// The breadth-first FlatTree writer of section 3.7. Its visiting order decides subtree
/// numbering, text interning order and, in RustAnalyzer mode, the order spans enter the response
/// table, so it follows the reference step by step.
/// </summary>
/// <remarks>
/// The tree is counted first, so every array is taken once at its final size: a large
/// expansion writes hundreds of thousands of numbers, and growing lists (then copying them
/// into exact arrays) allocated about three times the output on the large-object heap. With
/// <see cref="WireBuffers"/> the arrays are lent ones, longer than needed and not cleared; every
/// slot up to the counted size is written, and the tree views only those.
/// </remarks>
internal sealed class FlatTreeWriter
{
    private readonly ISpanWriter _spans;
    private readonly int _subtreeSize;
    private readonly bool _extendedLeaves;

    private readonly uint[] _subtree;
    private readonly uint[] _literal;
    private readonly uint[] _punct;
    private readonly uint[] _ident;
    private readonly uint[] _tokenTree;
    // The children of each subtree, by subtree index: breadth-first order is index order.
    private readonly TokenStream[] _children;
    private int _subtreeCount, _literalEnd, _punctEnd, _identEnd, _tokenTreeEnd;

    private readonly List<string> _text = [];
    private readonly Dictionary<string, uint> _textIndex = new(StringComparer.Ordinal);

    private FlatTreeWriter(ISpanWriter spans, uint version, TokenStream rootChildren, WireBuffers? buffers)
    {
        _spans = spans;
        _subtreeSize = SubtreeSize(version);
        _extendedLeaves = version >= ApiVersion.ExtendedLeafData;
        var counts = Count(rootChildren);
        _subtree = WireBuffers.Take(buffers, checked(counts.Subtrees * _subtreeSize));
        _literal = WireBuffers.Take(buffers, checked(counts.Literals * LiteralSize(version)));
        _punct = WireBuffers.Take(buffers, checked(counts.Puncts * PunctSize));
        _ident = WireBuffers.Take(buffers, checked(counts.Idents * IdentSize(version)));
        _tokenTree = WireBuffers.Take(buffers, counts.Children);
        _children = new TokenStream[counts.Subtrees];
    }

    /// <summary>Writes <paramref name="root"/> as subtree 0, with its own delimiter and spans.</summary>
    public static FlatTree Write(Group root, ISpanWriter spans, uint version, WireBuffers? buffers)
    {
        var writer = new FlatTreeWriter(spans, version, root.Stream, buffers);
        writer.Enqueue(root);
        return writer.Finish();
    }

    /// <summary>Writes an invisible root whose open and close are both <paramref name="callSite"/>.</summary>
    public static FlatTree WriteRoot(uint callSite, TokenStream children, ISpanWriter spans, uint version, WireBuffers? buffers)
    {
        var writer = new FlatTreeWriter(spans, version, children, buffers);
        writer.AddSubtree(callSite, callSite, 0, children);
        return writer.Finish();
    }

    private readonly record struct Counts(int Subtrees, int Literals, int Puncts, int Idents, int Children);

    private static Counts Count(TokenStream rootChildren)
    {
        long subtrees = 1, literals = 0, puncts = 0, idents = 0, children = 0;
        var pending = new Stack<TokenStream>();
        pending.Push(rootChildren);
        while (pending.TryPop(out var stream))
        {
            var trees = stream.AsSpan();
            children += trees.Length;
            foreach (var tree in trees)
            {
                switch (tree)
                {
                    case Group group:
                        subtrees++;
                        pending.Push(group.Stream);
                        break;
                    case TokenModel.Literal: literals++; break;
                    case TokenModel.Punct: puncts++; break;
                    case TokenModel.Ident: idents++; break;
                    default: throw new ProtocolException($"unknown token tree type {tree.GetType().Name}");
                }
            }
        }
        if (children > Array.MaxLength)
            throw new ProtocolException("the token tree has more children than one token_tree array can hold");
        CheckCount(subtrees, "subtree");
        CheckCount(literals, "literal");
        CheckCount(puncts, "punct");
        CheckCount(idents, "ident");
        return new Counts((int)subtrees, (int)literals, (int)puncts, (int)idents, (int)children);
    }

    /// <summary>Appends a subtree record for <paramref name="group"/> and queues its children.</summary>
    private uint Enqueue(Group group)
    {
        // Open before close: the order in which a table-backed writer sees them.
        var spans = group.Spans;
        var open = _spans.Write(spans.Open);
        var close = _spans.Write(spans.Close);
        return AddSubtree(open, close, DelimiterToWire(group.Delimiter), group.Stream);
    }

    private FlatTree Finish()
    {
        for (var i = 0; i < _subtreeCount; i++) WriteChildren(i, _children[i]);
        return new FlatTree(
            new ArraySegment<uint>(_subtree, 0, _subtreeCount * _subtreeSize),
            new ArraySegment<uint>(_literal, 0, _literalEnd),
            new ArraySegment<uint>(_punct, 0, _punctEnd),
            new ArraySegment<uint>(_ident, 0, _identEnd),
            new ArraySegment<uint>(_tokenTree, 0, _tokenTreeEnd),
            _text.ToArray());
    }

    private uint AddSubtree(uint open, uint close, uint kind, TokenStream children)
    {
        var index = _subtreeCount++;
        var r = index * _subtreeSize;
        _subtree[r++] = open;
        // Below version 2 the close span is not on the wire, but it was still written above
        // so that a span table sees the same spans in the same order on every version.
        if (_subtreeSize == 5) _subtree[r++] = close;
        _subtree[r] = kind;
        // first_child and end_child are set when the subtree's children are written.
        _children[index] = children;
        return (uint)index;
    }

    private void WriteChildren(int subtreeIndex, TokenStream children)
    {
        var trees = children.AsSpan();
        var first = _tokenTreeEnd;
        _tokenTreeEnd += trees.Length;
        var record = subtreeIndex * _subtreeSize;
        _subtree[record + _subtreeSize - 2] = (uint)first;
        _subtree[record + _subtreeSize - 1] = (uint)(first + trees.Length);

        var slots = _tokenTree.AsSpan(first, trees.Length);
        for (var k = 0; k < trees.Length; k++)
        {
            slots[k] = trees[k] switch
            {
                Group group => Enqueue(group) << 2 | TagSubtree,
                TokenModel.Literal literal => WriteLiteral(literal) << 2 | TagLiteral,
                TokenModel.Punct punct => WritePunct(punct) << 2 | TagPunct,
                var other => WriteIdent((TokenModel.Ident)other) << 2 | TagIdent,
            };
        }
    }

    private uint WriteLiteral(TokenModel.Literal literal)
    {
        var span = _spans.Write(literal.Span);
        var r = _literalEnd;
        _literal[r] = span;
        if (_extendedLeaves)
        {
            // Text first, then suffix: the interning order of the reference.
            _literal[r + 1] = Intern(literal.Symbol.Text);
            var suffix = literal.Suffix is { } s ? Intern(s.Text) : NoSuffix;
            var hashes = literal.Kind.IsRaw() ? (uint)literal.Hashes : 0;
            _literal[r + 2] = LiteralKindToWire(literal.Kind) | hashes << 8;
            _literal[r + 3] = suffix;
            _literalEnd = r + 4;
            return (uint)(r / 4);
        }
        _literal[r + 1] = Intern(TokenPrinter.LiteralToString(literal));
        _literalEnd = r + 2;
        return (uint)(r / 2);
    }

    private uint WritePunct(TokenModel.Punct punct)
    {
        var r = _punctEnd;
        _punct[r] = _spans.Write(punct.Span);
        _punct[r + 1] = punct.Char;
        _punct[r + 2] = punct.Spacing == Spacing.Joint ? 1u : 0u;
        _punctEnd = r + PunctSize;
        return (uint)(r / PunctSize);
    }

    private uint WriteIdent(TokenModel.Ident ident)
    {
        var r = _identEnd;
        _ident[r] = _spans.Write(ident.Span);
        if (_extendedLeaves)
        {
            _ident[r + 1] = Intern(ident.Name.Text);
            _ident[r + 2] = ident.IsRaw ? 1u : 0u;
            _identEnd = r + 3;
            return (uint)(r / 3);
        }
        // Older layouts carry rawness in the text itself.
        _ident[r + 1] = Intern(ident.IsRaw ? "r#" + ident.Name.Text : ident.Name.Text);
        _identEnd = r + 2;
        return (uint)(r / 2);
    }

    private uint Intern(string text)
    {
        if (_textIndex.TryGetValue(text, out var index)) return index;
        index = (uint)_text.Count;
        _text.Add(text);
        _textIndex.Add(text, index);
        return index;
    }

    private static void CheckCount(long count, string what)
    {
        if (count > MaxIndex + 1L)
            throw new ProtocolException($"the token tree has more than {MaxIndex + 1} {what} records, which 30-bit token_tree indices cannot address");
    }
}
