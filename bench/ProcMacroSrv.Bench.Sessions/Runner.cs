using System.Diagnostics;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>Runs the cold-start, size and mixed-session measurements.</summary>
internal sealed class Runner
{
    private readonly Options _options;
    private readonly FixtureDylibs _dylibs;
    private readonly string _sysroot;
    private readonly IReadOnlyList<Contender> _contenders;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _env;
    private readonly string _currentDir;
    // For counting a case's bridge calls in this process, after its servers have finished.
    private readonly ProcMacroLibraryCache _libraries = new();

    public Runner(Options options, FixtureDylibs dylibs, string sysroot, IReadOnlyList<Contender> contenders)
    {
        _options = options;
        _dylibs = dylibs;
        _sysroot = sysroot;
        _contenders = contenders;
        _currentDir = Path.Combine(RepositoryLayout.FixturesWorkspace, "real-macros");
        _env = RequestFactory.CargoEnvironment(_currentDir, "bench-app");
    }

    private bool Comparing => _contenders.Any(c => c.IsReference) && _contenders.Any(c => c.Name == "ours");

    // ---------------------------------------------------------------------------------------
    // Cold start

    /// <summary>
    /// Spawns each server <see cref="Options.ColdStartSpawns"/> times, alternating, and times spawn →
    /// ApiVersionCheck answered and spawn → ApiVersionCheck, SetConfig and ListMacros answered.
    /// </summary>
    public async Task<List<ColdStartStats>> ColdStartAsync(string crate)
    {
        var dylib = _dylibs.RealMacro(crate);
        var stats = _contenders.Select(c => new ColdStartStats { Name = c.Name, Dylib = crate }).ToList();
        for (var round = 0; round < _options.ColdStartSpawns + 1; round++)
        {
            for (var i = 0; i < _contenders.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await using var session = _contenders[i].Start(_sysroot);
                await session.Process.ApiVersionCheckAsync();
                var first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                await session.Process.SetConfigAsync(Protocol.SpanMode.RustAnalyzer);
                await session.ListAsync([dylib]);
                var listed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                // The first spawn of each only warms the page cache.
                if (round == 0) continue;
                stats[i].FirstAnswer.Add(first);
                stats[i].ListAnswered.Add(listed);
                stats[i].PeakRssKiB.Add(session.PeakRss().TotalKiB);
            }
        }
        foreach (var s in stats)
            Console.WriteLine($"  cold start {s.Name,-12} {crate,-14} first answer {Stats.Median(s.FirstAnswer),7:0.0} ms, ListMacros answered {Stats.Median(s.ListAnswered),7:0.0} ms");
        return stats;
    }

    // ---------------------------------------------------------------------------------------
    // Size cases

    public async Task<CaseResult> SizeCaseAsync(MacroShape shape, int size)
    {
        var invocation = shape.Make(size, 0);
        var lib = _dylibs.RealMacro(invocation.Crate);
        var request = RequestFactory.Build(lib, invocation, 1, _env, _currentDir);
        var result = new CaseResult
        {
            Name = $"{shape.Key} n={size}",
            Shape = shape.Key,
            Unit = shape.Unit,
            Size = size,
            Tokens = request.Tokens,
            RequestBytes = request.Json.Length,
        };

        var sessions = new List<Session>();
        try
        {
            foreach (var c in _contenders)
            {
                var s = c.Start(_sysroot);
                sessions.Add(s);
                await s.HandshakeAsync();
                await s.ListAsync([lib]);
                result.By[c.Name] = new ContenderStats { Name = c.Name };
            }

            // Warm-up: two requests each, alternating; the first answers are compared.
            var firstAnswers = new Dictionary<string, byte[]>();
            var warm = new Dictionary<string, double>();
            for (var w = 0; w < 2; w++)
            {
                foreach (var s in sessions)
                {
                    var (response, ms) = await s.TimeAsync(request.Json);
                    firstAnswers.TryAdd(s.Contender.Name, response);
                    warm[s.Contender.Name] = ms;
                }
            }
            result.ResponseBytes = firstAnswers.TryGetValue("ours", out var ourAnswer) ? ourAnswer.Length : firstAnswers.Values.First().Length;
            if (Comparing) result.Verdict = ResponseCheck.Compare(firstAnswers["ours"], firstAnswers["reference"]);

            var perRound = warm.Values.Sum() / 1000.0;
            // Adaptive: about CaseBudgetSeconds of measuring, at least MinRounds, but a case whose
            // rounds take seconds (derive_more's Display at n=1000) stops after about MaxCaseSeconds.
            var minRounds = Math.Max(3, Math.Min(_options.MinRounds, (int)Math.Ceiling(_options.MaxCaseSeconds / Math.Max(perRound, 1e-4))));
            result.Rounds = _options.Rounds ?? (int)Math.Clamp(_options.CaseBudgetSeconds / Math.Max(perRound, 1e-4), minRounds, _options.MaxRounds);
            var cpuBefore = sessions.Select(s => s.CpuMilliseconds()).ToArray();
            for (var round = 0; round < result.Rounds; round++)
            {
                foreach (var s in sessions)
                {
                    var (_, ms) = await s.TimeAsync(request.Json);
                    result.By[s.Contender.Name].Samples.Add(ms);
                }
            }
            for (var i = 0; i < sessions.Count; i++)
                result.By[sessions[i].Contender.Name].CpuMsPerRequest = (sessions[i].CpuMilliseconds() - cpuBefore[i]) / result.Rounds;
            foreach (var s in sessions)
            {
                // For profiles (scripts/bench-profile.sh): which process is which.
                Console.WriteLine($"  pids {s.Contender.Name}: server={s.Process.ProcessId} children={string.Join(",", Session.Descendants(s.Process.ProcessId))}");
                var (total, server, processes) = s.PeakRss();
                var stats = result.By[s.Contender.Name];
                stats.PeakRssKiB = total;
                stats.ServerRssKiB = server;
                stats.Processes = processes;
            }
        }
        finally
        {
            foreach (var s in sessions) await s.DisposeAsync();
        }

        try
        {
            result.BridgeCalls = Breakdown.BridgeCalls(_libraries, request.Json);
        }
        catch (Exception e)
        {
            // The measurements stand without it: the scaling table shows a dash.
            Console.WriteLine($"  {result.Name}: bridge calls not counted: {e.Message}");
        }
        var line = string.Join("  ", result.By.Values.Select(b => $"{b.Name} {b.Median,8:0.00} ms (p90 {b.P90:0.00}, cpu {b.CpuMsPerRequest:0.0}) {b.PeakRssKiB / 1024.0,6:0.0} MiB"));
        var ratio = result.Ratio() is { } r ? $"  ratio {r:0.00}" : "";
        Console.WriteLine($"  {result.Name,-28} {result.Tokens,6} tokens  {line}{ratio}  x{result.Rounds}  {result.BridgeCalls} bridge calls  {result.Verdict}");
        return result;
    }

    // ---------------------------------------------------------------------------------------
    // Mixed session

    /// <summary>
    /// An IDE opening a workspace: handshake, ListMacros for every dylib of the fixture build, then
    /// a few hundred expansions of every shape, mostly small, some large (fixed seed). Each round
    /// starts fresh processes, ours then the reference.
    /// </summary>
    public async Task<MixedResult> MixedSessionAsync()
    {
        var dylibs = _dylibs.All.Values.Order(StringComparer.Ordinal).ToList();
        var random = new Random(20_260_421);
        var requests = new List<(string Shape, byte[] Json)>();
        var result = new MixedResult { Dylibs = dylibs.Count, Expansions = _options.MixedExpansions, Rounds = _options.MixedRounds };
        for (var i = 0; i < _options.MixedExpansions; i++)
        {
            var shape = Inputs.Shapes[random.Next(Inputs.Shapes.Count)];
            var roll = random.NextDouble();
            var size = roll switch
            {
                < 0.55 => random.Next(1, 9),
                < 0.85 => random.Next(9, 41),
                < 0.97 => random.Next(41, 151),
                _ => random.Next(300, 601),
            };
            var invocation = shape.Make(size, i + 1);
            var built = RequestFactory.Build(_dylibs.RealMacro(invocation.Crate), invocation, i + 2, _env, _currentDir);
            requests.Add((shape.Key, built.Json));
            result.RequestBytes += built.Json.Length;
            result.ByShape[shape.Key] = result.ByShape.GetValueOrDefault(shape.Key) + 1;
        }
        foreach (var c in _contenders) result.By[c.Name] = new MixedStats { Name = c.Name };

        var answers = new Dictionary<string, byte[][]>();
        for (var round = 0; round < _options.MixedRounds; round++)
        {
            foreach (var c in _contenders)
            {
                var stats = result.By[c.Name];
                var keep = round == 0 ? new byte[requests.Count][] : null;
                var spawn = Stopwatch.GetTimestamp();
                await using var session = c.Start(_sysroot);
                await session.HandshakeAsync();
                await session.ListAsync(dylibs);
                stats.ListTotals.Add(Stopwatch.GetElapsedTime(spawn).TotalMilliseconds);
                var sum = 0.0;
                for (var i = 0; i < requests.Count; i++)
                {
                    var (response, ms) = await session.TimeAsync(requests[i].Json);
                    stats.Expansions.Add(ms);
                    sum += ms;
                    if (keep is not null) keep[i] = response;
                }
                stats.SessionTotals.Add(Stopwatch.GetElapsedTime(spawn).TotalMilliseconds);
                stats.ExpansionTotals.Add(sum);
                var (total, server, processes) = session.PeakRss();
                if (total > stats.PeakRssKiB)
                {
                    stats.PeakRssKiB = total;
                    stats.ServerRssKiB = server;
                    stats.Processes = processes;
                }
                if (keep is not null) answers[c.Name] = keep;
                Console.WriteLine($"  mixed round {round + 1} {c.Name,-12} session {stats.SessionTotals[^1],8:0} ms (lists {stats.ListTotals[^1]:0} ms, expansions {sum:0} ms), peak RSS {total / 1024.0:0.0} MiB in {processes} process(es)");
            }
        }

        if (Comparing)
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var verdict = ResponseCheck.Compare(answers["ours"][i], answers["reference"][i]);
                if (verdict.OursIsError && verdict.ReferenceIsError && verdict.Agreement == Agreement.Identical) result.BothFailed++;
                switch (verdict.Agreement)
                {
                    case Agreement.Identical: result.Identical++; break;
                    case Agreement.SpansDiffer: result.SpansDiffer++; break;
                    case Agreement.KnownDivergence: result.KnownDivergence++; break;
                    default: result.Different.Add($"#{i} {requests[i].Shape}: {verdict.Detail}"); break;
                }
            }
            Console.WriteLine($"  mixed answers: {result.Identical} identical, {result.SpansDiffer} same tokens with some spans different, {result.KnownDivergence} same tokens up to known divergences (punct spacing, to_string layout), {result.Different.Count} different");
        }
        return result;
    }
}
