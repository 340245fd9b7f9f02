using ProcMacroSrv.Bridge.Abi.Learning;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Bridge.Tests.Learning;

/// <summary>rustdoc source pages turn back into the exact source text.</summary>
public sealed class BridgeSourceTextTests
{
    // bridge-abi.md: the bridge files of Debian's 1.96 and rustup's 1.95 are byte-identical.
    [Theory]
    [InlineData("mod")]
    [InlineData("client")]
    [InlineData("server")]
    [InlineData("rpc")]
    [InlineData("symbol")]
    [InlineData("handle")]
    [InlineData("buffer")]
    [InlineData("closure")]
    public void RustdocPageOfStableIsTheSourceOf196(string stem)
    {
        var html = BridgeSourceLocator.FindAll(Toolchains.Stable.Sysroot).Single(l => l.Layout == BridgeSourceLayout.RustdocHtml);
        var rs = BridgeSourceLocator.FindAll(Toolchains.Debian196.Sysroot).Single(l => l.Layout == BridgeSourceLayout.DebianSource);
        Assert.Equal(File.ReadAllText(rs.File(stem)), BridgeSourceText.Read(html.File(stem)));
    }

    [Fact]
    public void MarkupAndLineNumbersAreRemoved()
    {
        const string page = """
            <html><body><pre class="rust"><code><a href=#1 id=1 data-nosnippet>1</a><span class="kw">fn </span>f(x: <span class="kw-2">&amp;</span>Vec&lt;u8&gt;) {}
            <a href=#2 id=2 data-nosnippet>2</a><span class="comment">// 3 &gt; 2</span>
            </code></pre></body></html>
            """;
        Assert.Equal("fn f(x: &Vec<u8>) {}\n// 3 > 2\n", BridgeSourceText.FromRustdocHtml(page, "page"));
    }

    [Fact]
    public void CommentsAndLiteralsAreToldApart()
    {
        const string text = "let a = \"// not a comment\"; // comment\nlet b = '/'; /* x /* nested */ y */ 'owned: c";
        Assert.Equal("let a = \"// not a comment\";  \nlet b = '/';   'owned: c", RustText.StripComments(text));
    }
}
