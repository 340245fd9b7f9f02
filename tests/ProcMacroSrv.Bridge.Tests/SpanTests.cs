using ProcMacroSrv.Fixtures;
using ProcMacroSrv.TokenModel;
using static ProcMacroSrv.Bridge.Tests.MacroRunner;

namespace ProcMacroSrv.Bridge.Tests;

/// <summary>
/// Span operations a macro performs on spans of text we hold (as the CLI does): answers must be
/// what rustc answers for the same positions in a real file.
/// </summary>
public sealed class SpanTests
{
    private static string PmModern => Stable.PmModern;

    private static string PmModernNightly => FixtureCrates.Build(Toolchains.Nightly).PmModern;

    [Fact]
    public void LineColumnAndEndOfTokens()
    {
        Assert.Equal("line=1, column=1, end=1:6, join=unstable", StringValue(Expand(PmModern, "span_report", "a b c").Output!));
        Assert.Equal("a@1:1-1:2 (b c)@1:3-1:8 d@2:3-2:4", StringValue(Expand(PmModern, "span_positions", "a (b c)\n  d").Output!));
        // Columns count characters, not bytes.
        Assert.Equal("é@1:1-1:2 x@1:3-1:4", StringValue(Expand(PmModern, "span_positions", "é x").Output!));
    }

    [Fact]
    public void SourceTextOfEachToken()
    {
        Assert.Equal(["a", "+", "(b  c)", "\"s\"", "'x'"], StringArray(Expand(PmModern, "span_source_texts", "a + (b  c) \"s\" 'x'").Output!));
    }

    [Fact]
    public void FileAndCallSiteText()
    {
        var tuple = Assert.IsType<Group>(Assert.Single(Expand(PmModern, "span_file", "").Output!.AsSpan().ToArray()));
        var values = tuple.Stream.AsSpan().ToArray().OfType<Literal>().Select(l => Unescape(l.Symbol.Text)).ToArray();
        Assert.Equal(["input.rs", "<none>", ""], values);
    }

    [Fact]
    public void JoinByteRangeAndSubspanOnNightly()
    {
        // These APIs are unstable: pm-modern uses them only when built by nightly.
        Assert.Equal("line=1, column=3, end=1:8, join=Some(\"a b c\")", StringValue(Expand(PmModernNightly, "span_report", "  a b c").Output!));
        Assert.Equal("a=1..2 bc=3..5", StringValue(Expand(PmModernNightly, "byte_ranges", " a bc").Output!));
        Assert.Equal("1..3=Some(\"he\") ..=Some(\"\\\"hello\\\"\") 0..99=None", StringValue(Expand(PmModernNightly, "literal_subspans", "\"hello\"").Output!));
    }

    [Fact]
    public void HygieneSpansTravelThroughTheBridge()
    {
        // respan rebuilds every token with set_span: the printed tokens are unchanged.
        Assert.Equal("(1 + 2) * [3] [0]", ExpandToText(Stable.PmBasics, "respan", "(1 + 2) * [3][0]"));
        // shadow!(mixed_site ...) declares with Span::mixed_site: it still prints the same text.
        Assert.Contains("let x = 2", ExpandToText(Stable.PmBasics, "shadow", "mixed_site x = 2"));
    }
}
