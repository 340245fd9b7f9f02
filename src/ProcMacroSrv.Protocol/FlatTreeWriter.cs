using System.Runtime.InteropServices;
using ProcMacroSrv.TokenModel;
using static ProcMacroSrv.Protocol.FlatTreeLayout;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// The breadth-first FlatTree writer of section 3.7. Its visiting order decides subtree
/// numbering, text interning order and, in RustAnalyzer mode, the order spans enter the response
/// table, so it follows the reference step by step.
/// </summary>
internal sealed class FlatTreeWriter
{
    private readonly ISpanWriter _spans;
    private readonly int _subtreeSize;
    private readonly bool _extendedLeaves;

    private readonly List<uint> _subtree = [];
    private readonly List<uint> _literal = [];
    private readonly List<uint> _punct = [];
    private readonly List<uint> _ident = [];
    private readonly List<uint> _tokenTree = [];
    private readonly List<string> _text = [];
    private readonly Dictionary<string, uint> _textIndex = new(StringComparer.Ordinal);
    private readonly Queue<(int Index, TokenStream Children)> _work = new();

    public FlatTreeWriter(ISpanWriter spans, uint version)
    {
        _spans = spans;
        _subtreeSize = SubtreeSize(version);
        _extendedLeaves = version >= ApiVersion.ExtendedLeafData;
    }

    /// <summary>Appends a subtree record for <paramref name="group"/> and queues its children.</summary>
    public uint Enqueue(Group group)
    {
        // Open before close: the order in which a table-backed writer sees them.
        var open = _spans.Write(group.Spans.Open);
        var close = _spans.Write(group.Spans.Close);
        return AddSubtree(open, close, DelimiterToWire(group.Delimiter), group.Stream);
    }

    /// <summary>Appends an invisible root whose open and close are both <paramref name="callSite"/>.</summary>
    public void EnqueueRoot(uint callSite, TokenStream children) => AddSubtree(callSite, callSite, 0, children);

    public FlatTree Finish()
    {
        while (_work.TryDequeue(out var item)) WriteChildren(item.Index, item.Children);
        return new FlatTree(_subtree.ToArray(), _literal.ToArray(), _punct.ToArray(), _ident.ToArray(), _tokenTree.ToArray(), _text.ToArray());
    }

    private uint AddSubtree(uint open, uint close, uint kind, TokenStream children)
    {
        var index = _subtree.Count / _subtreeSize;
        CheckIndex(index, "subtree");
        _subtree.Add(open);
        // Below version 2 the close span is not on the wire, but it was still written above
        // so that a span table sees the same spans in the same order on every version.
        if (_subtreeSize == 5) _subtree.Add(close);
        _subtree.Add(kind);
        _subtree.Add(0); // first_child, set when the work item is processed
        _subtree.Add(0); // end_child
        _work.Enqueue((index, children));
        return (uint)index;
    }

    private void WriteChildren(int subtreeIndex, TokenStream children)
    {
        var trees = children.AsSpan();
        var first = _tokenTree.Count;
        if ((long)first + trees.Length > Array.MaxLength)
            throw new ProtocolException("the token tree has more children than one token_tree array can hold");
        CollectionsMarshal.SetCount(_tokenTree, first + trees.Length);
        var record = subtreeIndex * _subtreeSize;
        _subtree[record + _subtreeSize - 2] = (uint)first;
        _subtree[record + _subtreeSize - 1] = (uint)(first + trees.Length);

        for (var k = 0; k < trees.Length; k++)
        {
            _tokenTree[first + k] = trees[k] switch
            {
                Group group => Enqueue(group) << 2 | TagSubtree,
                TokenModel.Literal literal => WriteLiteral(literal) << 2 | TagLiteral,
                TokenModel.Punct punct => WritePunct(punct) << 2 | TagPunct,
                TokenModel.Ident ident => WriteIdent(ident) << 2 | TagIdent,
                var other => throw new ProtocolException($"unknown token tree type {other.GetType().Name}"),
            };
        }
    }

    private uint WriteLiteral(TokenModel.Literal literal)
    {
        var size = _extendedLeaves ? 4 : 2;
        var index = _literal.Count / size;
        CheckIndex(index, "literal");
        var span = _spans.Write(literal.Span);
        _literal.Add(span);
        if (_extendedLeaves)
        {
            // Text first, then suffix: the interning order of the reference.
            _literal.Add(Intern(literal.Symbol.Text));
            var suffix = literal.Suffix is { } s ? Intern(s.Text) : NoSuffix;
            var hashes = IsRawKind(literal.Kind) ? (uint)literal.Hashes : 0;
            _literal.Add(LiteralKindToWire(literal.Kind) | hashes << 8);
            _literal.Add(suffix);
        }
        else
        {
            _literal.Add(Intern(LegacyLiteralText.Format(literal)));
        }
        return (uint)index;
    }

    private uint WritePunct(TokenModel.Punct punct)
    {
        var index = _punct.Count / PunctSize;
        CheckIndex(index, "punct");
        _punct.Add(_spans.Write(punct.Span));
        _punct.Add(punct.Char);
        _punct.Add(punct.Spacing == Spacing.Joint ? 1u : 0u);
        return (uint)index;
    }

    private uint WriteIdent(TokenModel.Ident ident)
    {
        var size = _extendedLeaves ? 3 : 2;
        var index = _ident.Count / size;
        CheckIndex(index, "ident");
        _ident.Add(_spans.Write(ident.Span));
        if (_extendedLeaves)
        {
            _ident.Add(Intern(ident.Name.Text));
            _ident.Add(ident.IsRaw ? 1u : 0u);
        }
        else
        {
            // Older layouts carry rawness in the text itself.
            _ident.Add(Intern(ident.IsRaw ? "r#" + ident.Name.Text : ident.Name.Text));
        }
        return (uint)index;
    }

    private uint Intern(string text)
    {
        if (_textIndex.TryGetValue(text, out var index)) return index;
        index = (uint)_text.Count;
        _text.Add(text);
        _textIndex.Add(text, index);
        return index;
    }

    private static void CheckIndex(int index, string what)
    {
        if ((uint)index > MaxIndex)
            throw new ProtocolException($"the token tree has more than {MaxIndex + 1} {what} records, which 30-bit token_tree indices cannot address");
    }
}
