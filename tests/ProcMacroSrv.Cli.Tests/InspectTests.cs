using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>
/// <c>proc-macro-srv inspect LIB</c> on pm-basics built by each toolchain, checked against the
/// toolchain itself (<c>rustc -V</c>), binutils (<c>nm -D</c>) and the crate's source.
/// </summary>
public sealed partial class InspectTests
{
    /// <summary>toolchain, metadata version, bridge ABI.</summary>
    public static TheoryData<string, int, string> Toolchains => new()
    {
        { "stable", 10, "A95" },
        { "nightly", 10, "A95" },
        { "1.63", 6, "A63" },
        { "1.85", 9, "A85" },
    };

    [Theory]
    [MemberData(nameof(Toolchains))]
    public void TextReportMatchesTheToolchainBinutilsAndTheSource(string toolchain, int metadataVersion, string abi)
    {
        var dylib = Dylibs.PmBasics(toolchain);
        var result = Cli.Run("inspect", dylib).ShouldExit(0);
        Assert.Equal("", result.StandardError);

        var fields = new Dictionary<string, string>();
        var macroLines = new List<string>();
        foreach (var line in result.StandardOutputLines)
        {
            if (line.StartsWith("  ", StringComparison.Ordinal))
            {
                macroLines.Add(line[2..]);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"unexpected line `{line}`\n{result}");
            fields.Add(line[..colon], line[(colon + 1)..].Trim());
        }

        Assert.Equal(["path", "rustc", "version", "metadata version", "bridge ABI", "registrar symbol", "macros"], fields.Keys.ToList());
        var rustcVersion = FixtureCrates.Build(toolchain).Toolchain.RustcVersion;
        Assert.Equal(dylib, fields["path"]);
        Assert.Equal(rustcVersion, fields["rustc"]);
        Assert.Equal(ExpectedVersionLine(rustcVersion), fields["version"]);
        Assert.Equal(metadataVersion.ToString(CultureInfo.InvariantCulture), fields["metadata version"]);
        Assert.StartsWith(abi + " (built-in table", fields["bridge ABI"], StringComparison.Ordinal);
        Assert.Equal(Binutils.RegistrarSymbol(dylib), fields["registrar symbol"]);

        var declared = CrateSource.Macros("pm-basics").Select(m => m.ListLine).ToList();
        Assert.Equal(declared.Count.ToString(CultureInfo.InvariantCulture), fields["macros"]);
        Assert.Equal(declared, macroLines);
    }

    [Theory]
    [MemberData(nameof(Toolchains))]
    public void JsonReportHasTheSameFacts(string toolchain, int metadataVersion, string abi)
    {
        var dylib = Dylibs.PmBasics(toolchain);
        var result = Cli.Run("inspect", dylib, "--json").ShouldExit(0);
        Assert.Equal("", result.StandardError);

        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        var rustcVersion = FixtureCrates.Build(toolchain).Toolchain.RustcVersion;
        var expected = ParseRustcVersion(rustcVersion);
        Assert.Equal(dylib, root.GetProperty("path").GetString());
        Assert.Equal(rustcVersion, root.GetProperty("rustc").GetString());
        var version = root.GetProperty("version");
        Assert.Equal(expected.Major, version.GetProperty("major").GetInt32());
        Assert.Equal(expected.Minor, version.GetProperty("minor").GetInt32());
        Assert.Equal(expected.Patch, version.GetProperty("patch").GetInt32());
        Assert.Equal(expected.Channel, version.GetProperty("channel").GetString());
        Assert.Equal(expected.Commit, NullableString(version.GetProperty("commit")));
        Assert.Equal(expected.Date, NullableString(version.GetProperty("date")));
        Assert.Equal(metadataVersion, root.GetProperty("metadataVersion").GetInt32());
        Assert.Equal(abi, root.GetProperty("abi").GetProperty("name").GetString());
        Assert.Equal(Binutils.RegistrarSymbol(dylib), root.GetProperty("registrarSymbol").GetString());
        Assert.False(root.TryGetProperty("error", out _), "no load error expected");

        var macros = ListTests.ReadJsonMacros(root.GetProperty("macros"));
        var declared = CrateSource.Macros("pm-basics");
        Assert.Equal(declared.Select(m => m.ListLine), macros.Select(m => m.ListLine));
    }

    /// <summary>What <c>rustc -V</c> says, parsed here independently of the code under test.</summary>
    private static (int Major, int Minor, int Patch, string Channel, string? Commit, string? Date) ParseRustcVersion(string rustcV)
    {
        var m = RustcVersionLine().Match(rustcV);
        Assert.True(m.Success, $"unexpected `rustc -V` output: {rustcV}");
        var pre = m.Groups["pre"].Value;
        var channel = pre.Length == 0 ? "stable" : pre.StartsWith("beta", StringComparison.Ordinal) ? "beta" : pre;
        return (
            int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["minor"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["patch"].Value, CultureInfo.InvariantCulture),
            channel,
            m.Groups["commit"].Success ? m.Groups["commit"].Value : null,
            m.Groups["date"].Success ? m.Groups["date"].Value : null);
    }

    /// <summary><c>1.95.0 (Stable, commit 59807616e, 2026-04-14)</c>, <c>1.63.0 (Stable)</c>.</summary>
    private static string ExpectedVersionLine(string rustcV)
    {
        var v = ParseRustcVersion(rustcV);
        var channel = char.ToUpperInvariant(v.Channel[0]) + v.Channel[1..];
        var commit = v.Commit is null ? "" : $", commit {v.Commit}";
        var date = v.Date is null ? "" : $", {v.Date}";
        return $"{v.Major}.{v.Minor}.{v.Patch} ({channel}{commit}{date})";
    }

    private static string? NullableString(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetString();

    [GeneratedRegex(@"^rustc (?<major>\d+)\.(?<minor>\d+)\.(?<patch>\d+)(?:-(?<pre>nightly|dev|beta(?:\.\d+)?))?(?: \((?<commit>[0-9a-f]+) (?<date>\d{4}-\d{2}-\d{2})\))?")]
    private static partial Regex RustcVersionLine();
}
