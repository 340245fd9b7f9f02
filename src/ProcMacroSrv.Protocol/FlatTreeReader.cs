using System.Text;
using ProcMacroSrv.TokenModel;
using static ProcMacroSrv.Protocol.FlatTreeLayout;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// Decodes a FlatTree (section 3.8), validating everything the reference would crash on
/// (section 2.9) and reporting it as a <see cref="ProtocolException"/> instead.
/// </summary>
/// <remarks>
/// Subtrees are built from the last index down to 0, moving each finished subtree into its
/// parent; a child's index must be larger than its parent's, so no recursion and no cycles are
/// possible. As a deliberate strictness beyond the reference, every <c>token_tree</c> slot may
/// belong to at most one subtree: the reference's writer never shares slots, and without this
/// rule a small input could make the decoder build the same leaves over and over (quadratic
/// work). With it, decoding is linear in the input size.
/// </remarks>
internal sealed class FlatTreeReader
{
    private readonly FlatTree _tree;
    private readonly ISpanReader _spans;
    private readonly uint _version;
    private readonly Func<string, TokenModel.Literal?> _legacyLiteralParser;
    private readonly int _subtreeSize;
    private readonly int _literalSize;
    private readonly int _identSize;
    private readonly Symbol?[] _symbols;

    public FlatTreeReader(FlatTree tree, ISpanReader spans, uint version, Func<string, TokenModel.Literal?> legacyLiteralParser)
    {
        _tree = tree;
        _spans = spans;
        _version = version;
        _legacyLiteralParser = legacyLiteralParser;
        _subtreeSize = SubtreeSize(version);
        _literalSize = LiteralSize(version);
        _identSize = IdentSize(version);
        _symbols = new Symbol?[tree.TextArray.Length];
    }

    public Group Read()
    {
        var subtree = _tree.Subtree;
        CheckRecords("subtree", subtree.Length, _subtreeSize);
        CheckRecords("literal", _tree.Literal.Length, _literalSize);
        CheckRecords("punct", _tree.Punct.Length, PunctSize);
        CheckRecords("ident", _tree.Ident.Length, _identSize);
        var subtreeCount = subtree.Length / _subtreeSize;
        if (subtreeCount == 0)
            throw new ProtocolException("FlatTree has an empty subtree array, so it has no root");
        ValidateRecords(subtreeCount);

        var tokenTree = _tree.TokenTree;
        var built = new Group?[subtreeCount];
        var taken = new bool[subtreeCount];
        var claimed = new bool[tokenTree.Length];

        for (var i = subtreeCount - 1; i >= 0; i--)
        {
            var r = i * _subtreeSize;
            var open = _spans.Read(subtree[r]);
            var close = _spans.Read(_subtreeSize == 5 ? subtree[r + 1] : 0xFFFF_FFFF);
            var kind = subtree[r + _subtreeSize - 3];
            var first = subtree[r + _subtreeSize - 2];
            var end = subtree[r + _subtreeSize - 1];
            if (end < first)
                throw new ProtocolException($"subtree {i}: child range {first}..{end} ends before it starts");
            if (end > (uint)tokenTree.Length)
                throw new ProtocolException($"subtree {i}: child range {first}..{end} exceeds the token_tree array of {tokenTree.Length} entries");

            var children = new TokenTree[end - first];
            for (var k = 0; k < children.Length; k++)
            {
                var slot = (int)first + k;
                if (claimed[slot])
                    throw new ProtocolException($"subtree {i}: token_tree entry {slot} is already a child of another subtree");
                claimed[slot] = true;
                var entry = tokenTree[slot];
                var index = entry >> 2;
                children[k] = (entry & 3) switch
                {
                    TagSubtree => TakeSubtree(i, index, subtreeCount, built, taken),
                    TagLiteral => ReadLiteral(index),
                    TagPunct => ReadPunct(index),
                    _ => ReadIdent(index),
                };
            }
            built[i] = new Group(DelimiterFromWire(kind), TokenStream.Adopt(children),
                new DelimSpan(open, close, _spans.JoinDelimiters(open, close)));
        }
        return built[0]!;
    }

    private static Group TakeSubtree(int parent, uint index, int count, Group?[] built, bool[] taken)
    {
        if (index >= (uint)count)
            throw new ProtocolException($"subtree {parent}: child subtree index {index} is out of range for {count} subtrees");
        if (index <= (uint)parent)
            throw new ProtocolException($"subtree {parent}: child subtree {index} does not come after its parent, so the tree would contain a cycle");
        if (taken[index])
            throw new ProtocolException($"subtree {parent}: subtree {index} is referenced more than once");
        taken[index] = true;
        var group = built[index]!;
        built[index] = null;
        return group;
    }

    private TokenModel.Literal ReadLiteral(uint index)
    {
        var records = _tree.Literal;
        var r = RecordOffset("literal", index, records.Length, _literalSize);
        var span = _spans.Read(records[r]);
        if (_literalSize == 2)
        {
            // Below version 5 the text is the whole literal; classify it back.
            var text = TextAt("literal", index, records[r + 1]).Text;
            var parsed = _legacyLiteralParser(text);
            return parsed is null
                ? new TokenModel.Literal(LiteralKind.Err, 0, Symbol.Intern("internal error"), null, span)
                : (TokenModel.Literal)parsed.WithSpan(span);
        }
        var symbol = TextAt("literal", index, records[r + 1]);
        // The kind is a u16 in a u32: low byte the kind, high byte the raw-string hash count.
        var kindValue = records[r + 2] & 0xFFFF;
        var kind = LiteralKindFromWire(kindValue & 0xFF);
        var hashes = kind.IsRaw() ? (byte)(kindValue >> 8) : (byte)0;
        Symbol? suffix = records[r + 3] == NoSuffix ? null : TextAt("literal", index, records[r + 3], "suffix text");
        return new TokenModel.Literal(kind, hashes, symbol, suffix, span);
    }

    private TokenModel.Punct ReadPunct(uint index)
    {
        var records = _tree.Punct;
        var r = RecordOffset("punct", index, records.Length, PunctSize);
        return new TokenModel.Punct((char)records[r + 1], records[r + 2] == 1 ? Spacing.Joint : Spacing.Alone, _spans.Read(records[r]));
    }

    private TokenModel.Ident ReadIdent(uint index)
    {
        var records = _tree.Ident;
        var r = RecordOffset("ident", index, records.Length, _identSize);
        var span = _spans.Read(records[r]);
        var name = TextAt("ident", index, records[r + 1]);
        if (_identSize == 3)
            return new TokenModel.Ident(name, records[r + 2] == 1, span);
        // Older layouts carry rawness as an `r#` prefix in the text.
        var text = name.Text;
        return text.StartsWith("r#", StringComparison.Ordinal)
            ? new TokenModel.Ident(Symbol.Intern(text.AsSpan(2)), true, span)
            : new TokenModel.Ident(name, false, span);
    }

    private void ValidateRecords(int subtreeCount)
    {
        // The reference checks these when it cuts the arrays into records, before building
        // anything, so even records that nothing refers to must be valid.
        var subtree = _tree.Subtree;
        for (var i = 0; i < subtreeCount; i++)
        {
            var kind = subtree[i * _subtreeSize + _subtreeSize - 3];
            if (kind > 3)
                throw new ProtocolException($"subtree {i}: delimiter kind {kind} is not one of 0 (invisible), 1 (parenthesis), 2 (brace), 3 (bracket)");
        }
        var punct = _tree.Punct;
        for (var i = 0; i < punct.Length / PunctSize; i++)
        {
            var ch = punct[i * PunctSize + 1];
            if (!Rune.IsValid(ch))
                throw new ProtocolException($"punct {i}: {ch} (0x{ch:x}) is not a Unicode scalar value");
            if (ch > char.MaxValue)
                throw new ProtocolException($"punct {i}: U+{ch:X} is outside the Basic Multilingual Plane; no Rust punctuation is, and the token model cannot hold it");
            var spacing = punct[i * PunctSize + 2];
            if (spacing > 1)
                throw new ProtocolException($"punct {i}: spacing {spacing} is not 0 (alone) or 1 (joint)");
        }
        if (_literalSize == 4)
        {
            var literal = _tree.Literal;
            for (var i = 0; i < literal.Length / 4; i++)
            {
                var kind = literal[i * 4 + 2] & 0xFF;
                if (kind > 10)
                    throw new ProtocolException($"literal {i}: kind {kind} (in the low byte of {literal[i * 4 + 2]}) is not a literal kind 0 to 10");
            }
        }
    }

    private void CheckRecords(string array, int length, int size)
    {
        if (length % size != 0)
            throw new ProtocolException($"FlatTree {array} array has {length} numbers, which is not a multiple of its record size {size} (API version {_version})");
    }

    private static int RecordOffset(string what, uint index, int length, int size)
    {
        var count = length / size;
        if (index >= (uint)count)
            throw new ProtocolException($"token_tree refers to {what} {index}, but there are only {count} {what} records");
        return (int)index * size;
    }

    private Symbol TextAt(string what, uint record, uint textIndex, string field = "text")
    {
        if (textIndex >= (uint)_symbols.Length)
            throw new ProtocolException($"{what} {record}: {field} index {textIndex} is out of range for a text table of {_symbols.Length} strings");
        // Each text entry is interned once, however many leaves use it.
        return _symbols[textIndex] ??= Symbol.Intern(_tree.TextArray[textIndex]);
    }
}
