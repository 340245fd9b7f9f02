using System.Text;
using ProcMacroSrv.Client;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Client.Tests;

/// <summary>
/// Edge-case requests: our reader must accept exactly those the reference server accepts (it
/// answers) and reject those it rejects (it exits with status 1 without answering).
/// </summary>
public class ReaderAgreementTests
{
    private const string Tree = "{\"subtree\":[0,0,0,0,0],\"literal\":[],\"punct\":[],\"ident\":[],\"token_tree\":[],\"text\":[]}";
    private const string Expand = "{\"ExpandMacro\":{\"lib\":\"/nonexistent/lib.so\",\"env\":[],\"macro_body\":" + Tree + ",\"macro_name\":\"m\"";

    public static TheoryData<string> Messages() =>
    [
        "{\"ApiVersionCheck\":{}}",
        "{\"ApiVersionCheck\":[]}",
        "{\"ApiVersionCheck\":{\"x\":[1,{\"y\":null}]}}",
        "{\"ApiVersionCheck\":null}",
        "{\"ApiVersionCheck\":[1]}",
        "{\"ApiVersionCheck\":{}}   ",
        "{\"ApiVersionCheck\":{}} x",
        "{\"ApiVersionCheck\":{}}{\"Bogus\":{}}",
        "{\"ApiVersionCheck\":{}",
        "{\"ApiVersionCheck\":{},}",
        "{\"ApiVersionCheck\":{\"a\":1,}}",
        "{\"ApiVersionCheck\":{\"a\":01}}",
        "{\"ApiVersionCheck\":{\"a\":\"\t\"}}",
        "{\"ApiVersionCheck\":{\"a\":\"\\q\"}}",
        "{\"ApiVersionCheck\":{\"a\":[1e400]}}",
        "{\"ApiVersionCheck\":{\"a\":\"\\ud800\"}}",
        "{\"ApiVersionCheck\":{},\"ListMacros\":{}}",
        "{\"Bogus\":{}}",
        "{\"SetConfig\":{}}",
        "{\"SetConfig\":{\"span_mode\":null}}",
        "{\"SetConfig\":{\"span_mode\":\"Bogus\"}}",
        "{\"SetConfig\":{\"span_mode\":\"Id\",\"other\":\"x\"}}",
        "{\"ListMacros\":{\"dylib_path\":\"/x\",\"extra\":[[{}]]}}",
        "{\"ListMacros\":{}}",
        "{\"ListMacros\":{\"dylib_path\":\"/a\",\"dylib_path\":\"/b\"}}",
        "{\"ListMacros\":{\"dylib\\u005fpath\":\"/\\u00e9\"}}",
        "{\"ListMacros\":{\"dylib_path\":5}}",
        Expand + "}}",
        Expand + ",\"current_dir\":null,\"attributes\":null}}",
        Expand + ",\"span_data_table\":[]}}",
        Expand + ",\"span_data_table\":null}}",
        Expand + ",\"span_data_table\":[1.0]}}",
        Expand + ",\"span_data_table\":[-1]}}",
        Expand + ",\"span_data_table\":[4294967296]}}",
        Expand + ",\"has_global_spans\":{\"def_site\":0,\"call_site\":0}}}",
        Expand + ",\"has_global_spans\":{\"def_site\":0,\"call_site\":0,\"mixed_site\":18446744073709551615}}}",
        Expand + ",\"has_global_spans\":null}}",
        Expand + ",\"env\":[[\"a\"]]}}",
        Expand + ",\"unknown\":{\"deep\":[[[[]]]]}}}",
        "{\"ExpandMacro\":{\"lib\":\"/l\",\"env\":[],\"macro_body\":{\"subtree\":[]},\"macro_name\":\"m\"}}",
        "{\"ExpandMacro\":{\"env\":[],\"macro_body\":" + Tree + ",\"macro_name\":\"m\"}}",
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Our_reader_agrees_with_the_reference(string message)
    {
        bool referenceAccepts;
        await using (var server = ReferenceServer.Instance.Start())
        {
            try
            {
                await server.SendRawAsync(Encoding.UTF8.GetBytes(message));
                referenceAccepts = true;
            }
            catch (ProcMacroServerException e)
            {
                Assert.Equal(1, e.ExitCode);
                referenceAccepts = false;
            }
        }

        bool oursAccepts;
        try
        {
            JsonLegacyReader.ReadRequest(Encoding.UTF8.GetBytes(message));
            oursAccepts = true;
        }
        catch (ProtocolException)
        {
            oursAccepts = false;
        }
        Assert.Equal(referenceAccepts, oursAccepts);
    }
}
