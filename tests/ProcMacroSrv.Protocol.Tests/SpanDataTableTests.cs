using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

public class SpanDataTableTests
{
    private const uint Root = Span.RootAnchor;

    [Fact]
    public void Entries_become_spans()
    {
        var table = SpanDataTable.FromWire([3u << 23 | 42, Root, 1, 5, 0xFFFF_FF00]);
        Assert.Equal(new Span(3u << 23 | 42, Root, 1, 5, 0xFFFF_FF00), Assert.Single(table.Spans));
    }

    [Fact]
    public void Reserved_file_id_bit_is_rejected()
    {
        var e = Assert.Throws<ProtocolException>(() => SpanDataTable.FromWire([0, Root, 0, 0, 0, 0x8000_0000, Root, 0, 0, 0]));
        Assert.Equal("span_data_table entry 1: file id 0x80000000 has the reserved bit 31 set", e.Message);
    }

    [Fact]
    public void Edition_above_3_is_rejected()
    {
        var e = Assert.Throws<ProtocolException>(() => SpanDataTable.FromWire([4u << 23, Root, 0, 0, 0]));
        Assert.Equal("span_data_table entry 0: file id 0x02000000 has edition 4, but only 0 to 3 exist", e.Message);
        SpanDataTable.FromWire([3u << 23 | 0x7F_FFFF, Root, 0, 0, 0]);
    }

    [Fact]
    public void Start_after_end_is_rejected()
    {
        var e = Assert.Throws<ProtocolException>(() => SpanDataTable.FromWire([0, Root, 10, 5, 0]));
        Assert.Equal("span_data_table entry 0: range start 10 is after its end 5", e.Message);
    }

    [Fact]
    public void Later_duplicates_are_dropped_and_indices_shift()
    {
        var table = SpanDataTable.FromWire([0, Root, 0, 1, 0, 0, Root, 2, 3, 0, 0, Root, 0, 1, 0, 0, Root, 4, 5, 0]);
        Assert.Equal(3, table.Count);
        Assert.Equal(4u, table[2].Start);
        Assert.Equal([0u, Root, 0, 1, 0, 0, Root, 2, 3, 0, 0, Root, 4, 5, 0], table.ToWire());
    }

    [Fact]
    public void Trailing_numbers_that_do_not_fill_an_entry_are_ignored_like_the_reference()
    {
        var table = SpanDataTable.FromWire([0, Root, 0, 1, 0, 9, 9]);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Global_span_index_out_of_range_is_fatal()
    {
        var table = SpanDataTable.FromWire([0, Root, 0, 1, 0]);
        Assert.Equal(table[0], table.GetRequired(0, "def_site"));
        var e = Assert.Throws<ProtocolException>(() => table.GetRequired(1, "call_site"));
        Assert.Equal("call_site span index 1 is out of range for a span table of 1 entries", e.Message);
        Assert.Throws<ProtocolException>(() => new SpanDataTable().GetRequired(0, "def_site"));
    }

    [Theory]
    [InlineData(4u)]
    [InlineData(5u)]
    public void Versions_4_and_5_swap_the_fixup_marker(uint version)
    {
        var table = new SpanDataTable();
        table.GetOrAdd(new Span(0, Span.FixupAnchor, 0, 0, 0));
        table.GetOrAdd(new Span(0, 0xFFFF_FFFE, 0, 0, 0));
        var wire = table.ToWire(version);
        Assert.Equal(0xFFFF_FFFEu, wire[1]);
        Assert.Equal(0u, wire[6]);
        Assert.Equal(table.Spans, SpanDataTable.FromWire(wire, version).Spans);
        Assert.Equal(0u, table.ToWire(6)[1]);
    }

    [Fact]
    public void Entire_span_join_follows_section_3_8()
    {
        var table = new SpanDataTable();
        var open = new Span(1, Root, 10, 11, 0);
        var close = new Span(1, Root, 20, 21, 0);
        Assert.Equal(new Span(1, Root, 10, 21, 0), table.JoinDelimiters(open, close));
        Assert.Equal(close with { Context = 1 }, table.JoinDelimiters(open, close with { Context = 1 }));
        Assert.Equal(close with { AstId = 5 }, table.JoinDelimiters(open, close with { AstId = 5 }));
        var fixup = new Span(1, Span.FixupAnchor, 0, 0, 0);
        Assert.Equal(close, table.JoinDelimiters(fixup, close));
        Assert.Equal(open, table.JoinDelimiters(open, fixup));
        Assert.Equal(Span.Opaque(2), SpanIds.Instance.JoinDelimiters(Span.Opaque(1), Span.Opaque(2)));
    }

    [Fact]
    public void Opaque_spans_cannot_enter_a_table() =>
        Assert.Throws<ProtocolException>(() => new SpanDataTable().GetOrAdd(Span.Opaque(1)));
}
