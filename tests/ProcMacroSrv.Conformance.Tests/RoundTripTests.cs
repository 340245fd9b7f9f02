using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.Conformance.Tests.Sides;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Printing;
using Xunit.Abstractions;

namespace ProcMacroSrv.Conformance.Tests;

/// <summary>
/// The printer round trip on rustc's own output. Every <c>to_string</c> text T that rustc
/// produced for the corpus (of input streams, parsed streams, rebuilt, concatenated and group
/// streams) is lexed by our lexer and printed by our printer. The result must be what rustc
/// prints for <c>TokenStream::from_str(T)</c> (asked of rustc through the probe), and T itself
/// wherever rustc's is: the only texts that do not come back are those rustc does not bring
/// back either (CONFORMANCE.md, "Printer round trip").
/// </summary>
public sealed class RoundTripTests(ITestOutputHelper output)
{
    private static readonly string[] PrintedLines = ["display ", "rebuilt ", "deep ", "twice ", "inner twice ", "inner "];

    [Theory]
    [InlineData("stable")]
    [InlineData("nightly")]
    public void RustcsPrintedStreamsLexAndPrintBackAsInRustc(string toolchainName)
    {
        var toolchain = Toolchains.Get(toolchainName);
        var comparison = ToolchainComparison.For(toolchain);
        var version = RustcVersion.Parse(toolchain.RustcVersion);
        var options = PrintOptions.ForRustc(version.Major, version.Minor);
        var texts = CaseSet.All.SelectMany(c => PrintedTexts(comparison.Rustc[c.Id])).Distinct(StringComparer.Ordinal).ToList();
        var cases = texts.Select((t, i) => new ConformanceCase($"roundtrip/{i}", CaseMode.Strings, t)).ToList();
        var rustc = RustcSide.Reports(toolchain, FixtureCrates.Build(toolchain).PmProbe, "roundtrip", cases);

        var failures = new List<string>();
        var notFixedInRustc = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i];
            var rustcPrinted = PrintedTexts(rustc[cases[i].Id]).FirstOrDefault();
            var parsed = TokenStreamParser.Parse(text, static (_, _) => default);
            var ours = parsed.Outcome == ParseOutcome.Value ? TokenPrinter.Print(parsed.Stream!, options) : null;
            if (ours != rustcPrinted) failures.Add($"{Show(text)}: rustc prints {Show(rustcPrinted)}, we print {Show(ours)}");
            else if (ours != text) notFixedInRustc.Add(text);
        }
        output.WriteLine($"{toolchain.RustcVersion}: {texts.Count} printed streams; {texts.Count - notFixedInRustc.Count - failures.Count} "
            + $"print back to themselves, {notFixedInRustc.Count} print back as rustc prints them (not to themselves, in rustc neither), "
            + $"{failures.Count} differ from rustc");
        foreach (var text in notFixedInRustc.Take(10)) output.WriteLine("  not a fixed point in rustc: " + Show(text));
        Assert.True(texts.Count > 1000, $"only {texts.Count} printed streams in rustc's reports");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    /// <summary>The values of the report lines that hold a <c>to_string</c> result (a Rust <c>{:?}</c> string).</summary>
    private static IEnumerable<string> PrintedTexts(string report)
    {
        foreach (var raw in report.Split('\n'))
        {
            var line = raw.TrimStart();
            foreach (var prefix in PrintedLines)
            {
                if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var quoted = line[prefix.Length..];
                if (quoted.Length >= 2 && quoted[0] == '"' && quoted[^1] == '"')
                    yield return ServerSide.Unescape(quoted[1..^1]);
                break;
            }
        }
    }

    private static string Show(string? text) =>
        text is null ? "<no stream>" : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
