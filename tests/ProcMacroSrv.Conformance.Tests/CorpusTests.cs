using ProcMacroSrv.Conformance.Tests.Inputs;

namespace ProcMacroSrv.Conformance.Tests;

/// <summary>The inputs themselves: enough of them, well-formed, deterministic.</summary>
public sealed class CorpusTests
{
    [Fact]
    public void TheCorpusHasAtLeastFiveHundredInputs()
    {
        var entries = CorpusFile.LoadAll();
        Assert.True(entries.Count >= 500, $"the corpus has {entries.Count} inputs");
    }

    [Fact]
    public void EveryInputGivenAsTokensLexesAsAMacroInput()
    {
        // Building the case set checks it (and names every offender).
        Assert.NotEmpty(CaseSet.All);
    }

    [Fact]
    public void TheSnippetsAndGeneratedInputsAreTheSameOnEveryRun()
    {
        Assert.Equal(DebianSnippets.Load(), DebianSnippets.Load());
        Assert.Equal(GeneratedInputs.Generate(), GeneratedInputs.Generate());
        Assert.True(DebianSnippets.Load().Count >= 100, "too few Debian snippets");
    }
}
