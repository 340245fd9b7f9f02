using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using static ProcMacroSrv.Protocol.Tests.Tokens;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>
/// The arrays a server lends to one request's trees: reused after <see cref="WireBuffers.Reclaim"/>,
/// never lent twice at once, and invisible in what is read and written.
/// </summary>
public class WireBuffersTests
{
    private const int Pooled = WireBuffers.MinimumPooledLength;

    [Fact]
    public void A_reclaimed_array_is_lent_again_to_a_request_that_fits()
    {
        var buffers = new WireBuffers();
        var first = buffers.Rent(Pooled * 2);
        buffers.Reclaim();
        Assert.Same(first, buffers.Rent(Pooled * 2 - 100));
    }

    [Fact]
    public void An_array_is_not_lent_twice_before_it_is_reclaimed()
    {
        var buffers = new WireBuffers();
        var first = buffers.Rent(Pooled);
        var second = buffers.Rent(Pooled);
        Assert.NotSame(first, second);
        Assert.Equal(2, buffers.LentCount);
        buffers.Reclaim();
        Assert.Equal(0, buffers.LentCount);
    }

    [Fact]
    public void The_smallest_free_array_that_fits_is_lent()
    {
        var buffers = new WireBuffers();
        var large = buffers.Rent(Pooled * 8);
        var small = buffers.Rent(Pooled * 2);
        buffers.Reclaim();
        Assert.Same(small, buffers.Rent(Pooled));
        Assert.Same(large, buffers.Rent(Pooled * 3));
    }

    [Fact]
    public void Short_arrays_are_new_every_time()
    {
        var buffers = new WireBuffers();
        var first = buffers.Rent(10);
        buffers.Reclaim();
        var second = buffers.Rent(10);
        Assert.NotSame(first, second);
        Assert.Equal(10, second.Length);
        Assert.Equal(0, buffers.LentCount);
    }

    [Fact]
    public void What_one_huge_request_took_is_not_all_kept_for_the_next()
    {
        // Room for 3 pooled arrays' worth between requests: of two, one is kept.
        var buffers = new WireBuffers(maximumPooledElements: Pooled * 3);
        var first = buffers.Rent(Pooled * 2);
        var second = buffers.Rent(Pooled * 2);
        buffers.Reclaim();
        var again = new[] { buffers.Rent(Pooled * 2), buffers.Rent(Pooled * 2) };
        Assert.Equal(1, again.Count(a => ReferenceEquals(a, first) || ReferenceEquals(a, second)));
    }

    [Fact]
    public void The_arrays_of_the_latest_request_are_kept_before_older_ones()
    {
        // Small requests fill the pool; a larger one comes next and again: its arrays must be
        // the ones reused, or every large request would allocate afresh.
        var buffers = new WireBuffers(maximumPooledElements: Pooled * 4);
        for (var i = 0; i < 4; i++) buffers.Rent(Pooled);
        buffers.Reclaim();
        var large = buffers.Rent(Pooled * 3);
        buffers.Reclaim();
        Assert.Same(large, buffers.Rent(Pooled * 3));
    }

    [Fact]
    public void Numbers_written_with_spaces_are_read_into_lent_arrays_too()
    {
        // Not serde_json's compact form, so the general reader reads them, into a lent array.
        var numbers = Enumerable.Range(0, Pooled + 10).Select(i => (uint)i * 7).ToArray();
        var line = "{\"ExpandMacro\":{\"lib\":\"/l.so\",\"env\":[],\"current_dir\":null,\"macro_body\":{\"subtree\":[0,0,0,0,0],\"literal\":[],\"punct\":[],\"ident\":[],\"token_tree\":[],\"text\":[]},"
            + "\"macro_name\":\"m\",\"attributes\":null,\"span_data_table\":[" + string.Join(", ", numbers) + "]}}";
        var buffers = new WireBuffers();
        var lent = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(System.Text.Encoding.UTF8.GetBytes(line), buffers));
        Assert.Equal(1, buffers.LentCount);
        Assert.Equal(numbers, lent.SpanDataTable.ToArray());
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public void A_request_read_into_lent_arrays_decodes_and_answers_as_one_read_without(SpanMode mode)
    {
        var line = JsonLegacyWriter.EncodeRequest(LargeRequest(mode));
        var buffers = new WireBuffers();
        // Arrays full of garbage in the pool: a number left unwritten would show in the answer.
        for (var i = 0; i < 12; i++) Array.Fill(buffers.Rent(1 << 16), 0xDEAD_BEEFu);
        buffers.Reclaim();
        for (var round = 0; round < 2; round++)
        {
            var lent = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(line, buffers));
            var own = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(line));
            Assert.True(buffers.LentCount > 0, "a large tree's arrays should be lent");
            Assert.True(lent.MacroBody.TokenTree.SequenceEqual(own.MacroBody.TokenTree));
            Assert.True(lent.MacroBody.Ident.SequenceEqual(own.MacroBody.Ident));
            Assert.True(lent.SpanDataTable.Span.SequenceEqual(own.SpanDataTable.Span));

            var lentInput = ExpansionInput.Decode(lent, mode);
            var ownInput = ExpansionInput.Decode(own, mode);
            var lentAnswer = JsonLegacyWriter.EncodeResponse(lentInput.EncodeResult(lentInput.Body.Concat(lentInput.Body), buffers));
            var ownAnswer = JsonLegacyWriter.EncodeResponse(ownInput.EncodeResult(ownInput.Body.Concat(ownInput.Body)));
            Assert.Equal(ownAnswer, lentAnswer);
            buffers.Reclaim();
        }
    }

    [Fact]
    public void A_tree_or_table_read_into_lent_arrays_is_not_longer_than_its_numbers()
    {
        var buffers = new WireBuffers();
        // A larger request first, so that the next one's arrays are longer than its numbers.
        JsonLegacyReader.ReadRequest(JsonLegacyWriter.EncodeRequest(LargeRequest(SpanMode.RustAnalyzer, statements: 4000)), buffers);
        buffers.Reclaim();
        var line = JsonLegacyWriter.EncodeRequest(LargeRequest(SpanMode.RustAnalyzer, statements: 2000));
        var lent = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(line, buffers));
        var own = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(line));
        Assert.Equal(own.MacroBody.TokenTree.Length, lent.MacroBody.TokenTree.Length);
        Assert.Equal(own.SpanDataTable.Length, lent.SpanDataTable.Length);
        Assert.Equal(line, JsonLegacyWriter.EncodeRequest(lent));
    }

    // `let x0 = 0; let x1 = 1; …`: five leaves per statement, enough for pooled arrays.
    private static ExpandMacroRequest LargeRequest(SpanMode mode, int statements = 3000)
    {
        var site = mode == SpanMode.Id ? O(1) : Span.InFile(1, 0, 1);
        var trees = new List<TokenTree>();
        for (var i = 0; i < statements; i++)
        {
            var at = mode == SpanMode.Id ? O((uint)(i % 50)) : Span.InFile(1, (uint)i, (uint)i + 1);
            trees.Add(Id("let", at));
            trees.Add(Id("x" + i, at));
            trees.Add(P('=', at));
            trees.Add(Lit(LiteralKind.Integer, i.ToString(System.Globalization.CultureInfo.InvariantCulture), at));
            trees.Add(P(';', at));
        }
        var body = G(Delimiter.None, site, site, [.. trees]);
        return ExpandMacroRequest.Encode("/lib/libm.so", "m", body, null, new GlobalSpans(site, site, site), mode);
    }
}
