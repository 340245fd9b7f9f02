using FsCheck;
using FsCheck.Fluent;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>Property tests: generated trees survive FlatTree + JSON encoding and decoding, for every API version and both span modes.</summary>
public class FlatTreeRoundTripTests
{
    public static TheoryData<uint, SpanMode> VersionsAndModes()
    {
        var data = new TheoryData<uint, SpanMode>();
        for (var v = 0u; v <= ApiVersion.Current; v++)
        {
            data.Add(v, SpanMode.Id);
            data.Add(v, SpanMode.RustAnalyzer);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VersionsAndModes))]
    public void Generated_trees_round_trip(uint version, SpanMode mode)
    {
        var arbitrary = TokenTreeGen.Root(mode == SpanMode.RustAnalyzer, allowErrLiterals: version >= ApiVersion.ExtendedLeafData).ToArbitrary();
        Prop.ForAll(arbitrary, root => RoundTrip(root, version, mode))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(200).WithEndSize(50));
    }

    private static void RoundTrip(Group root, uint version, SpanMode mode)
    {
        if (mode == SpanMode.Id)
        {
            var tree = FlatTree.FromGroup(root, SpanIds.Instance, version);
            var request = new ExpandMacroRequest
            {
                Lib = "/lib/libé.so",
                Env = [new("K", "v\n")],
                MacroBody = tree,
                MacroName = "m",
                HasGlobalSpans = version >= ApiVersion.HasGlobalSpans ? new GlobalSpanRefs(1, 2, 3) : null,
            };
            var bytes = JsonLegacyWriter.EncodeRequest(request);
            var parsed = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(bytes));
            Assert.Equal(bytes, JsonLegacyWriter.EncodeRequest(parsed));
            var decoded = parsed.MacroBody.ToGroup(SpanIds.Instance, version);
            TreeAssert.Decoded(root, decoded, SpanIds.Instance, version < ApiVersion.EncodeCloseSpan ? Span.Opaque(0xFFFF_FFFF) : null);
            CheckRootSemantics(root, parsed.MacroBody.ToTokenStream(SpanIds.Instance, version));
        }
        else
        {
            var table = new SpanDataTable();
            var tree = FlatTree.FromGroup(root, table, version);
            var response = ExpandMacroExtendedResponse.Ok(tree, table.ToWire(version));
            var bytes = JsonLegacyWriter.EncodeResponse(response);
            var parsed = Assert.IsType<ExpandMacroExtendedResponse>(JsonLegacyReader.ReadResponse(bytes));
            Assert.Equal(bytes, JsonLegacyWriter.EncodeResponse(parsed));
            var readTable = SpanDataTable.FromWire(parsed.SpanDataTable.Span, version);
            Assert.Equal(table.Spans, readTable.Spans);
            var decoded = parsed.Tree!.ToGroup(readTable, version);
            TreeAssert.Decoded(root, decoded, readTable, version < ApiVersion.EncodeCloseSpan ? readTable[0] : null);
            CheckRootSemantics(root, parsed.Tree.ToTokenStream(readTable, version));
        }
    }

    private static void CheckRootSemantics(Group root, TokenStream stream)
    {
        // Section 3.6: an invisible root yields its children; any other root yields itself.
        if (root.Delimiter == Delimiter.None) Assert.Equal(root.Stream.Count, stream.Count);
        else Assert.Equal(root.Delimiter, Assert.IsType<Group>(Assert.Single(stream)).Delimiter);
    }

    [Fact]
    public void Server_encoding_of_generated_results_follows_the_root_rule()
    {
        var arbitrary = TokenTreeGen.Root(located: true, allowErrLiterals: true).ToArbitrary();
        var callSite = new Span(0, Span.RootAnchor, 0, 100, 0);
        Prop.ForAll(arbitrary, root =>
        {
            var table = new SpanDataTable();
            table.GetOrAdd(new Span(0, Span.RootAnchor, 0, 150, 0));
            var result = root.Stream;
            var tree = FlatTree.FromTokenStream(result, callSite, table);
            // The call site is interned before anything else, right after the request's spans.
            Assert.Equal(callSite, table[1]);
            var decoded = tree.ToTokenStream(table);
            if (result.Count == 1 && result[0] is Group single)
            {
                // A single group becomes the root; an invisible one then reads back as its
                // children, the one ambiguity the wire format has.
                Assert.Equal(single.Delimiter == Delimiter.None ? single.Stream.Count : 1, decoded.Count);
            }
            else
            {
                Assert.Equal(new[] { 1u, 1u, 0u }, tree.Subtree[..3].ToArray());
                Assert.Equal(result.Count, decoded.Count);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
