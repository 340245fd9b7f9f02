using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.Conformance.Tests.Sides;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Literals;

namespace ProcMacroSrv.Conformance.Tests;

/// <summary>
/// Malformed text given to <c>TokenStream::from_str</c> and <c>Literal::from_str</c>: the macro
/// sees what it sees from rustc (an <c>Err</c> with rustc's message, or a panic without a
/// message where rustc aborts on a fatal error), and our server never throws or hangs.
/// </summary>
public sealed class MalformedInputTests
{
    /// <summary>Input, and the line of the probe's report that says what <c>from_str</c> gave (rustc 1.95's).</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "\"abc", "from_str panic <non-string payload>" },
        { "b\"abc", "from_str panic <non-string payload>" },
        { "r#\"abc\"", "from_str panic <non-string payload>" },
        { "r#~", "from_str panic <non-string payload>" },
        { "'", "from_str panic <non-string payload>" },
        { "/* abc", "from_str panic <non-string payload>" },
        { "a }", "from_str err \"unexpected closing delimiter: `}`\"" },
        { ")", "from_str err \"unexpected closing delimiter: `)`\"" },
        { "(a", "from_str err \"this file contains an unclosed delimiter\"" },
        { "(a]b)", "from_str err \"unexpected closing delimiter: `)`\"" },
        { "(a]", "from_str panic \"no diagnostic has a message\"" },
        { "([)]", "from_str err \"unexpected closing delimiter: `]`\"" },
        { "\"\\q\"", "from_str ok" },
        { "'\\u{D800}'", "from_str ok" },
        { "a € b", "from_str ok" },
    };

    private static ProcMacroLibrary Probe(Toolchain toolchain) => ProcMacroLibrary.Load(FixtureCrates.Build(toolchain).PmProbe);

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromStrGivesTheMacroWhatRustcGivesIt(string input, string expectedLine)
    {
        var report = Within(TimeSpan.FromSeconds(30), () => ServerSide.Report(Probe(Toolchains.Stable), new ConformanceCase("malformed", CaseMode.Strings, input)));
        Assert.Equal(expectedLine, report.Split('\n')[1]);

        // The same input in the corpus is compared with rustc's own report (parsers.txt has them all).
        var rustc = ToolchainComparison.For(Toolchains.Stable).Rustc;
        var fromRustc = rustc.Where(p => p.Key.EndsWith("/str", StringComparison.Ordinal) && p.Value.StartsWith("input ", StringComparison.Ordinal)
            && p.Value.Split('\n')[0] == report.Split('\n')[0]).Select(p => p.Value).FirstOrDefault();
        Assert.True(fromRustc is not null, $"the corpus has no `str` entry for {input}");
        Assert.Equal(fromRustc, report);
    }

    [Fact]
    public void TheParsersNeverThrowOrHangOnAnyPrefixOfAnyInput()
    {
        // Every corpus input cut at every position: unterminated everything, split characters
        // (surrogate pairs cut in half), unbalanced delimiters.
        var inputs = CorpusFile.LoadAll().Select(e => e.Text).Concat(GeneratedInputs.Generate().Select(g => g.Text)).ToList();
        Within(TimeSpan.FromMinutes(2), () =>
        {
            foreach (var text in inputs)
            {
                var limit = Math.Min(text.Length, 200);
                for (var cut = 0; cut <= limit; cut++)
                {
                    var piece = text[..cut];
                    var stream = TokenStreamParser.Parse(piece, static (s, e) => new Span(0, 0, (uint)s, (uint)e, 0));
                    Assert.True(stream.Outcome == ParseOutcome.Value == (stream.Stream is not null));
                    var literal = LiteralParser.Parse(piece);
                    Assert.True(literal.Outcome == ParseOutcome.Value == (literal.Literal is not null));
                }
            }
            return 0;
        });
    }

    private static T Within<T>(TimeSpan limit, Func<T> work)
    {
        var task = Task.Run(work);
        Assert.True(task.Wait(limit), $"did not finish within {limit}");
        return task.Result;
    }
}
