using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Conformance.Tests.Sides;

/// <summary>
/// rustc's answers: the probe run by rustc itself. Each case becomes a module file of a consumer
/// crate, <c>pub const OUT: &amp;str = probe!(\n…\n);</c> (or <c>probe_str!("…")</c>), and the
/// crate is compiled to metadata; the probe appends each report to a file as it expands
/// (<c>PM_PROBE_OUT</c>), so inputs that make rustc report errors still give their report.
/// Cases are compiled in parallel batches. The reports are cached in
/// artifacts/conformance/&lt;toolchain&gt;/, keyed by the toolchain's version, the probe's
/// source and every case, so a rerun of the same corpus costs nothing and any change recomputes.
/// </summary>
public static class RustcSide
{
    /// <summary>
    /// Where the probe input starts relative to the call site: <c>probe!(\n</c> is 8 bytes and
    /// one line (see <c>PM_PROBE_INPUT_AT</c> in the probe).
    /// </summary>
    public const string InputAt = "8:1";

    /// <summary>Bump when the way cases are compiled changes, to invalidate cached reports.</summary>
    private const string Scheme = "conformance-1";

    private const int BatchSize = 400;

    /// <summary>
    /// The report of each case (by id), computed or read from the cache of <paramref name="suite"/>
    /// (a name for the set of cases: each suite keeps its own latest cache file).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Reports(Toolchain toolchain, string probeDylib, string suite, IReadOnlyList<ConformanceCase> cases)
    {
        var directory = Path.Combine(RepositoryLayout.Root, "artifacts", "conformance", toolchain.Name);
        Directory.CreateDirectory(directory);
        var prefix = $"rustc-{suite}-";
        var cacheFile = Path.Combine(directory, prefix + CacheKey(toolchain, cases) + ".json");
        if (File.Exists(cacheFile))
        {
            var cached = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(cacheFile, Encoding.UTF8));
            if (cached is not null && cases.All(c => cached.ContainsKey(c.Id))) return cached;
        }

        var work = Path.Combine(directory, $"work-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var batches = cases.Chunk(BatchSize).ToArray();
            var results = new Dictionary<string, string>[batches.Length];
            Parallel.For(0, batches.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) },
                i => results[i] = RunBatch(toolchain, probeDylib, Path.Combine(work, "batch" + i), batches[i]));
            var reports = results.SelectMany(r => r).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

            foreach (var old in Directory.GetFiles(directory, prefix + "*.json")) File.Delete(old);
            var temporary = Path.Combine(work, "reports.json");
            File.WriteAllText(temporary, JsonSerializer.Serialize(reports), new UTF8Encoding(false));
            File.Move(temporary, cacheFile, overwrite: true);
            return reports;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Compiles one batch. When rustc reports nothing at all for a batch of several cases (an
    /// input stopped the whole compilation before expansion), each half is compiled on its own,
    /// so that one such input costs only its own report.
    /// </summary>
    private static Dictionary<string, string> RunBatch(Toolchain toolchain, string probeDylib, string directory, ConformanceCase[] cases)
    {
        var reports = CompileBatch(toolchain, probeDylib, directory, cases, out var stderr);
        if (reports.Count == 0 && cases.Length > 1)
        {
            var half = cases.Length / 2;
            return RunBatch(toolchain, probeDylib, directory + "a", cases[..half])
                .Concat(RunBatch(toolchain, probeDylib, directory + "b", cases[half..]))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
        foreach (var c in cases)
        {
            // No report: rustc did not run the macro (the input did not lex as a macro call).
            if (!reports.ContainsKey(c.Id)) reports[c.Id] = "<rustc made no report>\n" + Tail(stderr);
        }
        return reports;
    }

    private static Dictionary<string, string> CompileBatch(Toolchain toolchain, string probeDylib, string directory, ConformanceCase[] cases, out string stderr)
    {
        Directory.CreateDirectory(directory);
        var lib = new StringBuilder("#[macro_use]\nextern crate pm_probe;\n");
        for (var i = 0; i < cases.Length; i++)
        {
            lib.Append("#[path = \"c").Append(i).Append(".rs\"]\npub mod c").Append(i).Append(";\n");
            var c = cases[i];
            var module = c.Mode == CaseMode.Tokens
                ? $"pub const OUT: &str = probe!(\n{c.MacroInput}\n);\n"
                : $"pub const OUT: &str = probe_str!({c.MacroInput});\n";
            File.WriteAllText(Path.Combine(directory, $"c{i}.rs"), module, new UTF8Encoding(false));
        }
        var libPath = Path.Combine(directory, "lib.rs");
        File.WriteAllText(libPath, lib.ToString(), new UTF8Encoding(false));
        var outPath = Path.Combine(directory, "reports.jsonl");

        stderr = Run(toolchain.RustcPath,
            ["--edition", "2021", "--crate-type", "lib", "--emit=metadata", "--crate-name", "conformance", libPath,
                "--extern", "pm_probe=" + probeDylib, "-o", Path.Combine(directory, "conformance.rmeta")],
            directory,
            new Dictionary<string, string> { ["PM_PROBE_OUT"] = outPath, ["PM_PROBE_INPUT_AT"] = InputAt });

        var reports = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(outPath))
        {
            foreach (var line in File.ReadLines(outPath, Encoding.UTF8))
            {
                using var json = JsonDocument.Parse(line);
                var file = Path.GetFileNameWithoutExtension(json.RootElement.GetProperty("file").GetString()!);
                if (file.StartsWith('c') && int.TryParse(file.AsSpan(1), out var index) && index < cases.Length)
                    reports[cases[index].Id] = json.RootElement.GetProperty("report").GetString()!;
            }
        }
        return reports;
    }

    private static string CacheKey(Toolchain toolchain, IReadOnlyList<ConformanceCase> cases)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(s));
            hash.AppendData([0]);
        }
        Add(Scheme);
        Add(InputAt);
        Add(toolchain.RustcVersion);
        var probe = Path.Combine(RepositoryLayout.FixturesWorkspace, "pm-probe");
        Add(File.ReadAllText(Path.Combine(probe, "src", "lib.rs")));
        Add(File.ReadAllText(Path.Combine(probe, "build.rs")));
        foreach (var c in cases)
        {
            Add(c.Id);
            Add(c.Mode.ToString());
            Add(c.Text);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..20];
    }

    private static string Tail(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        return string.Join('\n', lines.Length <= 20 ? lines : lines[^20..]);
    }

    private static string Run(string file, IEnumerable<string> arguments, string directory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish compiling a conformance batch in 10 minutes");
        }
        process.WaitForExit();
        _ = stdout.Result;
        return stderr.Result;
    }
}
