using System.Text;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Protocol.Tests;

public class JsonLineTests
{
    private static List<string> ReadAll(string input, int bufferSize = 16)
    {
        var reader = new JsonLineReader(new MemoryStream(Encoding.UTF8.GetBytes(input)), bufferSize);
        var lines = new List<string>();
        while (reader.TryReadMessage(out var line)) lines.Add(Encoding.UTF8.GetString(line.Span));
        return lines;
    }

    private static async Task<List<string>> ReadAllAsync(string input, int bufferSize = 16)
    {
        var reader = new JsonLineReader(new MemoryStream(Encoding.UTF8.GetBytes(input)), bufferSize);
        var lines = new List<string>();
        while (true)
        {
            var line = await reader.ReadMessageAsync();
            if (line.IsEmpty) return lines;
            lines.Add(Encoding.UTF8.GetString(line.Span));
        }
    }

    [Theory]
    [InlineData("{\"a\":1}\n{\"b\":2}\n", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("junk printed by a macro\n{\"a\":1}\n", new[] { "{\"a\":1}" })]
    [InlineData("  {\"indented\":1}\n{\"a\":1}\n", new[] { "{\"a\":1}" })]
    [InlineData("{\"a\":1}\r\n", new[] { "{\"a\":1}\r" })]
    [InlineData("{\"a\":1}\n\n{\"after empty line\":1}\n", new[] { "{\"a\":1}" })]
    [InlineData("{\"no newline at the end\":1}", new[] { "{\"no newline at the end\":1}" })]
    [InlineData("", new string[0])]
    [InlineData("\n", new string[0])]
    [InlineData("x", new string[0])]
    [InlineData("\r\n{\"a\":1}\n", new[] { "{\"a\":1}" })]
    public async Task Lines_follow_section_2_1(string input, string[] expected)
    {
        Assert.Equal(expected, ReadAll(input));
        Assert.Equal(expected, await ReadAllAsync(input));
    }

    [Fact]
    public void Long_lines_grow_the_buffer()
    {
        var big = "{\"x\":\"" + new string('é', 100_000) + "\"}";
        Assert.Equal([big, "{}"], ReadAll(big + "\n{}\n", 16));
    }

    [Fact]
    public async Task Writer_frames_each_message_as_one_line()
    {
        var stream = new MemoryStream();
        var writer = new JsonLineWriter(stream);
        writer.WriteRequest(ApiVersionCheckRequest.Instance);
        writer.WriteResponse(new ApiVersionCheckResponse(6));
        writer.WriteLine("{\"raw\":1}"u8);
        await writer.WriteLineAsync(JsonLegacyWriter.EncodeRequest(new SetConfigRequest(SpanMode.RustAnalyzer)));
        Assert.Equal("{\"ApiVersionCheck\":{}}\n{\"ApiVersionCheck\":6}\n{\"raw\":1}\n{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}\n",
            Encoding.UTF8.GetString(stream.ToArray()));
    }
}
