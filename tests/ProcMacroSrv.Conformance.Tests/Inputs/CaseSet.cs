using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.Conformance.Tests.Inputs;

/// <summary>All conformance cases: the corpus, the Debian snippets and the generated inputs.</summary>
public static class CaseSet
{
    private static readonly Lazy<IReadOnlyList<ConformanceCase>> s_all = new(Build);

    /// <summary>Every case, in a fixed order.</summary>
    public static IReadOnlyList<ConformanceCase> All => s_all.Value;

    private static IReadOnlyList<ConformanceCase> Build()
    {
        var cases = new List<ConformanceCase>();
        var corpus = CorpusFile.LoadAll();
        var unlexable = corpus.Where(e => e.Tokens && !LexesAsMacroInput(e.Text)).Select(e => e.Id).ToList();
        if (unlexable.Count > 0)
            throw new InvalidOperationException("corpus entries that do not lex as a macro input (mark them `str`): " + string.Join(", ", unlexable));
        foreach (var entry in corpus)
            cases.AddRange(ConformanceCase.For("corpus/" + entry.Id, entry.Text, entry.Tokens, entry.Strings));
        foreach (var (id, text) in DebianSnippets.Load())
            cases.AddRange(ConformanceCase.For(id, text, tokens: true, strings: true));
        foreach (var (id, text, clean) in GeneratedInputs.Generate())
            cases.AddRange(ConformanceCase.For(id, text, tokens: clean && LexesAsMacroInput(text), strings: true));
        return cases;
    }

    /// <summary>True when the text is acceptable inside a macro call in a source file (no lexing error).</summary>
    public static bool LexesAsMacroInput(string text) =>
        TokenStreamParser.Parse(Cli.SourceTextInput.NormalizeSource(text), static (_, _) => default, ParseOptions.Default with { SkipShebang = false }).IsSuccess;
}
