using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ProcMacroSrv.TokenModel.Tests.Oracle;

/// <summary>What rustc's proc-macro server did with one input.</summary>
public sealed record OracleRecord(string? Tokens, string? Printed, string? Error, string? Panic, IReadOnlyList<string> CompilerErrors);

/// <summary>
/// Asks the installed rustc (the project's reference, 1.95) through a probe proc macro that
/// the tests build once per run. Each query compiles a one-line consumer crate; queries run
/// in parallel and are cached for the run.
/// </summary>
public static class RustcOracle
{
    // One probe build per edition: rustc lexes `from_str` text in the edition of the macro's
    // own crate (the expansion's span carries it), not in the edition of the calling crate.
    private static readonly ConcurrentDictionary<string, Lazy<string>> OracleLibraries = new();
    private static readonly ConcurrentDictionary<(string Mode, string Input, string Edition), OracleRecord> Cache = new();

    private static string WorkDirectory => Path.Combine(AppContext.BaseDirectory, "oracle-build");

    /// <summary>The rustc to use: $RUSTC, else rustc on PATH, else ~/.cargo/bin/rustc.</summary>
    public static string Rustc
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("RUSTC");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                var candidate = Path.Combine(dir, "rustc");
                if (File.Exists(candidate)) return candidate;
            }
            var home = Environment.GetEnvironmentVariable("HOME") ?? "";
            return Path.Combine(home, ".cargo", "bin", "rustc");
        }
    }

    private static string BuildOracle(string edition)
    {
        Directory.CreateDirectory(WorkDirectory);
        var output = Path.Combine(WorkDirectory, "liboracle" + edition + ".so");
        var source = Path.Combine(AppContext.BaseDirectory, "Oracle", "oracle.rs");
        var (code, _, stderr) = Run(Rustc, ["--edition", edition, "--crate-type", "proc-macro", "-C", "prefer-dynamic",
            "--crate-name", "oracle", source, "-o", output], null);
        if (code != 0) throw new InvalidOperationException("building the oracle proc macro failed:\n" + stderr);
        return output;
    }

    /// <summary>The rustc version string, for messages.</summary>
    public static string Version => Run(Rustc, ["--version"], null).Stdout.Trim();

    /// <summary>Queries all inputs (in parallel) and returns their records in order; <paramref name="edition"/> is the probe crate's.</summary>
    public static IReadOnlyList<OracleRecord> QueryMany(string mode, IReadOnlyList<string> inputs, string edition = "2021")
    {
        var results = new OracleRecord[inputs.Count];
        Parallel.For(0, inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) },
            i => results[i] = Query(mode, inputs[i], edition));
        return results;
    }

    /// <summary>Queries one input.</summary>
    public static OracleRecord Query(string mode, string input, string edition = "2021") =>
        Cache.GetOrAdd((mode, input, edition), key => QueryUncached(key.Mode, key.Input, key.Edition));

    private static OracleRecord QueryUncached(string mode, string input, string edition)
    {
        var library = OracleLibraries.GetOrAdd(edition, e => new Lazy<string>(() => BuildOracle(e))).Value;
        var dir = Path.Combine(WorkDirectory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var consumer = Path.Combine(dir, "consumer.rs");
            var outFile = Path.Combine(dir, "out.jsonl");
            File.WriteAllText(consumer, "extern crate oracle;\noracle::probe!(" + RustString(mode) + ", " + RustString(input) + ");\n");
            var (_, _, stderr) = Run(Rustc, ["--edition", "2021", "--crate-type", "lib", "--emit=metadata", "--crate-name", "consumer",
                consumer, "--extern", "oracle=" + library, "-o", Path.Combine(dir, "libconsumer.rmeta")],
                new Dictionary<string, string> { ["ORACLE_OUT"] = outFile });
            var errors = stderr.Split('\n')
                .Where(l => l.StartsWith("error", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..])
                .Where(m => !m.StartsWith("aborting due to", StringComparison.Ordinal) && m != "proc macro panicked"
                    && !m.StartsWith("the compiler unexpectedly panicked", StringComparison.Ordinal))
                .ToList();
            if (!File.Exists(outFile)) throw new InvalidOperationException("the probe wrote nothing; rustc said:\n" + stderr);
            using var json = JsonDocument.Parse(File.ReadAllLines(outFile)[0]);
            string? Get(string name) => json.RootElement.TryGetProperty(name, out var v) ? v.GetString() : null;
            return new OracleRecord(Get("tokens"), Get("printed"), Get("error"), Get("panic"), errors);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static string RustString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            if (v is < 0x20 or > 0x7E or '"' or '\\') sb.Append("\\u{").Append(v.ToString("x", CultureInfo.InvariantCulture)).Append('}');
            else sb.Append((char)v);
        }
        return sb.Append('"').ToString();
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Our trees in the probe's dump format, so that the two can be compared as strings.</summary>
public static class OracleFormat
{
    /// <summary>
    /// The stream as a macro sees it after rebuilding every group with <c>Group::new</c> (what
    /// the probe's <c>rebuild</c> does): every tree in its bridge form, all the way down.
    /// </summary>
    public static TokenStream Bridged(TokenStream stream) => TokenStream.Of(stream.AsSpan().ToArray().Select(tree => tree switch
    {
        Group g => new Group(g.Delimiter, Bridged(g.Stream), g.Spans),
        _ => tree.ToBridgeTree(),
    }));

    public static string Dump(TokenStream stream)
    {
        var sb = new StringBuilder();
        Dump(stream, sb);
        return sb.ToString();
    }

    private static void Dump(TokenStream stream, StringBuilder sb)
    {
        foreach (var tree in stream)
        {
            if (sb.Length > 0 && sb[^1] != '(') sb.Append(' ');
            switch (tree)
            {
                case Group g:
                    sb.Append('G').Append(g.Delimiter switch { Delimiter.Parenthesis => 'P', Delimiter.Brace => 'B', Delimiter.Bracket => 'K', _ => 'N' }).Append('(');
                    Dump(g.Stream, sb);
                    sb.Append(')');
                    break;
                case Ident i:
                    sb.Append("I:").Append(i.IsRaw ? "r#" : "").Append(i.Name.Text);
                    break;
                case Punct p:
                    sb.Append("P:").Append(p.Char).Append(p.Spacing == Spacing.Joint ? 'J' : 'A');
                    break;
                case Literal l:
                    var symbol = l.Symbol.Text;
                    if (l.Kind is LiteralKind.Integer or LiteralKind.Float && symbol.StartsWith('-'))
                    {
                        // The bridge hands a negative number back as `-` and the number.
                        sb.Append("P:-A ");
                        symbol = symbol[1..];
                    }
                    sb.Append("L:kind: ").Append(KindName(l)).Append(", symbol: \"").Append(Literals.LiteralEscapes.StringSymbol(symbol))
                        .Append("\", suffix: ").Append(l.Suffix is { } s ? "Some(\"" + Literals.LiteralEscapes.StringSymbol(s.Text) + "\")" : "None");
                    break;
            }
        }
    }

    private static string KindName(Literal l) => l.Kind switch
    {
        LiteralKind.StrRaw => $"StrRaw({l.Hashes})",
        LiteralKind.ByteStrRaw => $"ByteStrRaw({l.Hashes})",
        LiteralKind.CStrRaw => $"CStrRaw({l.Hashes})",
        LiteralKind.Err => "ErrWithGuar",
        var k => k.ToString(),
    };
}
