using System.Text;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Printing;
using ProcMacroSrv.TokenModel.Tests.Oracle;

namespace ProcMacroSrv.TokenModel.Tests;

public class LexerTests
{
    private static Span ByteSpan(int s, int e) => Span.InFile(7, (uint)s, (uint)e);

    private static TokenStream Lex(string text, Edition edition = Edition.Edition2021)
    {
        var result = TokenStreamParser.Parse(text, ByteSpan, new ParseOptions(edition));
        Assert.True(result.IsSuccess, string.Join("; ", result.Diagnostics.Select(d => d.Message)));
        return result.Stream!;
    }

    [Theory]
    [InlineData("foo _bar r#fn r#x", "I:foo I:_bar I:r#fn I:r#x")]
    [InlineData("fn match async", "I:fn I:match I:async")]
    [InlineData("e\u0301", "I:\u00e9")] // identifiers are NFC-normalized
    [InlineData("'a 'r#b '_", "P:'J I:a P:'J I:r#b P:'J I:_")]
    [InlineData("1 0x1F 0o7 0b1_0 1_000u64", "L:kind: Integer, symbol: \"1\", suffix: None L:kind: Integer, symbol: \"0x1F\", suffix: None L:kind: Integer, symbol: \"0o7\", suffix: None L:kind: Integer, symbol: \"0b1_0\", suffix: None L:kind: Integer, symbol: \"1_000\", suffix: Some(\"u64\")")]
    [InlineData("1. 1e3 1.0e-3f32", "L:kind: Float, symbol: \"1.\", suffix: None L:kind: Float, symbol: \"1e3\", suffix: None L:kind: Float, symbol: \"1.0e-3\", suffix: Some(\"f32\")")]
    [InlineData("1..2", "L:kind: Integer, symbol: \"1\", suffix: None P:.J P:.A L:kind: Integer, symbol: \"2\", suffix: None")]
    [InlineData("1.e3", "L:kind: Integer, symbol: \"1\", suffix: None P:.A I:e3")]
    [InlineData("'x' '\\n' b'a'", "L:kind: Char, symbol: \"x\", suffix: None L:kind: Char, symbol: \"\\\\n\", suffix: None L:kind: Byte, symbol: \"a\", suffix: None")]
    [InlineData("\"a\\tb\" r##\"q\"#\"## b\"x\" br\"y\" c\"z\" cr#\"w\"#",
        "L:kind: Str, symbol: \"a\\\\tb\", suffix: None L:kind: StrRaw(2), symbol: \"q\\\"#\", suffix: None L:kind: ByteStr, symbol: \"x\", suffix: None L:kind: ByteStrRaw(0), symbol: \"y\", suffix: None L:kind: CStr, symbol: \"z\", suffix: None L:kind: CStrRaw(1), symbol: \"w\", suffix: None")]
    [InlineData("\"s\"suffix 'c'x", "L:kind: Str, symbol: \"s\", suffix: Some(\"suffix\") L:kind: Char, symbol: \"c\", suffix: Some(\"x\")")]
    [InlineData("(a [b] {c})", "GP(I:a GK(I:b) GB(I:c))")]
    [InlineData("a /* x /* y */ z */ b // c\n d", "I:a I:b I:d")]
    public void LexesTokenForms(string input, string expected) => Assert.Equal(expected, OracleFormat.Dump(Lex(input)));

    [Theory]
    [InlineData("->", "P:-J P:>A")]
    [InlineData(": u32", "P::A I:u32")]
    [InlineData("&&", "P:&J P:&A")]
    [InlineData("..=", "P:.J P:.J P:=A")]
    [InlineData("&'a", "P:&A P:'J I:a")] // a lifetime is not a punct token in rustc
    [InlineData("-(x)", "P:-A GP(I:x)")]
    [InlineData("-/**/>", "P:-A P:>A")] // a comment separates like whitespace
    [InlineData("#\"x\"", "P:#A L:kind: Str, symbol: \"x\", suffix: None")]
    public void SetsSpacingAsRustc(string input, string expected) => Assert.Equal(expected, OracleFormat.Dump(Lex(input)));

    /// <summary>
    /// rustc's lexer spacing on every token: Joint before a touching punct, JointHidden before a
    /// touching non-punct (ident, literal, lifetime, delimiter, doc comment), Alone otherwise.
    /// </summary>
    [Theory]
    [InlineData("x=>y", "x:Joint =:Joint >:JointHidden y:Alone")]
    [InlineData("a.0 ", "a:Joint .:JointHidden 0:Alone")]
    [InlineData("-1", "-:JointHidden 1:Alone")]
    [InlineData("&'a T", "&:JointHidden ':Joint a:Alone T:Alone")]
    [InlineData("'a:", "':Joint a:Joint ::Alone")]
    [InlineData("f(x)", "f:JointHidden (:JointHidden x:JointHidden ):Alone")]
    [InlineData("{ g; }x", "{:Alone g:Joint ;:Alone }:JointHidden x:Alone")]
    [InlineData("a/**/b c//\nd", "a:Alone b:Alone c:Alone d:Alone")]
    [InlineData("\"s\"x 1u8", "\"s\"x:Alone 1u8:Alone")]
    [InlineData("r#fn!", "r#fn:Joint !:Alone")]
    public void SetsHiddenSpacingOnEveryTokenAsRustcsLexer(string input, string expected) =>
        Assert.Equal(expected, SpacingDump(Lex(input)));

    private static string SpacingDump(TokenStream stream)
    {
        var parts = new List<string>();
        void Walk(TokenStream s)
        {
            foreach (var tree in s)
            {
                switch (tree)
                {
                    case Group g:
                        parts.Add(g.Delimiter switch { Delimiter.Brace => "{", Delimiter.Bracket => "[", _ => "(" } + ":" + g.DelimSpacing.Open);
                        Walk(g.Stream);
                        parts.Add(g.Delimiter switch { Delimiter.Brace => "}", Delimiter.Bracket => "]", _ => ")" } + ":" + g.DelimSpacing.Close);
                        break;
                    case Ident i: parts.Add((i.IsRaw ? "r#" : "") + i.Name.Text + ":" + i.Spacing); break;
                    case Punct p: parts.Add(p.Char + ":" + p.Spacing); break;
                    case Literal l: parts.Add(Printing.TokenPrinter.LiteralToString(l) + ":" + l.Spacing); break;
                }
            }
        }
        Walk(stream);
        return string.Join(' ', parts);
    }

    [Fact]
    public void LifetimesGiveBothPiecesTheLifetimesSpanAsRustc()
    {
        var trees = Lex("x 'ab").AsSpan().ToArray();
        Assert.Equal((2u, 5u), (trees[1].Span.Start, trees[1].Span.End));
        Assert.Equal((2u, 5u), (trees[2].Span.Start, trees[2].Span.End));
    }

    [Fact]
    public void DocCommentsRememberTheCommentUntilTheBridgeDropsIt()
    {
        var trees = Lex("//! inner\nx").AsSpan().ToArray();
        var doc = Assert.IsType<Punct>(trees[0]).DocComment;
        Assert.NotNull(doc);
        Assert.Equal("//! inner", doc.ToString());
        Assert.Same(doc, Assert.IsType<Punct>(trees[1]).DocComment);
        var group = Assert.IsType<Group>(trees[2]);
        Assert.Same(doc, group.DocComment);
        // The bridge's view: the trees rustc's from_internal makes of a doc comment.
        Assert.Null(((Punct)trees[0].ToBridgeTree()).DocComment);
        Assert.Null(((Group)group.ToBridgeTree()).DocComment);
        Assert.Equal(DelimSpacing.Alone, ((Group)group.ToBridgeTree()).DelimSpacing);
    }

    [Fact]
    public void BridgeTreesKeepOnlyJointOnPuncts()
    {
        var trees = Lex("a=>(b)c").AsSpan().ToArray();
        Assert.Equal(Spacing.Joint, trees[0].Spacing);
        Assert.Equal(Spacing.Alone, trees[0].ToBridgeTree().Spacing); // the bridge has spacing on puncts only
        Assert.Equal(Spacing.Joint, trees[1].ToBridgeTree().Spacing);
        Assert.Equal(Spacing.Alone, trees[2].ToBridgeTree().Spacing);
        var group = (Group)trees[3];
        Assert.Equal(new DelimSpacing(Spacing.JointHidden, Spacing.JointHidden), group.DelimSpacing);
        var bridged = (Group)group.ToBridgeTree();
        Assert.Equal(DelimSpacing.Alone, bridged.DelimSpacing);
        // The stream travels as a stream: its own spacing stays.
        Assert.Same(group.Stream, bridged.Stream);
        Assert.Same(trees[4], trees[4].ToBridgeTree());
    }

    [Fact]
    public void SpansAreUtf8ByteOffsets()
    {
        // "é" is 2 bytes, "€" inside the string is 3.
        var trees = Lex("é + \"€\" (x)").AsSpan().ToArray();
        Assert.Equal((0u, 2u), (trees[0].Span.Start, trees[0].Span.End));
        Assert.Equal((3u, 4u), (trees[1].Span.Start, trees[1].Span.End));
        Assert.Equal((5u, 10u), (trees[2].Span.Start, trees[2].Span.End));
        var group = (Group)trees[3];
        Assert.Equal((11u, 12u), (group.Spans.Open.Start, group.Spans.Open.End));
        Assert.Equal((13u, 14u), (group.Spans.Close.Start, group.Spans.Close.End));
        Assert.Equal((11u, 14u), (group.Spans.Entire.Start, group.Spans.Entire.End));
        Assert.Equal((12u, 13u), (group.Stream[0].Span.Start, group.Stream[0].Span.End));
    }

    [Theory]
    [InlineData("/// text", "P:#A GK(I:doc P:=A L:kind: Str, symbol: \" text\", suffix: None)")]
    [InlineData("//! inner", "P:#A P:!A GK(I:doc P:=A L:kind: Str, symbol: \" inner\", suffix: None)")]
    [InlineData("/** block */", "P:#A GK(I:doc P:=A L:kind: Str, symbol: \" block \", suffix: None)")]
    [InlineData("/*! inner block */", "P:#A P:!A GK(I:doc P:=A L:kind: Str, symbol: \" inner block \", suffix: None)")]
    [InlineData("/// \"q\" 'a' \\ \t", "P:#A GK(I:doc P:=A L:kind: Str, symbol: \" \\\\\\\"q\\\\\\\" \\\\'a\\\\' \\\\\\\\ \\\\t\", suffix: None)")]
    [InlineData("//// not doc\n/***/ /**/ x", "I:x")]
    public void ConvertsDocComments(string input, string expected) => Assert.Equal(expected, OracleFormat.Dump(Lex(input)));

    [Fact]
    public void DocCommentPiecesShareTheCommentSpan()
    {
        var trees = Lex("x /// d").AsSpan().ToArray();
        var group = (Group)trees[2];
        Assert.Equal((2u, 7u), (trees[1].Span.Start, trees[1].Span.End));
        Assert.All(group.Stream, t => Assert.Equal((2u, 7u), (t.Span.Start, t.Span.End)));
    }

    [Theory]
    [InlineData("a(", LexDiagnosticKind.Returned, "this file contains an unclosed delimiter")]
    [InlineData("}", LexDiagnosticKind.Returned, "unexpected closing delimiter: `}`")]
    [InlineData("(]", LexDiagnosticKind.Returned, "mismatched closing delimiter: `]`")]
    [InlineData("\"abc", LexDiagnosticKind.Fatal, "unterminated double quote string")]
    [InlineData("'a", null, null)]
    [InlineData("b'x", LexDiagnosticKind.Fatal, "unterminated byte constant")]
    [InlineData("/* x", LexDiagnosticKind.Fatal, "unterminated block comment")]
    [InlineData("/** x", LexDiagnosticKind.Fatal, "unterminated block doc-comment")]
    [InlineData("r#\"x\"", LexDiagnosticKind.Fatal, "unterminated raw string")]
    [InlineData("€", LexDiagnosticKind.Emitted, "unknown start of token: \\u{20ac}")]
    [InlineData("\"\\q\"", LexDiagnosticKind.Emitted, "unknown character escape: `q`")]
    [InlineData("b\"\\u{41}\"", LexDiagnosticKind.Emitted, "unicode escape in byte string")]
    [InlineData("'\\u{D800}'", LexDiagnosticKind.Emitted, "invalid unicode character escape")]
    [InlineData("\"\\x80\"", LexDiagnosticKind.Emitted, "out of range hex escape")]
    [InlineData("'ab'", LexDiagnosticKind.Emitted, "character literal may only contain one codepoint")]
    [InlineData("''", LexDiagnosticKind.Emitted, "empty character literal")]
    [InlineData("0b2", LexDiagnosticKind.Emitted, "invalid digit for a base 2 literal")]
    [InlineData("foo\"x\"", LexDiagnosticKind.Emitted, "prefix `foo` is unknown")]
    [InlineData("r#crate", LexDiagnosticKind.Emitted, "`crate` cannot be a raw identifier")]
    public void ReportsErrorsWithRustcMessages(string input, LexDiagnosticKind? kind, string? message)
    {
        var result = TokenStreamParser.Parse(input, ByteSpan);
        if (kind == null)
        {
            Assert.True(result.IsSuccess);
            return;
        }
        var first = Assert.Single(result.Diagnostics.Take(1));
        Assert.Equal(message, first.Message);
        Assert.Equal(kind, first.Kind);
        Assert.Equal(kind switch
        {
            LexDiagnosticKind.Emitted => ParseOutcome.Value,
            LexDiagnosticKind.Returned when message!.StartsWith("mismatched", StringComparison.Ordinal) => ParseOutcome.Panic,
            LexDiagnosticKind.Returned => ParseOutcome.Error,
            _ => ParseOutcome.Panic,
        }, result.Outcome);
    }

    [Fact]
    public void InvalidEscapeYieldsAnErrLiteralWithQuotes()
    {
        var result = TokenStreamParser.Parse("\"\\q\"s", ByteSpan);
        var literal = Assert.IsType<Literal>(Assert.Single(result.Stream!));
        Assert.Equal(LiteralKind.Err, literal.Kind);
        Assert.Equal("\"\\q\"", literal.Symbol.Text);
        Assert.Equal("s", literal.Suffix?.Text);
    }

    [Fact]
    public void ShebangLineIsSkippedButAttributesAreNot()
    {
        Assert.Equal("I:x", OracleFormat.Dump(Lex("#!/usr/bin/env run\nx")));
        Assert.Equal("P:#J P:!A GK(I:x)", OracleFormat.Dump(Lex("#![x]")));
    }

    [Theory]
    [InlineData(Edition.Edition2018, "c\"x\"", "I:c L:kind: Str, symbol: \"x\", suffix: None")]
    [InlineData(Edition.Edition2018, "'r#a", "P:'J I:r P:#A I:a")]
    [InlineData(Edition.Edition2018, "foo\"x\"", "I:foo L:kind: Str, symbol: \"x\", suffix: None")]
    [InlineData(Edition.Edition2021, "##x", "P:#J P:#A I:x")]
    public void FollowsEditionRules(Edition edition, string input, string expected) =>
        Assert.Equal(expected, OracleFormat.Dump(Lex(input, edition)));

    [Fact]
    public void GuardedStringsAreErrorsIn2024()
    {
        var result = TokenStreamParser.Parse("#\"x\"#", ByteSpan, new ParseOptions(Edition.Edition2024));
        Assert.Equal("invalid string literal", result.Diagnostics[0].Message);
        var literal = Assert.IsType<Literal>(Assert.Single(result.Stream!));
        Assert.Equal(LiteralKind.Err, literal.Kind);
    }

    [Fact]
    public void DeepNestingNeitherOverflowsNorFails()
    {
        const int depth = 100_000;
        var text = new string('(', depth) + new string(')', depth);
        var result = TokenStreamParser.Parse(text, ByteSpan);
        Assert.True(result.IsSuccess);
        var printed = TokenPrinter.Print(result.Stream!);
        Assert.Equal(text, printed);

        var unclosed = TokenStreamParser.Parse(new string('[', depth), ByteSpan);
        Assert.Equal(ParseOutcome.Error, unclosed.Outcome);
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        var random = new Random(1234);
        var alphabet = "ab1_'\"#r!/*\\\n ({[]})é€🪟\u0301.-=<>$\r\t\0x\uD800";
        for (var i = 0; i < 2000; i++)
        {
            var sb = new StringBuilder();
            var length = random.Next(0, 30);
            for (var j = 0; j < length; j++) sb.Append(alphabet[random.Next(alphabet.Length)]);
            var text = sb.ToString();
            var result = TokenStreamParser.Parse(text, ByteSpan);
            if (result.Stream != null) TokenPrinter.Print(result.Stream);
            Literals.LiteralParser.Parse(text);
        }
    }
}
