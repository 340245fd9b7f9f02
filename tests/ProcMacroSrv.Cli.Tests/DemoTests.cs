using ProcMacroSrv.Fixtures;
using static ProcMacroSrv.Cli.Tests.RustText;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>
/// <c>proc-macro-srv demo</c>: builds the bundled demo-macros crate with cargo and expands its three
/// macros. Its build cache (LocalApplicationData, i.e. $XDG_DATA_HOME on Linux) is pointed at a
/// temporary directory, and rustup's cargo is put first on PATH with the stable toolchain selected.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public void BuildsTheBundledCrateAndShowsEachMacrosInputAndOutput()
    {
        using var data = new TempDirectory("pms-cli-demo-");
        var environment = DemoEnvironment(data.Path);
        var result = Cli.Run(["demo"], null, environment, TimeSpan.FromMinutes(10)).ShouldExit(0);
        var cache = Path.Combine(data.Path, "proc-macro-srv", "demo");
        Assert.True(File.Exists(Path.Combine(cache, "Cargo.toml")), $"the demo crate was not copied to {cache}\n{result}");

        // Each `== ...` header line is followed by its body; the bodies that are macro outputs are
        // Rust text whose layout is the printer's business, so they are compared token-wise.
        var sections = Sections(result.StandardOutputLines);
        Assert.Equal(
            [
                $"== building demo-macros with `cargo build --release` in {cache}",
                $"== libdemo_macros.so: {Toolchains.Stable.RustcVersion}, bridge ABI A95",
                "== greet: input",
                "== greet: output",
                "== FieldCount: input",
                "== FieldCount: output",
                "== #[trace_calls]: input",
                "== trace_calls: output",
            ],
            sections.Select(s => s.Header));
        Assert.Equal("", sections[0].Body);
        Assert.Equal("  greet function-like\n  FieldCount derive (helpers: field_count)\n  trace_calls attribute", sections[1].Body);
        Assert.Equal("   Rustaceans", sections[2].Body);
        Assert.Equal("   \"Hello, Rustaceans!\"", sections[3].Body);
        Assert.Equal("structPoint{x:i32,y:i32,#[field_count(skip)]label:String,}", Squash(sections[4].Body));
        Assert.Equal("implPoint{pubconstFIELD_COUNT:usize=2;}", Squash(sections[5].Body));
        Assert.Equal("fnadd(a:i32,b:i32)->i32{a+b}", Squash(sections[6].Body));
        Assert.Equal("fnadd(a:i32,b:i32)->i32{::std::eprintln!(\"->add\");a+b}", Squash(sections[7].Body));
        Assert.Equal(["-> add"], StringLiterals(sections[7].Body));
    }

    [Fact]
    public void ASecondRunReusesTheCacheAndPrintsTheSame()
    {
        using var data = new TempDirectory("pms-cli-demo-");
        var environment = DemoEnvironment(data.Path);
        var first = Cli.Run(["demo"], null, environment, TimeSpan.FromMinutes(10)).ShouldExit(0);
        var second = Cli.Run(["demo"], null, environment, TimeSpan.FromMinutes(10)).ShouldExit(0);
        Assert.Equal(first.StandardOutput, second.StandardOutput);
        Assert.Contains("Compiling demo-macros", first.StandardError, StringComparison.Ordinal); // cargo's progress goes to stderr
        Assert.DoesNotContain("Compiling demo-macros", second.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingCargoIsReportedWithExitCodeTwo()
    {
        using var data = new TempDirectory("pms-cli-demo-");
        var cargo = Path.Combine(data.Path, "no-such-cargo");
        var result = Cli.Run(["demo", "--cargo", cargo], null, DemoEnvironment(data.Path)).ShouldExit(2);
        Assert.Contains($"error: cannot run `{cargo}`", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("== greet", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The <c>== …</c> lines of the demo's output, each with the lines up to the next one (blank lines at the end dropped).</summary>
    private static List<(string Header, string Body)> Sections(string[] lines)
    {
        var sections = new List<(string Header, List<string> Body)>();
        foreach (var line in lines)
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                sections.Add((line, []));
            }
            else
            {
                Assert.True(sections.Count > 0, $"output before the first `==` line: {line}");
                sections[^1].Body.Add(line);
            }
        }

        return sections.Select(s => (s.Header, string.Join('\n', s.Body).TrimEnd('\n'))).ToList();
    }

    private static Dictionary<string, string?> DemoEnvironment(string dataHome)
    {
        var rustupBin = Path.GetDirectoryName(Toolchains.Stable.CargoPath)!;
        return new Dictionary<string, string?>
        {
            ["XDG_DATA_HOME"] = dataHome,
            ["PATH"] = rustupBin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["RUSTUP_TOOLCHAIN"] = Toolchains.Stable.Name,
            ["CARGO_TERM_COLOR"] = "never",
        };
    }
}
