using System.Text;
using System.Text.RegularExpressions;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>The fixture dylibs the CLI is run on (built by <see cref="FixtureCrates"/>; a missing toolchain throws).</summary>
internal static class Dylibs
{
    /// <summary>The toolchains that build pm-basics, one per bridge ABI family (A95 twice: stable and nightly).</summary>
    public static TheoryData<string> PmBasicsToolchains => new("stable", "nightly", "1.63", "1.85");

    public static FixtureDylibs Built(string toolchain) => FixtureCrates.Build(toolchain);

    public static string PmBasics(string toolchain = "stable") => Built(toolchain).PmBasics;

    /// <summary>The dylib of a workspace crate (<c>pm-basics</c>, <c>demo-macros</c>, <c>pm-modern</c>).</summary>
    public static string Crate(string toolchain, string crate) => crate switch
    {
        "pm-basics" => Built(toolchain).PmBasics,
        "demo-macros" => Built(toolchain).DemoMacros,
        "pm-modern" => Built(toolchain).PmModern,
        _ => throw new ArgumentException($"no fixture crate {crate}", nameof(crate)),
    };
}

/// <summary>A macro as its crate declares it: name, kind as the CLI names it, derive helpers.</summary>
internal sealed record DeclaredMacro(string Name, string Kind, IReadOnlyList<string> Helpers)
{
    /// <summary>The line <c>list</c> prints for it, e.g. <c>Describe derive (helpers: describe)</c>.</summary>
    public string ListLine => Helpers.Count == 0 ? $"{Name} {Kind}" : $"{Name} {Kind} (helpers: {string.Join(", ", Helpers)})";

    public bool SameAs(DeclaredMacro other) => Name == other.Name && Kind == other.Kind && Helpers.SequenceEqual(other.Helpers);
}

/// <summary>Reads the <c>#[proc_macro…]</c> items of a fixture crate's src/lib.rs, in declaration order.</summary>
internal static partial class CrateSource
{
    public static IReadOnlyList<DeclaredMacro> Macros(string crate)
    {
        var source = File.ReadAllText(Path.Combine(RepositoryLayout.FixturesWorkspace, crate, "src", "lib.rs"));
        var macros = new List<DeclaredMacro>();
        foreach (Match m in ProcMacroItem().Matches(source))
        {
            var attribute = m.Groups["attr"].Value;
            if (attribute == "proc_macro_derive")
            {
                var args = m.Groups["args"].Value;
                var name = args.Split(',')[0].Trim();
                var helpers = HelperList().Match(args) is { Success: true } h
                    ? h.Groups[1].Value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList()
                    : [];
                macros.Add(new DeclaredMacro(name, "derive", helpers));
            }
            else
            {
                macros.Add(new DeclaredMacro(m.Groups["fn"].Value, attribute == "proc_macro" ? "function-like" : "attribute", []));
            }
        }

        Assert.True(macros.Count > 0, $"no #[proc_macro…] items found in fixtures/{crate}/src/lib.rs");
        return macros;
    }

    // An attribute at the start of a line (not in a doc comment), then the `pub fn` it is on.
    [GeneratedRegex(@"^#\[(?<attr>proc_macro|proc_macro_attribute|proc_macro_derive)(?:\((?<args>[^\]]*)\))?\]\s*\n(?:\s*#\[[^\n]*\n)*\s*pub fn (?<fn>\w+)", RegexOptions.Multiline)]
    private static partial Regex ProcMacroItem();

    [GeneratedRegex(@"attributes\(([^)]*)\)")]
    private static partial Regex HelperList();
}

/// <summary>Reading Rust text printed by the CLI.</summary>
internal static class RustText
{
    /// <summary>The text without any whitespace: compares token sequences regardless of the printer's layout.</summary>
    public static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>The values of the plain string literals (<c>"…"</c>) in printed Rust text, escapes decoded.</summary>
    public static List<string> StringLiterals(string text)
    {
        var values = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '"')
            {
                continue;
            }

            var value = new StringBuilder();
            for (i++; text[i] != '"'; i++)
            {
                if (text[i] != '\\')
                {
                    value.Append(text[i]);
                    continue;
                }

                i++;
                value.Append(text[i] switch
                {
                    'n' => "\n",
                    't' => "\t",
                    'r' => "\r",
                    '0' => "\0",
                    '\\' => "\\",
                    '"' => "\"",
                    '\'' => "'",
                    var c => throw new FormatException($"escape \\{c} not handled by the test"),
                });
            }

            values.Add(value.ToString());
        }

        return values;
    }
}

/// <summary>What binutils says about a dylib.</summary>
internal static class Binutils
{
    /// <summary>The defined dynamic symbol named <c>__rustc_proc_macro_decls_&lt;hash&gt;__</c>, from <c>nm -D</c>.</summary>
    public static string RegistrarSymbol(string dylib)
    {
        var nm = ProcessRunner.RunChecked("nm", ["-D", "--defined-only", dylib]);
        var symbols = nm.StandardOutputLines
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(name => Regex.IsMatch(name, "^__rustc_proc_macro_decls_[0-9a-f]+__$"))
            .ToList();
        return Assert.Single(symbols);
    }
}
