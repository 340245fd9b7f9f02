using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>Every malformed-FlatTree rule of protocol.md section 2.9 gives a ProtocolException naming the problem.</summary>
public class MalformedTreeTests
{
    // A valid v6 tree: root (invisible) with ident "a", literal "1", punct ';' and a brace subtree holding ident "b".
    private static FlatTree Valid(
        uint[]? subtree = null, uint[]? literal = null, uint[]? punct = null, uint[]? ident = null, uint[]? tokenTree = null, string[]? text = null) =>
        new(subtree ?? [0, 0, 0, 0, 4, 1, 1, 2, 4, 5],
            literal ?? [0, 1, 3, 0xFFFF_FFFF],
            punct ?? [0, ';', 0],
            ident ?? [0, 0, 0, 0, 2, 0],
            tokenTree ?? [3, 1, 2, 4, 7],
            text ?? ["a", "1", "b"]);

    private static void Rejected(FlatTree tree, string expectedMessagePart, uint version = ApiVersion.Current)
    {
        var e = Assert.Throws<ProtocolException>(() => tree.ToTokenStream(SpanIds.Instance, version));
        Assert.Contains(expectedMessagePart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_valid_baseline_decodes()
    {
        var stream = Valid().ToTokenStream(SpanIds.Instance);
        Assert.Equal(4, stream.Count);
        Assert.Equal("b", Assert.IsType<Ident>(Assert.IsType<Group>(stream[3]).Stream[0]).Name.Text);
    }

    [Theory]
    [InlineData("subtree", "subtree array has 9 numbers, which is not a multiple of its record size 5")]
    [InlineData("literal", "literal array has 3 numbers, which is not a multiple of its record size 4")]
    [InlineData("punct", "punct array has 2 numbers, which is not a multiple of its record size 3")]
    [InlineData("ident", "ident array has 5 numbers, which is not a multiple of its record size 3")]
    public void Array_length_not_a_multiple_of_the_record_size(string array, string message)
    {
        var v = Valid();
        uint[] Cut(ReadOnlySpan<uint> a) => a[..^1].ToArray();
        var tree = array switch
        {
            "subtree" => Valid(subtree: Cut(v.Subtree)),
            "literal" => Valid(literal: Cut(v.Literal)),
            "punct" => Valid(punct: Cut(v.Punct)),
            _ => Valid(ident: Cut(v.Ident)),
        };
        Rejected(tree, message);
    }

    [Fact]
    public void Record_sizes_follow_the_version()
    {
        // The v6 arrays are not valid v1 arrays: subtree records are 4 numbers there.
        Rejected(Valid(ident: [0, 0, 0]), "ident array has 3 numbers, which is not a multiple of its record size 2 (API version 4)", version: 4);
        Rejected(Valid(subtree: [0, 0, 0, 4, 1, 2, 4, 5, 9]), "record size 4", version: 1);
    }

    [Fact]
    public void Empty_subtree_array() => Rejected(Valid(subtree: []), "empty subtree array");

    [Fact]
    public void Delimiter_kind_above_3() => Rejected(Valid(subtree: [0, 0, 0, 0, 4, 1, 1, 4, 4, 5]), "subtree 1: delimiter kind 4");

    [Fact]
    public void Spacing_above_1() => Rejected(Valid(punct: [0, ';', 2]), "punct 0: spacing 2");

    [Theory]
    [InlineData(0xD800u, "not a Unicode scalar value")]
    [InlineData(0x110000u, "not a Unicode scalar value")]
    [InlineData(0x1F600u, "outside the Basic Multilingual Plane")]
    public void Punct_char_not_representable(uint ch, string message) => Rejected(Valid(punct: [0, ch, 0]), message);

    [Fact]
    public void Literal_kind_low_byte_above_10() => Rejected(Valid(literal: [0, 1, 11, 0xFFFF_FFFF]), "literal 0: kind 11");

    [Fact]
    public void Literal_kind_high_byte_is_ignored_for_kinds_that_are_not_raw()
    {
        var stream = Valid(literal: [0, 1, 3 + 256 * 5, 0xFFFF_FFFF]).ToTokenStream(SpanIds.Instance);
        var literal = Assert.IsType<Literal>(stream[1]);
        Assert.Equal((LiteralKind.Integer, (byte)0), (literal.Kind, literal.Hashes));
    }

    [Fact]
    public void Is_raw_values_other_than_1_mean_not_raw()
    {
        var stream = Valid(ident: [0, 0, 7, 0, 2, 1]).ToTokenStream(SpanIds.Instance);
        Assert.False(Assert.IsType<Ident>(stream[0]).IsRaw);
        Assert.True(Assert.IsType<Ident>(Assert.IsType<Group>(stream[3]).Stream[0]).IsRaw);
    }

    [Theory]
    [InlineData(new uint[] { 0, 9, 0 }, "ident 0: text index 9 is out of range for a text table of 3 strings")]
    public void Ident_text_index_out_of_range(uint[] ident, string message) => Rejected(Valid(ident: [.. ident, 0, 2, 0]), message);

    [Fact]
    public void Literal_text_and_suffix_indices_out_of_range()
    {
        Rejected(Valid(literal: [0, 3, 3, 0xFFFF_FFFF]), "literal 0: text index 3 is out of range");
        Rejected(Valid(literal: [0, 1, 3, 7]), "literal 0: suffix text index 7 is out of range");
    }

    [Theory]
    [InlineData(1u << 2 | 1, "token_tree refers to literal 1, but there are only 1 literal records")]
    [InlineData(5u << 2 | 2, "token_tree refers to punct 5, but there are only 1 punct records")]
    [InlineData(2u << 2 | 3, "token_tree refers to ident 2, but there are only 2 ident records")]
    [InlineData(2u << 2 | 0, "child subtree index 2 is out of range for 2 subtrees")]
    [InlineData(0xFFFF_FFFFu, "token_tree refers to ident 1073741823, but there are only 2 ident records")]
    public void Leaf_or_subtree_index_out_of_range(uint entry, string message) => Rejected(Valid(tokenTree: [entry, 1, 2, 4, 7]), message);

    [Fact]
    public void Child_range_ending_before_it_starts() =>
        Rejected(Valid(subtree: [0, 0, 0, 0, 4, 1, 1, 2, 5, 4]), "subtree 1: child range 5..4 ends before it starts");

    [Fact]
    public void Child_range_beyond_token_tree() =>
        Rejected(Valid(subtree: [0, 0, 0, 0, 4, 1, 1, 2, 4, 6]), "subtree 1: child range 4..6 exceeds the token_tree array of 5 entries");

    [Fact]
    public void Child_subtree_not_after_its_parent()
    {
        // The root referring to itself: a cycle.
        Rejected(Valid(tokenTree: [3, 1, 2, 0, 7]), "child subtree 0 does not come after its parent");
        // Subtree 1 referring back to the root.
        Rejected(Valid(tokenTree: [3, 1, 2, 4, 0]), "subtree 1: child subtree 0 does not come after its parent");
        // Subtree 1 referring to itself.
        Rejected(Valid(tokenTree: [3, 1, 2, 4, 4]), "subtree 1: child subtree 1 does not come after its parent");
    }

    [Fact]
    public void Subtree_referenced_twice()
    {
        var tree = new FlatTree([0, 0, 0, 0, 2, 1, 1, 1, 2, 2], [], [], [], [4, 4], []);
        Rejected(tree, "subtree 1 is referenced more than once");
    }

    [Fact]
    public void Token_tree_slot_shared_by_two_subtrees()
    {
        // Root children 0..2 and subtree 1 children 1..2 overlap in slot 1.
        var tree = new FlatTree([0, 0, 0, 0, 2, 1, 1, 1, 1, 2], [], [], [0, 0, 0], [4, 3], ["a"]);
        Rejected(tree, "token_tree entry 1 is already a child of another subtree");
    }

    [Fact]
    public void Unreferenced_subtrees_are_ignored()
    {
        var tree = new FlatTree([0, 0, 0, 0, 1, 1, 1, 2, 1, 1], [], [], [0, 0, 0], [3], ["a"]);
        Assert.Single(tree.ToTokenStream(SpanIds.Instance));
    }

    [Fact]
    public void RustAnalyzer_mode_span_index_out_of_range_falls_back_to_entry_0()
    {
        var table = SpanDataTable.FromWire([0, Span.RootAnchor, 1, 2, 0, 0, Span.RootAnchor, 3, 4, 0]);
        var tree = new FlatTree([0, 1, 0, 0, 1], [], [], [99, 0, 0], [3], ["a"]);
        var ident = Assert.IsType<Ident>(Assert.Single(tree.ToTokenStream(table)));
        Assert.Equal(table[0], ident.Span);
    }

    [Fact]
    public void RustAnalyzer_mode_with_an_empty_table_cannot_resolve_spans()
    {
        var tree = new FlatTree([0, 0, 0, 0, 0], [], [], [], [], []);
        var e = Assert.Throws<ProtocolException>(() => tree.ToTokenStream(new SpanDataTable()));
        Assert.Contains("the span table is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_literal_text_that_is_not_a_literal_becomes_an_error_literal()
    {
        var tree = new FlatTree([0, 0, 0, 1], [5, 0], [], [], [1], ["not a literal"]);
        var literal = Assert.IsType<Literal>(Assert.Single(tree.ToTokenStream(SpanIds.Instance, 1)));
        Assert.Equal((LiteralKind.Err, "internal error"), (literal.Kind, literal.Symbol.Text));
        Assert.Equal(Span.Opaque(5), literal.Span);
    }

    [Fact]
    public void Legacy_literal_parser_seam_is_used_when_given()
    {
        var tree = new FlatTree([0, 0, 0, 0, 1], [5, 0], [], [], [1], ["anything"]);
        var literal = Assert.IsType<Literal>(Assert.Single(tree.ToTokenStream(SpanIds.Instance, 4,
            text => new Literal(LiteralKind.Str, 0, Symbol.Intern(text.ToUpperInvariant()), null, default))));
        Assert.Equal((LiteralKind.Str, "ANYTHING", Span.Opaque(5)), (literal.Kind, literal.Symbol.Text, literal.Span));
    }

    [Fact]
    public void Legacy_layout_reads_raw_idents_from_their_text()
    {
        var tree = new FlatTree([0, 0, 0, 0, 2], [], [], [1, 0, 2, 1], [3, 7], ["r#fn", "x"]);
        var stream = tree.ToTokenStream(SpanIds.Instance, 4);
        Assert.Equal(("fn", true), (Assert.IsType<Ident>(stream[0]).Name.Text, Assert.IsType<Ident>(stream[0]).IsRaw));
        Assert.Equal(("x", false), (Assert.IsType<Ident>(stream[1]).Name.Text, Assert.IsType<Ident>(stream[1]).IsRaw));
    }

    [Fact]
    public void Version_1_close_span_reads_as_all_ones()
    {
        var tree = new FlatTree([7, 1, 0, 0], [], [], [], [], []);
        var group = Assert.IsType<Group>(Assert.Single(tree.ToTokenStream(SpanIds.Instance, 1)));
        Assert.Equal(new DelimSpan(Span.Opaque(7), Span.Opaque(0xFFFF_FFFF), Span.Opaque(0xFFFF_FFFF)), group.Spans);
    }

    [Fact]
    public void Unsupported_version_is_an_argument_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Valid().ToTokenStream(SpanIds.Instance, 7));

    [Fact]
    public void Located_span_in_Id_mode_cannot_be_written()
    {
        var group = new Group(Delimiter.None, TokenStream.Empty, DelimSpan.Single(Span.InFile(1, 0, 1)));
        var e = Assert.Throws<ProtocolException>(() => FlatTree.FromGroup(group, SpanIds.Instance));
        Assert.Contains("cannot be written in Id span mode", e.Message, StringComparison.Ordinal);
    }
}
