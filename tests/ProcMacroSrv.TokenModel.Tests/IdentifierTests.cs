namespace ProcMacroSrv.TokenModel.Tests;

public class IdentifierTests
{
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("_", "_")]
    [InlineData("_x1", "_x1")]
    [InlineData("fn", "fn")] // keywords are identifiers lexically
    [InlineData("e\u0301", "\u00e9")] // NFC
    [InlineData("\u212b", "\u00c5")] // the Angstrom sign normalizes to A with ring
    [InlineData("\u4e2d\u6587", "\u4e2d\u6587")]
    public void AcceptsAndNormalizes(string input, string expected)
    {
        Assert.True(RustIdentifier.TryNormalizeAndValidate(input, out var symbol));
        Assert.Equal(expected, symbol.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1a")]
    [InlineData("a-b")]
    [InlineData("a b")]
    [InlineData("r#a")]
    [InlineData("$crate")]
    [InlineData("\U0001FA9F")]
    [InlineData("\u0301a")]
    [InlineData("a\uD800")]
    public void Rejects(string input) => Assert.False(RustIdentifier.TryNormalizeAndValidate(input, out _));

    [Theory]
    [InlineData("async", Edition.Edition2015, false)]
    [InlineData("async", Edition.Edition2018, true)]
    [InlineData("gen", Edition.Edition2021, false)]
    [InlineData("gen", Edition.Edition2024, true)]
    [InlineData("union", Edition.Edition2024, false)]
    [InlineData("_", Edition.Edition2021, true)]
    public void KnowsReservedWords(string name, Edition edition, bool reserved) =>
        Assert.Equal(reserved, RustIdentifier.IsReserved(name, edition));
}
