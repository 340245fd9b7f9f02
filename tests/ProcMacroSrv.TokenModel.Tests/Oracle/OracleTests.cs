using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Literals;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.TokenModel.Tests.Oracle;

/// <summary>
/// Our lexer, printer, literal parser and identifier check against rustc itself, through the
/// probe proc macro: for each input, the same tokens (kinds, spacing, literal parts), the same
/// printed text, the same error strings, and the same reported errors.
/// </summary>
public class OracleTests
{
    public static readonly string[] TokenStreamInputs =
    [
        // punctuation and spacing
        "a -> b: u32 &&x ..= y", "&'a -( x)", "x::<T>", "1 .. = 2 ::< a >", "a+b c :: d 'a 1.0f32 r#\"x\"# b'c' && x . y (a , b) {} [;]",
        "#![a] #[b]", "$crate $ x $x", "-/**/> -//c\n>", "x ? ; @ ~ ^ % | & * + = ! < >",
        // identifiers and keywords
        "self(x) fn(x) Self(x) pub(crate) let(x) r#let(x) async(x) dyn(x) gen(x) try(x) union(x) _(x)",
        "if !x {} foo!() r#if! macro_rules! m", "r#a r#fn r#_ r#self", "\u00e9t\u00e9 e\u0301te\u0301 \u212bngstr\u00f6m", "a\u00b7b _ __ _a",
        // lifetimes
        "'a 'static '_ 'r#a 'r#self", "'0", "<'a, 'b: 'a>",
        // numbers
        "1 1_ 1_u8 0b101u8 0o17 0xFFu8 0xff_i64 1usize", "1.0 1. 1e3 1E5_f64 1.0e-3f32 1e+5 2.5E-3_f32", "1..2 1.foo 1.e3 a.0.1 x.0 x.1.2",
        "0x 0b12 1e 0x1.5 0o8", "1.0.0 1f32 1e3u8",
        // chars, strings and their prefixes
        "'a' '\\'' '\\n' '\\u{1F600}' 'ab' '\\x7f' b'x' b'\\xff'", "\"a\" \"\\\"\" \"\\\\\" \"\\u{0}\" \"tab\\there\" \"x\"suf \"a\"_",
        "r\"\" r#\"a\"# r##\"a\"#\"## r#\"a\"#suf", "b\"\\xff\\n\" br\"x\" br##\"z\"## c\"x\" cr#\"y\"#", "\"line\\\n   continued\"",
        "\"\\q\" b'\u00e9' br\"\u00e9\" c\"a\\0b\" '''", "\"multi\nline\" \"\u00e9\u00e0\"",
        // reserved prefixes and guarded strings (edition 2021)
        "foo\"x\" foo# foo'a", "#\"x\"# ## #x", "'a'b",
        // doc comments
        "/// h\u00e9e\u0301llo \"q\" \u007f\t'\u200b\u00a0 \\ \0", "/** x */ //! y\n /*! z */", "/**\u0301x*/ /***/ /**/ //// not doc", "///a\rb",
        "/* a /* nested */ still */ x // end", "#[doc = \"x\"] /// y\nfn f() {}",
        // groups and layout
        "fn main() { let x = 1; let y = 2; let zzzzzzzzzzzzzzzzzzzzzz = xxxxxxxxxxxxxxxxxx + yyyyyyyyyyyyyyyyyyy + wwwwwwwwwwwwwwwwww; if a { b } else { c } }",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo pp qq rr ss tt uu vv ww xx yy zz",
        "struct S { field : u32 } fn f(){} impl<T> X for Y<T> where T: Clone { fn g(&self) -> Option<T> { None } }",
        "mod m { mod n { mod o { struct Deep { aaaaaaaaaaaaaaaa: u32, bbbbbbbbbbbbbbbbbbbbb: String, ccccccccccccccc: Vec<u8> } } } }",
        "x(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccccc, dddddddddddddddddddddd, eeeeeeeeeeeeee)",
        "[1, 2, 3] [] () {} {;} ( ) {{}} (((a)))", "match x { Some(y) => y, None => 0, }",
        // errors
        "a(", ")", "(a]b)", "[(])", "\"abc", "/* x", "r##\"x\"#", "r#~", "'", "b'", "\u20ac", "a \u20ac\u20ac b", "\U0001FA9F a\U0001FA9Fb",
        "x\u00a0y\u00a0z", "a\ry", "#!/bin/sh\nfoo", "#![x]", "#!\n[x]",
    ];

    private static readonly Lazy<IReadOnlyList<OracleRecord>> TokenStreamRecords =
        new(() => RustcOracle.QueryMany("ts", TokenStreamInputs));

    public static IEnumerable<object[]> TokenStreamCases() => Enumerable.Range(0, TokenStreamInputs.Length).Select(i => new object[] { i });

    private static Span ByteSpan(int s, int e) => Span.InFile(0, (uint)s, (uint)e);

    [Theory]
    [MemberData(nameof(TokenStreamCases))]
    public void FromStrAndToStringMatchRustc(int index)
    {
        var input = TokenStreamInputs[index];
        var expected = TokenStreamRecords.Value[index];
        var ours = TokenStreamParser.Parse(input, ByteSpan);

        if (expected.Error != null)
        {
            Assert.Equal(ParseOutcome.Error, ours.Outcome);
            Assert.Equal(expected.Error, ours.ErrorMessage);
        }
        else if (expected.Panic != null)
        {
            Assert.Equal(ParseOutcome.Panic, ours.Outcome);
        }
        else
        {
            Assert.Equal(ParseOutcome.Value, ours.Outcome);
            Assert.Equal(expected.Tokens, OracleFormat.Dump(ours.Stream!));
            Assert.Equal(expected.Printed, TokenPrinter.Print(OracleFormat.Bridged(ours.Stream!)));
        }
        // Every error rustc reported (beyond a returned Err) is one we report, in order. rustc
        // gives every parsed token the call-site span, so it shows identical messages once.
        var ourMessages = ours.Diagnostics.Where(d => d.Kind != LexDiagnosticKind.Returned).Select(d => d.Message).Distinct().ToList();
        Assert.Equal(expected.CompilerErrors, ourMessages);
    }

    public static readonly string[] LiteralInputs =
    [
        "1", "-1", "-1.5e3f32", "-12u8", "-0x1F_u32", "-1.", "1.5", "'a'", "b'x'", "\"s\"", "r#\"x\"#", "br\"b\"", "c\"c\"", "cr##\"c\"##",
        "\"a\"suf", "1_", "\"a\" \"b\"", "- \"x\"", "-\"x\"", "1 2", "", "--1", " 1", "1 ", "/*c*/1", "true", "x", "(1)", "-", "- 1",
        "\"\\q\"", "'ab'", "\"abc", "-'a'", "1//c", "-=1", "#!x",
    ];

    private static readonly Lazy<IReadOnlyList<OracleRecord>> LiteralRecords =
        new(() => RustcOracle.QueryMany("lit", LiteralInputs));

    public static IEnumerable<object[]> LiteralCases() => Enumerable.Range(0, LiteralInputs.Length).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(LiteralCases))]
    public void LiteralFromStrMatchesRustc(int index)
    {
        var input = LiteralInputs[index];
        var expected = LiteralRecords.Value[index];
        var ours = LiteralParser.Parse(input);
        if (expected.Error != null)
        {
            Assert.Equal(ParseOutcome.Error, ours.Outcome);
            Assert.Equal(expected.Error, ours.ErrorMessage);
        }
        else if (expected.Panic != null)
        {
            Assert.Equal(ParseOutcome.Panic, ours.Outcome);
        }
        else
        {
            Assert.Equal(ParseOutcome.Value, ours.Outcome);
            Assert.Equal(expected.Tokens, OracleFormat.Dump(TokenStream.Single(ours.Literal!)));
            Assert.Equal(expected.Printed, TokenPrinter.LiteralToString(ours.Literal!));
        }
        Assert.Equal(expected.CompilerErrors, ours.Diagnostics.Select(d => d.Message).ToList());
    }

    public static readonly string[] IdentInputs =
    [
        "\u00e9", "e\u0301", "\u212b", "a\u00b7", "\u00b7a", "\U0001FA9F", "a\U0001FA9F", "\u0661", "x\u0661", "\u4e2d\u6587", "\u1885",
        "a\u0300", "\u2118", "_\u00e9", "\u00e9-", "$cr\u00e9", "\ufb01", "\u00aa", "\u02b0", "\u3005",
    ];

    private static readonly Lazy<IReadOnlyList<OracleRecord>> IdentRecords =
        new(() => RustcOracle.QueryMany("ident", IdentInputs));

    public static IEnumerable<object[]> IdentCases() => Enumerable.Range(0, IdentInputs.Length).Select(i => new object[] { i });

    // Non-ASCII names only: rustc's client validates ASCII ones itself and never asks the server.
    [Theory]
    [MemberData(nameof(IdentCases))]
    public void IdentValidationMatchesRustc(int index)
    {
        var expected = IdentRecords.Value[index];
        var valid = RustIdentifier.TryNormalizeAndValidate(IdentInputs[index], out var symbol);
        Assert.Equal(expected.Panic == null, valid);
        if (valid) Assert.Equal(expected.Printed, symbol.Text);
    }

    [Fact]
    public void OracleIsTheReferenceCompiler()
    {
        // The reference behaviour is rustc 1.95's; a different compiler may differ in details.
        Assert.StartsWith("rustc 1.95", RustcOracle.Version);
    }
}

/// <summary>Edition-dependent lexing and printing, against a probe macro crate of that edition.</summary>
public class OracleEditionTests
{
    [Theory]
    [InlineData("2015", "c\"x\" cr#\"y\"# 'r#a foo\"x\" async(x) dyn(x) try(x)")]
    [InlineData("2018", "c\"x\" 'r#a foo#x async(x) await(x) dyn(x) try(x) gen(x)")]
    [InlineData("2024", "#\"x\"# ## gen(x) async(x) 'r#a c\"x\"")]
    public void MatchesRustcInEdition(string edition, string input)
    {
        var expected = RustcOracle.Query("ts", input, edition);
        var ed = edition switch { "2015" => Edition.Edition2015, "2018" => Edition.Edition2018, "2021" => Edition.Edition2021, _ => Edition.Edition2024 };
        var ours = Lexing.TokenStreamParser.Parse(input, static (s, e) => default, new Lexing.ParseOptions(ed));
        Assert.Equal(Lexing.ParseOutcome.Value, ours.Outcome);
        Assert.Equal(expected.Tokens, OracleFormat.Dump(ours.Stream!));
        Assert.Equal(expected.Printed, Printing.TokenPrinter.Print(OracleFormat.Bridged(ours.Stream!), new Printing.PrintOptions(ed)));
        Assert.Equal(expected.CompilerErrors, ours.Diagnostics.Select(d => d.Message).Distinct().ToList());
    }
}
