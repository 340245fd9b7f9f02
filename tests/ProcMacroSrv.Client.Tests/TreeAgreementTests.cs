using System.Text;
using ProcMacroSrv.Client;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Client.Tests;

/// <summary>
/// Malformed and odd-but-valid trees and span tables (protocol.md section 2.9): our decoder must
/// reject exactly what makes the reference server panic (exit 101) and accept what it expands.
/// </summary>
public class TreeAgreementTests
{
    private const uint Root = 0xA800_0000;

    // One valid span, and the table prefix for the three global spans.
    private const string Entry = "0,2818572288,0,1,0";

    public static TheoryData<string, SpanMode, string, string> Cases()
    {
        var data = new TheoryData<string, SpanMode, string, string>();
        void Id(string name, string subtree, string literal, string punct, string ident, string tokenTree, string text) =>
            data.Add(name, SpanMode.Id, Tree(subtree, literal, punct, ident, tokenTree, text), "");
        void Ra(string name, string tree, string table) => data.Add(name, SpanMode.RustAnalyzer, tree, table);

        Id("valid", "0,0,0,0,2", "", "0,59,0", "0,0,0", "3,2", "\"a\"");
        Id("subtree length", "0,0,0,0", "", "", "", "", "");
        Id("no subtree", "", "", "", "", "", "");
        Id("delimiter kind 4", "0,0,4,0,0", "", "", "", "", "");
        Id("spacing 2", "0,0,0,0,1", "", "0,59,2", "", "2", "");
        Id("surrogate punct", "0,0,0,0,1", "", "0,55296,0", "", "2", "");
        Id("literal kind 11", "0,0,0,0,1", "0,0,11,4294967295", "", "", "1", "\"1\"");
        Id("literal kind high byte", "0,0,0,0,1", "0,0,1283,4294967295", "", "", "1", "\"1\"");
        Id("is_raw 7", "0,0,0,0,1", "", "", "0,0,7", "3", "\"a\"");
        Id("text index", "0,0,0,0,1", "", "", "0,5,0", "3", "\"a\"");
        Id("suffix index", "0,0,0,0,1", "0,0,3,9", "", "", "1", "\"1\"");
        Id("ident index", "0,0,0,0,1", "", "", "0,0,0", "7", "\"a\"");
        Id("range end before start", "0,0,0,1,0", "", "", "0,0,0", "3", "\"a\"");
        Id("range beyond token_tree", "0,0,0,0,2", "", "", "0,0,0", "3", "\"a\"");
        Id("self reference", "0,0,0,0,1", "", "", "", "0", "");
        Id("back reference", "0,0,0,0,1,0,0,1,1,2", "", "", "", "4,0", "");
        Id("subtree twice", "0,0,0,0,2,0,0,1,2,2", "", "", "", "4,4", "");
        Id("unreferenced subtree", "0,0,0,0,1,0,0,1,1,1", "", "", "0,0,0", "3", "\"a\"");

        var globals = $"{Entry},{Entry.Replace(",0,1,0", ",0,2,0", StringComparison.Ordinal)},{Entry.Replace(",0,1,0", ",0,3,0", StringComparison.Ordinal)}";
        var tree = Tree("0,0,0,0,1", "", "", "99,0,0", "3", "\"a\"");
        Ra("span index out of range", tree, globals);
        Ra("reserved file id bit", tree, globals + ",2147483648," + Root + ",0,0,0");
        Ra("edition 4", tree, globals + ",33554432," + Root + ",0,0,0");
        Ra("start after end", tree, globals + ",0," + Root + ",5,4,0");
        Ra("table length not a multiple of 5", tree, globals + ",1,2");
        Ra("global index out of range", tree, Entry);
        return data;
    }

    private static string Tree(string subtree, string literal, string punct, string ident, string tokenTree, string text) =>
        $"{{\"subtree\":[{subtree}],\"literal\":[{literal}],\"punct\":[{punct}],\"ident\":[{ident}],\"token_tree\":[{tokenTree}],\"text\":[{text}]}}";

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_decoder_agrees_with_the_reference(string name, SpanMode mode, string tree, string table)
    {
        var lib = ReferenceServer.Instance.DylibPath.Replace("\\", "\\\\", StringComparison.Ordinal);
        var message = $"{{\"ExpandMacro\":{{\"lib\":\"{lib}\",\"env\":[],\"current_dir\":null,\"macro_body\":{tree},\"macro_name\":\"do_thrice\",\"attributes\":null," +
            "\"has_global_spans\":{\"def_site\":0,\"call_site\":1,\"mixed_site\":2}" + (table.Length > 0 ? $",\"span_data_table\":[{table}]" : "") + "}}";

        bool referenceAccepts;
        await using (var server = ReferenceServer.Instance.Start())
        {
            await server.SetConfigAsync(mode);
            try
            {
                var answer = await server.SendRawAsync(Encoding.UTF8.GetBytes(message));
                Assert.Contains("\"Ok\"", Encoding.UTF8.GetString(answer), StringComparison.Ordinal);
                referenceAccepts = true;
            }
            catch (ProcMacroServerException e)
            {
                // A panic on the main thread: the reference's way of rejecting a bad tree.
                Assert.True(e.ExitCode == 101, $"{name}: exit {e.ExitCode}\n{e.StandardError}");
                referenceAccepts = false;
            }
        }

        bool oursAccepts;
        try
        {
            var request = Assert.IsType<ExpandMacroRequest>(JsonLegacyReader.ReadRequest(Encoding.UTF8.GetBytes(message)));
            ExpansionInput.Decode(request, mode);
            oursAccepts = true;
        }
        catch (ProtocolException)
        {
            oursAccepts = false;
        }
        Assert.True(referenceAccepts == oursAccepts, $"{name}: reference {(referenceAccepts ? "accepts" : "rejects")}, ours {(oursAccepts ? "accepts" : "rejects")}");
    }
}
