using System.Text.Json;

namespace ProcMacroSrv.Cli.Tests;

/// <summary><c>proc-macro-srv list LIB</c>: the crate's macros, in the order its source declares them.</summary>
public sealed class ListTests
{
    /// <summary>toolchain, fixture crate.</summary>
    public static TheoryData<string, string> Libraries => new()
    {
        { "stable", "pm-basics" },
        { "nightly", "pm-basics" },
        { "1.63", "pm-basics" },
        { "1.85", "pm-basics" },
        { "stable", "demo-macros" },
        { "1.85", "demo-macros" },
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void OneLinePerMacroInDeclarationOrder(string toolchain, string crate)
    {
        var result = Cli.Run("list", Dylibs.Crate(toolchain, crate)).ShouldExit(0);
        Assert.Equal("", result.StandardError);
        var declared = CrateSource.Macros(crate).Select(m => m.ListLine).ToList();
        Assert.Equal(declared, result.StandardOutputLines);
    }

    [Fact]
    public void DeriveLinesNameTheirHelperAttributes()
    {
        var basics = Cli.Run("list", Dylibs.PmBasics()).ShouldExit(0);
        Assert.Contains("Describe derive (helpers: describe)", basics.StandardOutputLines);
        Assert.Contains("do_thrice function-like", basics.StandardOutputLines);
        Assert.Contains("tag attribute", basics.StandardOutputLines);
        var demo = Cli.Run("list", Dylibs.Crate("stable", "demo-macros")).ShouldExit(0);
        Assert.Equal(["greet function-like", "FieldCount derive (helpers: field_count)", "trace_calls attribute"], demo.StandardOutputLines);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void JsonListsNameKindAndHelpers(string toolchain, string crate)
    {
        var result = Cli.Run("list", Dylibs.Crate(toolchain, crate), "--json").ShouldExit(0);
        Assert.Equal("", result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(["macros"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var listed = ReadJsonMacros(json.RootElement.GetProperty("macros"));
        var declared = CrateSource.Macros(crate);
        Assert.Equal(declared.Count, listed.Count);
        for (var i = 0; i < declared.Count; i++)
        {
            Assert.True(declared[i].SameAs(listed[i]), $"macro #{i}: declared {declared[i]}, listed {listed[i]}");
        }
    }

    /// <summary>The <c>macros</c> array of <c>list --json</c> / <c>inspect --json</c>.</summary>
    internal static List<DeclaredMacro> ReadJsonMacros(JsonElement array) =>
        array.EnumerateArray().Select(m => new DeclaredMacro(
            m.GetProperty("name").GetString()!,
            m.GetProperty("kind").GetString()!,
            m.GetProperty("helpers").EnumerateArray().Select(h => h.GetString()!).ToList())).ToList();
}
