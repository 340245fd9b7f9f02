using ProcMacroSrv.Fixtures;
using ProcMacroSrv.TokenModel.Printing;
using static ProcMacroSrv.Bridge.Tests.MacroRunner;

namespace ProcMacroSrv.Bridge.Tests;

/// <summary>
/// One process serves pm-basics as built by every toolchain here (bridge ABIs A63, A85, A95),
/// with expansions interleaved across the dylibs: each macro must give the same expansion
/// whichever rustc built it, since the macro source is the same.
/// </summary>
public sealed class AbiMatrixTests
{
    private static readonly (string Macro, string Input, string? Attr)[] Cases =
    [
        ("do_thrice", "{ say_hi(); }", null),
        ("stringify_input", "a + b :: c (d, e) [f] {g; } 'x' \"s\" 1.0f32 'life -1 r#fn #[attr] x=>y &&z", null),
        ("parse_stream", "\"[1u8, 2, 3].len()\"", null),
        ("parse_stream", "\"(1 + 2\"", null),
        ("parse_literals", "\"1u8\", \"-2.5\", \"'c'\", \"b\\\"x\\\"\", \"r#\\\"raw\\\"#\", \"not a literal\", \"- 1\"", null),
        ("parsed_literal", "\"-7i64\"", null),
        ("raw_idents", "", null),
        ("token_texts", "r#fn r#type plain 'a' 'life (x , y) \"s\" , :: 1.0", null),
        ("define_fn", "r#match", null),
        ("shadow", "mixed_site x = 2", null),
        ("shadow", "located_at x = 2", null),
        ("respan", "(1 + 2) * [3][0]", null),
        ("expect_parens", "(4 + 5)", null),
        ("expect_parens", "[4 + 5]", null),
        ("Describe", "#[describe(label = \"point\", 3)] pub struct Point { pub x: i32, #[describe(skip)] y: Vec<u8>, }", null),
        ("Describe", "pub enum Shape { #[describe(sides = 0)] Circle { radius: f64 }, Square(f64), Empty = 7, }", null),
        ("tag", "pub fn tagged() -> u32 { 42 }", "name = \"x\", 3"),
        ("wrap_body", "pub fn wrapped(a: u32, b: u32) -> u32 { a * b }", ""),
        ("boom", "", null),
        ("boom_fmt", "some input", null),
        ("boom_any", "", null),
        // Numbers, chars and byte strings: the same on every bridge. (Literal::string escapes
        // differently before 1.79, so it is compared only where the constructors agree.)
        ("all_literal_texts", "", null),
    ];

    public static TheoryData<string> Toolchain => new(Toolchains.All.Select(t => t.Name));

    [Fact]
    public void EveryToolchainsDylibExpandsLikeTheStableOneInOneProcess()
    {
        var dylibs = Toolchains.All.ToDictionary(t => t.Name, t => FixtureCrates.Build(t).PmBasics);
        var abis = dylibs.ToDictionary(d => d.Key, d => Library(d.Value).Abi.Name);
        Assert.Equal("A63", abis["1.63"]);
        Assert.Equal("A85", abis["1.85"]);
        Assert.Equal("A95", abis["stable"]);
        Assert.Equal("A95", abis["1.96"]);
        Assert.Equal("A95", abis["nightly"]);

        var mismatches = new List<string>();
        // Twice round, interleaving dylibs of different ABIs call by call.
        for (var round = 0; round < 2; round++)
        {
            foreach (var (macro, input, attr) in Cases)
            {
                var baseline = Describe(Expand(dylibs["stable"], macro, input, attr));
                foreach (var (toolchain, dylib) in dylibs)
                {
                    var result = Expand(dylib, macro, input, attr);
                    Assert.Equal(0, result.LeakedHandles);
                    var outcome = Describe(result);
                    var expected = ExpectedOn(abis[toolchain], macro, input, baseline);
                    if (macro == "all_literal_texts" && abis[toolchain] == "A63")
                    {
                        // 1.63 escapes Literal::string and byte_string on the server, with
                        // str's Debug and ascii::escape_default: compare the rest, pin the byte string.
                        var texts = StringArray(result.Output!);
                        var stable = StringArray(Expand(dylibs["stable"], macro, input, attr).Output!);
                        Assert.Equal("b\"bytes\\x00\\xff\\n\\\"\\'\"", texts[27]);
                        (outcome, expected) = (string.Join("|", texts.Where((_, i) => i is not (21 or 27))), string.Join("|", stable.Where((_, i) => i is not (21 or 27))));
                    }
                    if (outcome != expected) mismatches.Add($"{macro}({input}) with {toolchain} [{abis[toolchain]}]:\n  got      {outcome}\n  expected {expected}");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    // Line breaks depend on line length (rustc's printer wraps at 78 columns): compare tokens' text, not layout.
    private static string Describe(Expansion.ExpansionResult result) =>
        result.Output is { } output
            ? "ok: " + System.Text.RegularExpressions.Regex.Replace(TokenPrinter.Print(output), @"\s+", " ")
            : "panic: " + result.PanicMessage;

    /// <summary>
    /// What a macro observes differently on older bridges, as rustc of that version behaves:
    /// before 1.95, <c>TokenStream::from_str</c> cannot return an error (rustc aborts, so the
    /// macro panics) and a <c>LexError</c> carries no message.
    /// </summary>
    private static string ExpectedOn(string abi, string macro, string input, string baseline)
    {
        if (abi == "A95") return baseline;
        if (macro == "parse_stream" && input.Contains("(1 + 2", StringComparison.Ordinal)) return "panic: this file contains an unclosed delimiter";
        if (macro == "parse_literals")
        {
            return baseline.Replace("error: not a literal", "error: cannot parse string into token stream", StringComparison.Ordinal)
                .Replace("error: comment or whitespace after minus", "error: cannot parse string into token stream", StringComparison.Ordinal);
        }
        return baseline;
    }

}
