using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ProcMacroSrv.Fixtures;

/// <summary>
/// Builds the fixture workspace (fixtures/) with a toolchain, once per test run and toolchain,
/// into artifacts/fixtures/&lt;toolchain&gt;/ — so cargo's fingerprints make later runs fast.
/// Thread-safe; parallel test processes are serialised by cargo's lock on the target directory.
/// </summary>
/// <remarks>
/// What is built: stable, nightly and 1.96 build pm-basics, pm-modern, pm-probe, demo-macros and real-macros
/// (whose dependencies are the real proc-macro crates); 1.85 all but pm-modern and pm-probe (they need ≥ 1.88);
/// 1.63 only pm-basics, with a plain rustc invocation. Build failures and missing toolchains throw.
/// </remarks>
public static class FixtureCrates
{
    /// <summary>Unstable features the crates may use on nightly (pm-modern; proc-macro-error). Restricting
    /// them also keeps proc-macro2 1.0.47 off the removed <c>proc_macro_span_shrink</c> feature.</summary>
    public const string NightlyAllowedFeatures = "proc_macro_span,proc_macro_diagnostic";

    private static readonly ConcurrentDictionary<string, Lazy<FixtureDylibs>> s_builds = new();

    /// <summary>Builds (or finds up to date) the fixture dylibs of <paramref name="toolchain"/>.</summary>
    public static FixtureDylibs Build(Toolchain toolchain)
    {
        ArgumentNullException.ThrowIfNull(toolchain);
        return s_builds.GetOrAdd(
            toolchain.Name,
            _ => new Lazy<FixtureDylibs>(() => BuildNow(toolchain), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>Same as <see cref="Build(Toolchain)"/> with a toolchain name (<c>stable</c>, <c>1.63</c>, ...).</summary>
    public static FixtureDylibs Build(string toolchainName) => Build(Toolchains.Get(toolchainName));

    /// <summary>artifacts/fixtures/&lt;toolchain&gt;/.</summary>
    public static string TargetDirectory(Toolchain toolchain) =>
        Path.Combine(RepositoryLayout.FixtureArtifacts, toolchain.Name);

    /// <summary>The workspace packages built with <paramref name="toolchain"/>.</summary>
    public static IReadOnlyList<string> Packages(Toolchain toolchain) => toolchain.Name switch
    {
        "1.63" => ["pm-basics"],
        "1.85" => ["pm-basics", "pm-hostile", "demo-macros", "real-macros"],
        _ => ["pm-basics", "pm-modern", "pm-hostile", "pm-probe", "demo-macros", "real-macros"],
    };

    private static FixtureDylibs BuildNow(Toolchain toolchain)
    {
        var targetDirectory = TargetDirectory(toolchain);
        Directory.CreateDirectory(targetDirectory);
        var dylibs = toolchain.Name == "1.63"
            ? BuildWithRustc(toolchain, targetDirectory)
            : BuildWithCargo(toolchain, targetDirectory);
        return new FixtureDylibs(toolchain, targetDirectory, dylibs);
    }

    private static Dictionary<string, string> BuildWithCargo(Toolchain toolchain, string targetDirectory)
    {
        List<string> arguments =
        [
            .. toolchain.CargoToolchainArguments,
            "build", "--release", "--offline",
            "--manifest-path", Path.Combine(RepositoryLayout.FixturesWorkspace, "Cargo.toml"),
            "--target-dir", targetDirectory,
            "--message-format=json-render-diagnostics",
        ];
        foreach (var package in Packages(toolchain))
        {
            arguments.AddRange(["-p", package]);
        }

        var environment = new Dictionary<string, string?>();
        if (toolchain == Toolchains.Nightly)
        {
            environment["RUSTFLAGS"] = "-Zallow-features=" + NightlyAllowedFeatures;
        }

        // The working directory matters: cargo reads fixtures/.cargo/config.toml (offline source replacement) from it.
        var result = ProcessRunner.Run(toolchain.CargoPath, arguments, RepositoryLayout.FixturesWorkspace, environment);
        if (!result.Succeeded)
        {
            throw new FixtureBuildException(
                $"Building the fixture crates with {toolchain.Name} failed (exit code {result.ExitCode}).\n"
                + $"Command (in {RepositoryLayout.FixturesWorkspace}): {result.CommandLine}\n{result.StandardErrorTail()}");
        }

        var dylibs = ParseProcMacroArtifacts(result.StandardOutput);
        var expected = Packages(toolchain).Where(p => p != "real-macros").Select(FixtureDylibs.Normalize);
        if (Packages(toolchain).Contains("real-macros"))
        {
            expected = expected.Concat(FixtureDylibs.RealMacroCrates);
        }

        var missing = expected.Where(name => !dylibs.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new FixtureBuildException(
                $"cargo reported no proc-macro artifact for {string.Join(", ", missing)} ({result.CommandLine}).");
        }

        return dylibs;
    }

    /// <summary>Library name → dylib path, from cargo's <c>compiler-artifact</c> messages of proc-macro targets.</summary>
    internal static Dictionary<string, string> ParseProcMacroArtifacts(string cargoJsonLines)
    {
        var dylibs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in cargoJsonLines.Split('\n'))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var message = JsonDocument.Parse(line);
            var root = message.RootElement;
            if (root.GetProperty("reason").GetString() != "compiler-artifact"
                || !root.GetProperty("target").GetProperty("kind").EnumerateArray().Any(k => k.GetString() == "proc-macro"))
            {
                continue;
            }

            var name = root.GetProperty("target").GetProperty("name").GetString()!;
            var dylib = root.GetProperty("filenames").EnumerateArray()
                .Select(f => f.GetString()!)
                .FirstOrDefault(f => f.EndsWith(".so", StringComparison.Ordinal));
            if (dylib is not null)
            {
                dylibs[FixtureDylibs.Normalize(name)] = dylib;
            }
        }

        return dylibs;
    }

    /// <summary>
    /// 1.63 builds pm-basics only, with one rustc call (what cargo would run; no cargo 0.66 involved).
    /// Skipped when a stamp (rustc version, flags, source hash) says the output is current; the
    /// output is written under a temporary name and renamed, so parallel test processes are safe.
    /// </summary>
    private static Dictionary<string, string> BuildWithRustc(Toolchain toolchain, string targetDirectory)
    {
        var source = Path.Combine(RepositoryLayout.FixturesWorkspace, "pm-basics", "src", "lib.rs");
        var output = Path.Combine(targetDirectory, "libpm_basics.so");
        var stampPath = output + ".stamp";
        string[] flags = ["--crate-name", "pm_basics", "--crate-type", "proc-macro", "--edition", "2018", "-C", "prefer-dynamic", "-O"];
        var stamp = string.Join('\n', toolchain.RustcVersion, string.Join(' ', flags), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(source))));

        if (File.Exists(output) && File.Exists(stampPath) && File.ReadAllText(stampPath, Encoding.UTF8) == stamp)
        {
            return new() { ["pm_basics"] = output };
        }

        var scratch = Path.Combine(targetDirectory, $".build-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var temporary = Path.Combine(scratch, "libpm_basics.so");
            var result = ProcessRunner.Run(toolchain.RustcPath, [.. flags, source, "-o", temporary], scratch);
            if (!result.Succeeded)
            {
                throw new FixtureBuildException(
                    $"Building pm-basics with rustc {toolchain.Name} failed (exit code {result.ExitCode}).\n"
                    + $"Command: {result.CommandLine}\n{result.StandardErrorTail()}");
            }

            File.Move(temporary, output, overwrite: true);
            var stampTemporary = Path.Combine(scratch, "stamp");
            File.WriteAllText(stampTemporary, stamp, Encoding.UTF8);
            File.Move(stampTemporary, stampPath, overwrite: true);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return new() { ["pm_basics"] = output };
    }
}
