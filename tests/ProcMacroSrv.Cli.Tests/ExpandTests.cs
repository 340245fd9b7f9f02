using System.Text.Json;
using ProcMacroSrv.Fixtures;
using static ProcMacroSrv.Cli.Tests.RustText;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>
/// <c>proc-macro-srv expand LIB MACRO</c> on pm-basics. Expected values are rustc's own expansions
/// of the same invocations, as recorded in fixtures/pm-check.
/// </summary>
public sealed class ExpandTests
{
    public static TheoryData<string> Toolchains => Dylibs.PmBasicsToolchains;

    [Theory]
    [MemberData(nameof(Toolchains))]
    public void DoThricePrintsTheBlockThreeTimes(string toolchain)
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(toolchain), "do_thrice", "--input", "{ say_hi(); }").ShouldExit(0);
        Assert.Equal("{ say_hi(); } { say_hi(); } { say_hi(); }\n", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public void InputFileIsReadRelativeToTheWorkingDirectory()
    {
        using var dir = new TempDirectory("pms-cli-");
        const string text = "let mut log = String::new();\nlog.push_str(&log.len().to_string());\n";
        File.WriteAllText(dir.File("input.rs"), text);
        var result = Cli.Run(["expand", Dylibs.PmBasics(), "do_thrice", "--input-file", "input.rs"], dir.Path).ShouldExit(0);
        Assert.Equal(Squash(text + text + text), Squash(result.StandardOutput));
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public void InputFileNamesTheSourceFileOfTheSpans()
    {
        // span_file!() → (Span::call_site().file(), local_file(), source_text()).
        var pmModern = Dylibs.Crate("stable", "pm-modern");
        using var dir = new TempDirectory("pms-cli-");
        File.WriteAllText(dir.File("call.rs"), "a b c\n");
        var fromFile = Cli.Run(["expand", pmModern, "span_file", "--input-file", "call.rs"], dir.Path).ShouldExit(0);
        Assert.Equal([dir.File("call.rs"), dir.File("call.rs"), "a b c\n"], StringLiterals(fromFile.StandardOutput));

        var inline = Cli.Run("expand", pmModern, "span_file", "--input", "a b c").ShouldExit(0);
        Assert.Equal(["<input>", "<none>", "a b c"], StringLiterals(inline.StandardOutput));
    }

    [Fact]
    public void AttrGivesTheAttributeMacroItsArguments()
    {
        // pm-check: #[tag(name = "x", 3)] pub fn tagged() -> u32 { 42 }
        var result = Cli.Run("expand", Dylibs.PmBasics(), "tag", "--attr", "name = \"x\", 3", "--input", "pub fn tagged() -> u32 {\n    42\n}").ShouldExit(0);
        Assert.Equal("", result.StandardError);
        Assert.Equal(["name = \"x\", 3", "pub fn tagged() -> u32 { 42 }"], StringLiterals(result.StandardOutput));
        Assert.Equal(
            Squash("pub fn tagged() -> u32 { 42 } pub const TAGGED_TAG_ARGS: &'static str = \"name = \\\"x\\\", 3\"; pub const TAGGED_TAG_ITEM: &'static str = \"pub fn tagged() -> u32 { 42 }\";"),
            Squash(result.StandardOutput));
    }

    [Fact]
    public void WithoutAttrTheAttributeMacroGetsNoArguments()
    {
        // pm-check: #[tag] pub struct TaggedStruct { pub field: u8, }
        var result = Cli.Run("expand", Dylibs.PmBasics(), "tag", "--input", "pub struct TaggedStruct {\n    pub field: u8,\n}").ShouldExit(0);
        var values = StringLiterals(result.StandardOutput);
        Assert.Equal(2, values.Count);
        Assert.Equal("", values[0]); // TAGGEDSTRUCT_TAG_ARGS
        // TAGGEDSTRUCT_TAG_ITEM is the item's to_string(), compared token-wise: rustc prints
        // `field: u8` (source spacing), the token model `field : u8` (reported, not the CLI's doing).
        Assert.Equal(Squash("pub struct TaggedStruct { pub field: u8, }"), Squash(values[1]));
        Assert.StartsWith("pubstructTaggedStruct{pubfield:u8,}pubconstTAGGEDSTRUCT_TAG_ARGS:", Squash(result.StandardOutput), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Toolchains))]
    public void DeriveReadsItsHelperAttributes(string toolchain)
    {
        // pm-check: Point::DESCRIBE_NAME / _KIND / _ARGS / _FIELDS.
        const string point = """
            #[describe(label = "point", 3)]
            pub struct Point {
                /// documented field (doc comments are `#[doc = "..."]` attributes and are ignored)
                pub x: i32,
                #[describe(rename = "why")]
                #[describe(skip)]
                pub(crate) y: std::collections::HashMap<u8, Vec<u8>>,
                z: fn(u8) -> u8,
            }
            """;
        var result = Cli.Run("expand", Dylibs.PmBasics(toolchain), "Describe", "--input", point).ShouldExit(0);
        Assert.Equal("", result.StandardError);
        Assert.Equal(
            ["Point", "struct", "label = \"point\", 3", "x", "", "y", "rename = \"why\"; skip", "z", ""],
            StringLiterals(result.StandardOutput));
        Assert.StartsWith("implPoint{pubconstDESCRIBE_NAME:&'staticstr=\"Point\";", Squash(result.StandardOutput), StringComparison.Ordinal);
    }

    [Fact]
    public void EnvSetsVariablesTheMacroReads()
    {
        var first = "PMS_CLI_TEST_FIRST_" + Guid.NewGuid().ToString("N");
        var second = "PMS_CLI_TEST_SECOND_" + Guid.NewGuid().ToString("N");
        var lib = Dylibs.PmBasics();
        string[] env = ["--env", $"{first}=one", "--env", $"{second}=two = 2"];

        var a = Cli.Run(["expand", lib, "env_value", "--input", first, .. env], null).ShouldExit(0);
        Assert.Equal("\"one\"\n", a.StandardOutput);
        var b = Cli.Run(["expand", lib, "env_value", "--input", $"\"{second}\"", .. env], null).ShouldExit(0);
        Assert.Equal("\"two = 2\"\n", b.StandardOutput);
        var unset = Cli.Run("expand", lib, "env_value", "--input", first).ShouldExit(0);
        Assert.Equal("\"<unset>\"\n", unset.StandardOutput);
    }

    [Fact]
    public void TheMacroSeesTheEnvironmentOfTheProcess()
    {
        var name = "PMS_CLI_TEST_INHERITED_" + Guid.NewGuid().ToString("N");
        var inherited = Cli.Run(["expand", Dylibs.PmBasics(), "env_value", "--input", name], null, new Dictionary<string, string?> { [name] = "from the shell" }).ShouldExit(0);
        Assert.Equal("\"from the shell\"\n", inherited.StandardOutput);
        var overridden = Cli.Run(["expand", Dylibs.PmBasics(), "env_value", "--input", name, "--env", $"{name}=from --env"], null, new Dictionary<string, string?> { [name] = "from the shell" }).ShouldExit(0);
        Assert.Equal("\"from --env\"\n", overridden.StandardOutput);
    }

    [Fact]
    public void CwdIsTheMacrosWorkingDirectory()
    {
        using var dir = new TempDirectory("pms-cli-");
        using var elsewhere = new TempDirectory("pms-cli-");
        Directory.CreateDirectory(dir.File("sub"));

        var given = Cli.Run(["expand", CwdProbe.Dylib, CwdProbe.Macro, "--input", "", "--cwd", elsewhere.Path], dir.Path).ShouldExit(0);
        Assert.Equal([elsewhere.Path], StringLiterals(given.StandardOutput));
        var relative = Cli.Run(["expand", CwdProbe.Dylib, CwdProbe.Macro, "--input", "", "--cwd", "sub"], dir.Path).ShouldExit(0);
        Assert.Equal([dir.File("sub")], StringLiterals(relative.StandardOutput));
        var none = Cli.Run(["expand", CwdProbe.Dylib, CwdProbe.Macro, "--input", ""], dir.Path).ShouldExit(0);
        Assert.Equal([dir.Path], StringLiterals(none.StandardOutput));
        Assert.Equal("", given.StandardError + relative.StandardError + none.StandardError);
    }

    [Fact]
    public void CwdThatIsNotADirectoryIsRefused()
    {
        using var dir = new TempDirectory("pms-cli-");
        File.WriteAllText(dir.File("file.txt"), "not a directory");
        foreach (var cwd in new[] { dir.File("missing"), dir.File("file.txt") })
        {
            var result = Cli.Run("expand", CwdProbe.Dylib, CwdProbe.Macro, "--input", "", "--cwd", cwd).ShouldExit(2);
            Assert.Contains(cwd, result.StandardError, StringComparison.Ordinal);
            // Not run in the unchanged directory either (the macro would print it).
            Assert.DoesNotContain("\"" + Environment.CurrentDirectory, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void JsonHasTheMacroTheOutputAndNoDiagnostics()
    {
        var lib = Dylibs.PmBasics();
        var text = Cli.Run("expand", lib, "do_thrice", "--input", "{ say_hi(); }").ShouldExit(0);
        var result = Cli.Run("expand", lib, "do_thrice", "--input", "{ say_hi(); }", "--json").ShouldExit(0);
        Assert.Equal("", result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(["macro", "ok", "output", "diagnostics"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("do_thrice", root.GetProperty("macro").GetString());
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(text.StandardOutput, root.GetProperty("output").GetString() + "\n");
        Assert.Equal(0, root.GetProperty("diagnostics").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Toolchains))]
    public void APanicExitsWithOneAndReportsTheMessageOnStderr(string toolchain)
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(toolchain), "boom", "--input", "").ShouldExit(1);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal(["error: proc macro `boom` panicked: boom from proc macro"], result.StandardErrorLines);
    }

    [Fact]
    public void AFormattedPanicMessageIsReportedWhole()
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(), "boom_fmt", "--input", "a b c").ShouldExit(1);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal(["error: proc macro `boom_fmt` panicked: boom_fmt: 3 token trees: a b c"], result.StandardErrorLines);
    }

    [Fact]
    public void APanicWithANonStringPayloadIsStillAPanic()
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(), "boom_any", "--input", "").ShouldExit(1);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith("error: proc macro `boom_any` panicked", Assert.Single(result.StandardErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void APanicInJsonModeIsReportedInTheJsonToo()
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(), "boom_fmt", "--input", "a b c", "--json").ShouldExit(1);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal("boom_fmt: 3 token trees: a b c", root.GetProperty("panic").GetString());
        Assert.False(root.TryGetProperty("output", out _));
        Assert.Contains("panicked: boom_fmt: 3 token trees: a b c", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no_such_macro")]
    [InlineData("derive_describe")] // a derive is known by its trait name (Describe), not its function's
    [InlineData("DO_THRICE")]
    public void AnUnknownMacroExitsWithTwo(string name)
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(), name, "--input", "x").ShouldExit(2);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal([$"error: proc-macro `{name}` is missing"], result.StandardErrorLines);
    }

    [Theory]
    [MemberData(nameof(Toolchains))]
    public void WhatTheMacroPrintsGoesToStderrNotIntoTheExpansion(string toolchain)
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(toolchain), "noisy", "--input", "1 + 2").ShouldExit(0);
        Assert.Equal("1 + 2\n", result.StandardOutput);
        Assert.Contains("pm-basics noisy (stdout): 1 + 2", result.StandardErrorLines);
        Assert.Contains("pm-basics noisy (stderr): 1 + 2", result.StandardErrorLines);
    }

    [Fact]
    public void WhatTheMacroPrintsDoesNotCorruptJsonOutput()
    {
        var result = Cli.Run("expand", Dylibs.PmBasics(), "noisy", "--input", "1 + 2", "--json").ShouldExit(0);
        Assert.DoesNotContain("pm-basics noisy", result.StandardOutput, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("1 + 2", json.RootElement.GetProperty("output").GetString());
        Assert.Contains("pm-basics noisy (stdout): 1 + 2", result.StandardErrorLines);
        Assert.Contains("pm-basics noisy (stderr): 1 + 2", result.StandardErrorLines);
    }

    [Theory]
    [InlineData("--input", "\"unterminated", "error: cannot lex the input")]
    [InlineData("--attr", "(", "error: cannot lex the --attr")]
    public void TextThatDoesNotLexExitsWithTwo(string option, string text, string message)
    {
        string[] args = option == "--input"
            ? ["expand", Dylibs.PmBasics(), "tag", "--input", text]
            : ["expand", Dylibs.PmBasics(), "tag", "--input", "fn f() {}", "--attr", text];
        var result = Cli.Run(args, null).ShouldExit(2);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith(message, Assert.Single(result.StandardErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInputFileThatCannotBeReadExitsWithTwo()
    {
        using var dir = new TempDirectory("pms-cli-");
        foreach (var path in new[] { dir.File("missing.rs"), dir.Path })
        {
            var result = Cli.Run("expand", Dylibs.PmBasics(), "do_thrice", "--input-file", path).ShouldExit(2);
            Assert.Equal("", result.StandardOutput);
            Assert.StartsWith($"error: cannot read {path}", Assert.Single(result.StandardErrorLines), StringComparison.Ordinal);
        }
    }
}
