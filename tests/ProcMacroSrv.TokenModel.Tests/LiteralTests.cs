using System.Text;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Literals;

namespace ProcMacroSrv.TokenModel.Tests;

public class LiteralTests
{
    [Theory]
    [InlineData("1", LiteralKind.Integer, 0, "1", null)]
    [InlineData("0x1F_u32", LiteralKind.Integer, 0, "0x1F_", "u32")]
    [InlineData("-12u8", LiteralKind.Integer, 0, "-12", "u8")]
    [InlineData("-1.5e3f32", LiteralKind.Float, 0, "-1.5e3", "f32")]
    [InlineData("2.", LiteralKind.Float, 0, "2.", null)]
    [InlineData("'x'", LiteralKind.Char, 0, "x", null)]
    [InlineData("b'\\n'", LiteralKind.Byte, 0, "\\n", null)]
    [InlineData("\"s\"suf", LiteralKind.Str, 0, "s", "suf")]
    [InlineData("r##\"r\"##", LiteralKind.StrRaw, 2, "r", null)]
    [InlineData("b\"b\"", LiteralKind.ByteStr, 0, "b", null)]
    [InlineData("br#\"b\"#", LiteralKind.ByteStrRaw, 1, "b", null)]
    [InlineData("c\"c\"", LiteralKind.CStr, 0, "c", null)]
    [InlineData("cr\"c\"", LiteralKind.CStrRaw, 0, "c", null)]
    public void ParsesEachKind(string text, LiteralKind kind, byte hashes, string symbol, string? suffix)
    {
        var result = LiteralParser.Parse(text);
        var literal = Assert.IsType<Literal>(result.Literal);
        Assert.Equal((kind, hashes, symbol, suffix), (literal.Kind, literal.Hashes, literal.Symbol.Text, literal.Suffix?.Text));
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("\"a\" \"b\"", "comment or whitespace around literal")]
    [InlineData("1 2", "comment or whitespace around literal")]
    [InlineData(" 1", "comment or whitespace around literal")]
    [InlineData("- \"x\"", "comment or whitespace after minus")]
    [InlineData("- 1", "comment or whitespace after minus")]
    [InlineData("-\"x\"", "non-numeric literal may not be negated")]
    [InlineData("", "not a literal")]
    [InlineData("--1", "not a literal")]
    [InlineData("true", "not a literal")]
    [InlineData("(1)", "not a literal")]
    [InlineData("1)", "unexpected closing delimiter: `)`")]
    public void RejectsWithRustcMessages(string text, string message)
    {
        var result = LiteralParser.Parse(text);
        Assert.Null(result.Literal);
        Assert.Equal(ParseOutcome.Error, result.Outcome);
        Assert.Equal(message, result.ErrorMessage);
    }

    [Fact]
    public void UnterminatedLiteralPanicsLikeRustc()
    {
        var result = LiteralParser.Parse("\"abc");
        Assert.Equal(ParseOutcome.Panic, result.Outcome);
        Assert.Equal("unterminated double quote string", result.ErrorMessage);
    }

    [Theory]
    [InlineData("tab\there \"q\" 'a' \\", "tab\\there \\\"q\\\" 'a' \\\\")]
    [InlineData("\u00e9\u0301\u200b\0\u007f", "\u00e9\\u{301}\\u{200b}\\0\\u{7f}")]
    public void EscapesStringsAsDebugDoes(string value, string expected) => Assert.Equal(expected, LiteralEscapes.StringSymbol(value));

    [Fact]
    public void EscapesCharsAndBytes()
    {
        Assert.Equal("\\'", LiteralEscapes.CharSymbol(new Rune('\'')));
        Assert.Equal("\"", LiteralEscapes.CharSymbol(new Rune('"')));
        Assert.Equal("\\u{301}", LiteralEscapes.CharSymbol(new Rune(0x301)));
        Assert.Equal("a\\x00\\xff\\\"\\'\\n", LiteralEscapes.ByteStringSymbol([(byte)'a', 0, 0xFF, (byte)'"', (byte)'\'', (byte)'\n']));
        Assert.Equal("\\'\\\"", LiteralEscapes.EscapeDebug("'\""));
    }

    [Theory]
    [InlineData(LiteralKind.Str, "ok \\n \\u{1F600} \\x7f", null)]
    [InlineData(LiteralKind.Str, "\\q", "unknown character escape: `q`")]
    [InlineData(LiteralKind.Str, "\\u{110000}", "invalid unicode character escape")]
    [InlineData(LiteralKind.Str, "\\u{1234567}", "overlong unicode escape")]
    [InlineData(LiteralKind.Str, "\\x8", "numeric character escape is too short")]
    [InlineData(LiteralKind.ByteStr, "\u00e9", "non-ASCII character in byte string literal")]
    [InlineData(LiteralKind.ByteStr, "\\xff", null)]
    [InlineData(LiteralKind.CStr, "\\0", "null characters in C string literals are not supported")]
    [InlineData(LiteralKind.Char, "ab", "character literal may only contain one codepoint")]
    [InlineData(LiteralKind.Char, "'", "character constant must be escaped: `'`")]
    [InlineData(LiteralKind.StrRaw, "a\rb", "bare CR not allowed in raw string")]
    [InlineData(LiteralKind.Integer, "12", null)]
    [InlineData(LiteralKind.Integer, "1.5", "not a literal")]
    [InlineData(LiteralKind.Float, "1e", "expected at least one digit in exponent")]
    public void ValidatesLiteralBodies(LiteralKind kind, string symbol, string? error) =>
        Assert.Equal(error, LiteralEscapes.Validate(kind, symbol));

    // The value Rust gives each string literal (what `"…"` evaluates to).
    [Theory]
    [InlineData(@"plain", "plain")]
    [InlineData(@"a\nb\tc\rd\\e\'f\""g\0h", "a\nb\tc\rd\\e'f\"g\0h")]
    [InlineData(@"\x41\x7f", "A\u007f")]
    [InlineData(@"\u{e9}\u{1F980}", "é🦀")]
    [InlineData("one \\\n    two", "one two")]
    [InlineData("é🦀 kept as written", "é🦀 kept as written")]
    public void StringValueDecodesEscapesAsRust(string symbol, string value) =>
        Assert.Equal(value, LiteralEscapes.StringValue(symbol));

    [Theory]
    [InlineData(@"\q")]
    [InlineData(@"\x80")]
    [InlineData(@"\u{D800}")]
    [InlineData("unescaped \" quote")]
    [InlineData("bare \r CR")]
    [InlineData(@"trailing \")]
    public void StringValueRejectsWhatRustcRejects(string symbol) => Assert.Null(LiteralEscapes.StringValue(symbol));
}
