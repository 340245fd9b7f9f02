using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Printing;
using static ProcMacroSrv.Bridge.Tests.MacroRunner;

namespace ProcMacroSrv.Bridge.Tests;

/// <summary>
/// The fixture macros of pm-basics expanded through the A95 bridge (rustup stable). Expected
/// values are rustc's own results for the same invocations (recorded in fixtures/pm-check).
/// </summary>
public sealed class ExpansionTests
{
    private static string PmBasics => Stable.PmBasics;

    [Fact]
    public void DoThriceRepeatsTheBlockThreeTimes()
    {
        var input = Lex("{ say_hi(); }");
        var result = Expand(PmBasics, "do_thrice", "{ say_hi(); }");
        var trees = result.Output!.AsSpan().ToArray();
        Assert.Equal(3, trees.Length);
        foreach (var tree in trees)
        {
            var group = Assert.IsType<Group>(tree);
            Assert.Equal(Delimiter.Brace, group.Delimiter);
            Assert.Equal(TokenPrinter.Print(input), TokenPrinter.Print(TokenStream.Single(group)));
        }
        Assert.Equal("{ say_hi(); } { say_hi(); } { say_hi(); }", TokenPrinter.Print(result.Output!));
        Assert.Equal(0, result.LeakedHandles);
    }

    [Fact]
    public void DeriveReadsItsHelperAttributes()
    {
        const string point = """
            #[describe(label = "point", 3)]
            pub struct Point {
                pub x: i32,
                #[describe(rename = "why")]
                #[describe(skip)]
                pub(crate) y: std::collections::HashMap<u8, Vec<u8>>,
                z: fn(u8) -> u8,
            }
            """;
        var result = Expand(PmBasics, "Describe", point);
        Assert.True(result.Succeeded, result.PanicMessage);
        Assert.Equal(["Point"], ConstItems.Strings(result.Output!, "DESCRIBE_NAME"));
        Assert.Equal(["struct"], ConstItems.Strings(result.Output!, "DESCRIBE_KIND"));
        Assert.Equal(["label = \"point\", 3"], ConstItems.Strings(result.Output!, "DESCRIBE_ARGS"));
        Assert.Equal(["x", "", "y", "rename = \"why\"; skip", "z", ""], ConstItems.Strings(result.Output!, "DESCRIBE_FIELDS"));

        var library = Library(PmBasics);
        var describe = Assert.Single(library.Macros, m => m.Name == "Describe");
        Assert.Equal(ProcMacroKind.CustomDerive, describe.Kind);
        Assert.Equal(["describe"], describe.Helpers);
    }

    [Fact]
    public void DeriveOnATupleStructAndAnEnum()
    {
        var pair = Expand(PmBasics, "Describe", "pub struct Pair(#[describe(first)] pub u8, u16);");
        Assert.Equal(["0", "first", "1", ""], ConstItems.Strings(pair.Output!, "DESCRIBE_FIELDS"));
        var shape = Expand(PmBasics, "Describe", "#[describe()] #[repr(u8)] pub enum Shape { #[describe(sides = 0)] Circle { radius: f64 }, Square(f64), Empty = 7, }");
        Assert.Equal(["enum"], ConstItems.Strings(shape.Output!, "DESCRIBE_KIND"));
        Assert.Equal(["Circle", "sides = 0", "Square", "", "Empty", ""], ConstItems.Strings(shape.Output!, "DESCRIBE_FIELDS"));
    }

    [Fact]
    public void AttributeMacroWithArguments()
    {
        var result = Expand(PmBasics, "tag", "pub fn tagged() -> u32 { 42 }", attr: "name = \"x\", 3");
        Assert.True(result.Succeeded, result.PanicMessage);
        Assert.Equal(["name = \"x\", 3"], ConstItems.Strings(result.Output!, "TAGGED_TAG_ARGS"));
        Assert.Equal(["pub fn tagged() -> u32 { 42 }"], ConstItems.Strings(result.Output!, "TAGGED_TAG_ITEM"));
        // The item itself comes first, unchanged.
        Assert.StartsWith("pub fn tagged() -> u32 { 42 }", TokenPrinter.Print(result.Output!));
    }

    [Fact]
    public void AttributeMacroWithoutArguments()
    {
        var tagged = Expand(PmBasics, "tag", "pub struct TaggedStruct { pub field: u8, }", attr: null);
        Assert.Equal([""], ConstItems.Strings(tagged.Output!, "TAGGEDSTRUCT_TAG_ARGS"));

        var wrapped = Squash(ExpandToText(PmBasics, "wrap_body", "pub fn wrapped(a: u32, b: u32) -> u32 { a * b }", attr: ""));
        Assert.StartsWith("pubfnwrapped(a:u32,b:u32)->u32{", wrapped);
        Assert.Contains("a*b", wrapped);
    }

    [Fact]
    public void APanicComesBackWithItsMessageAndTheNextExpansionWorks()
    {
        var boom = Expand(PmBasics, "boom", "");
        Assert.False(boom.Succeeded);
        Assert.Null(boom.Output);
        Assert.Equal("boom from proc macro", boom.PanicMessage);

        var formatted = Expand(PmBasics, "boom_fmt", "abc");
        Assert.False(formatted.Succeeded);
        Assert.Contains("abc", formatted.PanicMessage);

        // A payload that is not a string has no message, as with rustc.
        var any = Expand(PmBasics, "boom_any", "");
        Assert.Equal("", any.PanicMessage);

        Assert.Equal("{ x } { x } { x }", ExpandToText(PmBasics, "do_thrice", "{ x }"));
    }

    [Fact]
    public void UnknownMacroIsAClearError()
    {
        var e = Assert.Throws<UnknownMacroException>(() => Expand(PmBasics, "NoSuchMacro", ""));
        Assert.Equal("proc-macro `NoSuchMacro` is missing", e.Message);
    }

    [Fact]
    public void EveryLiteralKindBuiltByTheMacroPrintsAsRustcPrintsIt()
    {
        var texts = StringArray(Expand(PmBasics, "all_literal_texts", "").Output!);
        Assert.Equal(
        [
            "7u8", "65535u16", "4000000000u32", "18446744073709551615u64", "340282366920938463463374607431768211455u128", "12usize",
            "-128i8", "-300i16", "-70000i32", "-9223372036854775808i64", "-170141183460469231731687303715884105728i128", "-1isize",
            "255", "-3", "340282366920938463463374607431768211455",
            "1.5f32", "2.0", "-2.5f64", "0.1", "1000000000000000000000f64", "-0.0",
            "\"tab\\t quote\\\" apostrophe' backslash\\\\ newline\\n nul\\0 bell\\u{7} \u00e9 \u2713 \U0001F980 zwsp\\u{200b}\"",
            "'\\''", "'\"'", "'\\n'", "'\u00e9'", "'\U0001F980'", "b\"bytes\\0\\xff\\n\\\"'\"",
        ], texts);

        // The literals themselves travel as structs: check kinds and suffixes of a few.
        var tuple = Assert.IsType<Group>(Assert.Single(Expand(PmBasics, "all_literals", "").Output!.AsSpan().ToArray()));
        var literals = tuple.Stream.AsSpan().ToArray().OfType<Literal>().ToArray();
        Assert.Equal(28, literals.Length);
        Assert.Equal((LiteralKind.Integer, "7", "u8"), (literals[0].Kind, literals[0].Symbol.Text, literals[0].Suffix?.Text));
        Assert.Equal((LiteralKind.Float, "-2.5", "f64"), (literals[17].Kind, literals[17].Symbol.Text, literals[17].Suffix?.Text));
        Assert.Equal(LiteralKind.Str, literals[21].Kind);
        Assert.Equal(LiteralKind.Char, literals[22].Kind);
        Assert.Equal(LiteralKind.ByteStr, literals[27].Kind);
    }

    [Fact]
    public void LiteralsParsedFromStringsByTheMacro()
    {
        var input = """
            "1u8", "-2.5", "'c'", "b\"x\"", "r#\"raw\"#", "1e3f64", "c\"cs\"", "b'x'", "0x_ff_u8", "\"\\u{e9}\"",
            "not a literal", "1 2", "- 1"
            """;
        Assert.Equal(
        [
            "1u8", "-2.5", "'c'", "b\"x\"", "r#\"raw\"#", "1e3f64", "c\"cs\"", "b'x'", "0x_ff_u8", "\"\\u{e9}\"",
            "error: not a literal", "error: comment or whitespace around literal", "error: comment or whitespace after minus",
        ], StringArray(Expand(PmBasics, "parse_literals", input).Output!));
    }

    [Fact]
    public void RawIdentifiers()
    {
        var output = Squash(ExpandToText(PmBasics, "raw_idents", ""));
        Assert.Contains("letr#fn=1;", output);
        Assert.Contains("[\"r#fn\",\"r#match\",\"r#plain\",]", output);

        var defined = Expand(PmBasics, "define_fn", "r#match").Output!.AsSpan().ToArray();
        var name = Assert.IsType<Ident>(defined[2]);
        Assert.True(name.IsRaw);
        Assert.Equal("match", name.Name.Text);

        Assert.Equal(["r#fn", "r#type", "plain", "'a'", "'", "life", "(x, y)", "\"s\"", ",", ":", ":", "1.0"],
            StringArray(Expand(PmBasics, "token_texts", "r#fn r#type plain 'a' 'life (x , y) \"s\" , :: 1.0").Output!));
    }

    [Fact]
    public void TheMacroReadsTheGivenEnvironmentWithStdEnvVar()
    {
        var name = "PROC_MACRO_SRV_TEST_" + Guid.NewGuid().ToString("N");
        Assert.Equal("\"set for this expansion\"", ExpandToText(PmBasics, "env_value", name, env: [new(name, "set for this expansion")]));
        // Restored afterwards: the next expansion does not see it.
        Assert.Equal("\"<unset>\"", ExpandToText(PmBasics, "env_value", name));
    }

    [Fact]
    public void TheWorkingDirectoryIsSetForTheExpansionAndRestored()
    {
        var before = Environment.CurrentDirectory;
        using var dir = new TempDirectory("pms-cwd");
        var result = Expand(PmBasics, "do_thrice", "x", cwd: dir.Path);
        Assert.True(result.Succeeded);
        Assert.Equal(before, Environment.CurrentDirectory);
    }

    // Printed layout (spaces, line breaks) is the printer's business, tested on its own.
    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    [Fact]
    public void InputTokensKeepTheSpacingOfTheirSource()
    {
        // rustc's lexer records JointHidden/Joint on every token and the spacing after each
        // delimiter, and `to_string` of the untouched input stream uses them (as in pm-check).
        Assert.Equal("x=>y &&z {g;} -1", StringValue(Expand(PmBasics, "stringify_input", "x=>y &&z {g; } -1").Output!));
        Assert.Equal("f(x)[0]", StringValue(Expand(PmBasics, "stringify_input", "f(x)[0]").Output!));
    }

    [Fact]
    public void AFatalLexerErrorInFromStrIsAPanicWithoutMessageAndAnError()
    {
        // rustc reports the error and unwinds with its fatal-error marker: the macro's panic
        // carries no string, and the compilation shows the lexer's error.
        var result = Expand(PmBasics, "parse_stream", "\"\\\"abc\"");
        Assert.Equal("", result.PanicMessage);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticLevel.Error, diagnostic.Level);
        Assert.Equal("unterminated double quote string", diagnostic.Message);
    }

    [Fact]
    public void ParsingAStringInsideTheMacro()
    {
        Assert.Equal("1 + 2 * 3", ExpandToText(PmBasics, "parse_stream", "\"1 + 2 * 3\""));
        var error = Squash(ExpandToText(PmBasics, "parse_stream", "\"(1 + 2\""));
        Assert.StartsWith("::core::compile_error!(\"LexError:", error);
    }
}
