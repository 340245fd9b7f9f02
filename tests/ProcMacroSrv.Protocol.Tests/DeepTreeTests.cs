using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>Nothing recurses per nesting level: a 100,000-deep tree encodes, travels as JSON and decodes.</summary>
public class DeepTreeTests
{
    private const int Depth = 100_000;

    private static Group Nested(Func<int, Span> span)
    {
        // Built innermost first, so construction itself is iterative.
        var group = new Group(Delimiter.Bracket, TokenStream.Single(new Ident(Symbol.Intern("core"), false, span(Depth))), DelimSpan.Single(span(Depth)));
        for (var i = Depth - 1; i >= 0; i--)
            group = new Group((Delimiter)(i % 3), TokenStream.Single(group), new DelimSpan(span(i), span(i + 1), span(i + 1)));
        return new Group(Delimiter.None, TokenStream.Single(group), DelimSpan.Single(span(0)));
    }

    [Fact]
    public void Deep_tree_in_Id_mode()
    {
        var root = Nested(i => Span.Opaque((uint)i));
        var tree = FlatTree.FromGroup(root, SpanIds.Instance);
        Assert.Equal((Depth + 2) * 5, tree.Subtree.Length);
        var bytes = JsonLegacyWriter.EncodeResponse(ExpandMacroResponse.Ok(tree));
        var parsed = Assert.IsType<ExpandMacroResponse>(JsonLegacyReader.ReadResponse(bytes));
        var decoded = parsed.Tree!.ToGroup(SpanIds.Instance);
        TreeAssert.Decoded(root, decoded, SpanIds.Instance);
    }

    [Fact]
    public void Deep_tree_in_RustAnalyzer_mode()
    {
        var root = Nested(i => Span.InFile(1, (uint)i, (uint)i + 1));
        var table = new SpanDataTable();
        var tree = FlatTree.FromGroup(root, table);
        var wire = table.ToWire();
        var decoded = tree.ToGroup(SpanDataTable.FromWire(wire));
        TreeAssert.Decoded(root, decoded, table);
    }

    [Fact]
    public void Deep_result_encodes_as_a_server_would()
    {
        var root = Nested(i => Span.Opaque((uint)i));
        var tree = FlatTree.FromTokenStream(root.Stream, Span.Opaque(42), SpanIds.Instance);
        // The single group becomes the root.
        Assert.Equal(0u, tree.Subtree[0]);
        var stream = tree.ToTokenStream(SpanIds.Instance);
        Assert.IsType<Group>(Assert.Single(stream));
    }
}
