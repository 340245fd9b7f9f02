namespace ProcMacroSrv.Bench.Sessions;

/// <summary>One server's measurements in one case.</summary>
internal sealed class ContenderStats
{
    public required string Name { get; init; }
    public List<double> Samples { get; } = [];
    public double Median => Stats.Median(Samples);
    public double P90 => Stats.P90(Samples);

    /// <summary>Mean CPU time (user + system, all processes) per measured request, in ms (10 ms tick resolution over all rounds).</summary>
    public double CpuMsPerRequest { get; set; }

    /// <summary>Peak RSS (VmHWM) of the server and its worker, summed, in KiB.</summary>
    public long PeakRssKiB { get; set; }

    /// <summary>VmHWM of the server process alone (our supervisor), in KiB.</summary>
    public long ServerRssKiB { get; set; }

    /// <summary>How many processes the RSS counts.</summary>
    public int Processes { get; set; }
}

/// <summary>One size case: one macro, one input size, the same request to every server.</summary>
internal sealed class CaseResult
{
    public required string Name { get; init; }
    public required string Shape { get; init; }
    public required string Unit { get; init; }
    public required int Size { get; init; }
    public required int Tokens { get; init; }
    public required int RequestBytes { get; init; }
    public int ResponseBytes { get; set; }
    public int Rounds { get; set; }

    /// <summary>The macro's bridge calls for this request (one in-process expansion), when counted.</summary>
    public int? BridgeCalls { get; set; }

    public Dictionary<string, ContenderStats> By { get; } = new(StringComparer.Ordinal);
    public Verdict? Verdict { get; set; }

    public double? Ratio(string ours = "ours") =>
        By.TryGetValue(ours, out var o) && By.TryGetValue("reference", out var r) ? o.Median / r.Median : null;
}

/// <summary>Cold start of one server: spawn to the first answers, one sample per spawn.</summary>
internal sealed class ColdStartStats
{
    public required string Name { get; init; }
    public required string Dylib { get; init; }

    /// <summary>Spawn → ApiVersionCheck answered (ms).</summary>
    public List<double> FirstAnswer { get; } = [];

    /// <summary>Spawn → ApiVersionCheck, SetConfig and ListMacros answered (ms).</summary>
    public List<double> ListAnswered { get; } = [];

    public List<long> PeakRssKiB { get; } = [];
}

/// <summary>One server in the mixed session.</summary>
internal sealed class MixedStats
{
    public required string Name { get; init; }

    /// <summary>Latency of every ExpandMacro request of every round (ms).</summary>
    public List<double> Expansions { get; } = [];

    /// <summary>Spawn → last answer, per round (ms).</summary>
    public List<double> SessionTotals { get; } = [];

    /// <summary>Sum of the ExpandMacro latencies, per round (ms).</summary>
    public List<double> ExpansionTotals { get; } = [];

    /// <summary>Handshake + ListMacros of every dylib, per round (ms).</summary>
    public List<double> ListTotals { get; } = [];

    public long PeakRssKiB { get; set; }
    public long ServerRssKiB { get; set; }
    public int Processes { get; set; }
}

/// <summary>The mixed session: what it held and how each server did.</summary>
internal sealed class MixedResult
{
    public int Dylibs { get; set; }
    public int Expansions { get; set; }
    public long RequestBytes { get; set; }
    public int Rounds { get; set; }
    public Dictionary<string, MixedStats> By { get; } = new(StringComparer.Ordinal);
    public int Identical { get; set; }
    public int SpansDiffer { get; set; }
    public int KnownDivergence { get; set; }
    public List<string> Different { get; } = [];
    public int BothFailed { get; set; }
    public Dictionary<string, int> ByShape { get; } = new(StringComparer.Ordinal);
}

/// <summary>Everything one run measured.</summary>
internal sealed class RunResult
{
    public List<CaseResult> Cases { get; } = [];
    public List<ColdStartStats> ColdStarts { get; } = [];
    public MixedResult? Mixed { get; set; }
    public required MachineInfo Machine { get; init; }
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public double WallSeconds { get; set; }
    public bool Quick { get; init; }
}
