using System.Globalization;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>Command-line options of the session benchmark.</summary>
internal sealed class Options
{
    public const string Usage = """
        usage: ProcMacroSrv.Bench.Sessions --server PATH [options]

          --server PATH        our published server (the NativeAOT build: DIR/proc-macro-srv)
          --reference PATH     the reference server (default: rustup stable's
                               <sysroot>/libexec/rust-analyzer-proc-macro-srv)
          --quick              fewer rounds and spawns (about 1 minute instead of 3)
          --only TEXT          run only the cases whose name contains TEXT, or exactly the case
                               named with its size (`clap.Parser n=100`); repeatable; cold start
                               and the mixed session run only when named (cold, mixed)
          --sizes LIST         input sizes, default 10,100,1000
          --rounds N           fixed number of measured rounds per case (default: adaptive)
          --with-in-process    also measure our server with PROC_MACRO_SRV_IN_PROCESS=1
          --ours-env K=V       set an environment variable for our server (repeatable), e.g.
                               DOTNET_GCgen0size=0x4000000 to try a GC setting
          --variant NAME[@PATH]:K=V[,K=V]  also measure our server (or the build at PATH) under
                               NAME with these variables, in the same alternating rounds
                               (repeatable; for trying settings or comparing two builds;
                               PATH must not contain `:`)
          --ours-only          measure only our server (for profiling; no comparison, no report)
          --breakdown          in-process phase breakdown of each case (JIT build of the libraries)
          --report FILE        the Markdown file to update (default: BENCHMARKS.md at the repo root)
          --no-report          do not touch the Markdown file
          --json FILE          raw results (default: artifacts/bench/sessions.json)
        """;

    public string? Server { get; private set; }
    public string? Reference { get; private set; }
    public bool Quick { get; private set; }
    public List<string> Only { get; } = [];
    public int[] Sizes { get; private set; } = [10, 100, 1000];
    public int? Rounds { get; private set; }
    public bool WithInProcess { get; private set; }
    public Dictionary<string, string> OursEnvironment { get; } = new(StringComparer.Ordinal);
    public List<(string Name, string? Path, Dictionary<string, string> Environment)> Variants { get; } = [];
    public bool OursOnly { get; private set; }
    public bool Breakdown { get; private set; }
    public string? Report { get; private set; }
    public bool NoReport { get; private set; }
    public string? Json { get; private set; }

    /// <summary>Seconds of measuring per size case (both servers together), which sets the adaptive round count.</summary>
    public double CaseBudgetSeconds => Quick ? 1.2 : 8;
    public int MinRounds => Quick ? 3 : 7;
    public double MaxCaseSeconds => Quick ? 6 : 45;
    public int MaxRounds => Quick ? 15 : 150;
    public int ColdStartSpawns => Quick ? 7 : 31;
    public int MixedRounds => Quick ? 1 : 5;
    public int MixedExpansions => 300;

    /// <summary>Whether <c>--only</c> selects the case: a full name with its size (<c>clap.Parser n=100</c>) selects exactly that case, other text any case containing it.</summary>
    public bool Selected(string caseName) => Only.Count == 0 || Only.Any(o => o.Contains('=')
        ? caseName.Equals(o, StringComparison.OrdinalIgnoreCase)
        : caseName.Contains(o, StringComparison.OrdinalIgnoreCase));

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server": o.Server = Path.GetFullPath(Value()); break;
                case "--reference": o.Reference = Path.GetFullPath(Value()); break;
                case "--quick": o.Quick = true; break;
                case "--only": o.Only.Add(Value()); break;
                case "--sizes": o.Sizes = Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--rounds": o.Rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--with-in-process": o.WithInProcess = true; break;
                case "--variant":
                {
                    var spec = Value();
                    var colon = spec.IndexOf(':');
                    if (colon <= 0) throw new ArgumentException($"--variant wants NAME[@PATH]:K=V[,K=V], not `{spec}`");
                    var env = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var kv in spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var at = kv.IndexOf('=');
                        if (at <= 0) throw new ArgumentException($"--variant wants NAME[@PATH]:K=V[,K=V], not `{spec}`");
                        env[kv[..at]] = kv[(at + 1)..];
                    }
                    var name = spec[..colon];
                    var at2 = name.IndexOf('@');
                    o.Variants.Add(at2 < 0 ? (name, null, env) : (name[..at2], Path.GetFullPath(name[(at2 + 1)..]), env));
                    break;
                }
                case "--ours-env":
                    var pair = Value();
                    var eq = pair.IndexOf('=');
                    if (eq <= 0) throw new ArgumentException($"--ours-env wants KEY=VALUE, not `{pair}`");
                    o.OursEnvironment[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "--ours-only": o.OursOnly = true; o.NoReport = true; break;
                case "--breakdown": o.Breakdown = true; break;
                case "--report": o.Report = Path.GetFullPath(Value()); break;
                case "--no-report": o.NoReport = true; break;
                case "--json": o.Json = Path.GetFullPath(Value()); break;
                case "-h" or "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"unknown argument `{args[i]}`\n\n{Usage}");
            }
        }
        if (o.Server is null && !o.Breakdown) throw new ArgumentException("--server is required\n\n" + Usage);
        return o;
    }
}
