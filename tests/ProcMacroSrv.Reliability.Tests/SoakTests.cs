using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Reliability.Tests.Support;
using Xunit.Abstractions;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>The soak runs alone, so that its timing and memory readings are its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "Soak";
}

/// <summary>
/// Thousands of real expansions through one server with isolation on: no handle is left alive
/// after any of them (the server's PROC_MACRO_SRV_CHECK_HANDLES diagnostic fails an expansion
/// that leaves one), the worker is never restarted, and its resident memory does not grow.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const string Area = "Nothing leaks";

    /// <summary>PROC_MACRO_SRV_SOAK_EXPANSIONS overrides the number of expansions (default 10,000).</summary>
    private static int Expansions =>
        int.TryParse(Environment.GetEnvironmentVariable("PROC_MACRO_SRV_SOAK_EXPANSIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 100 ? n : 10_000;

    /// <summary>Memory is compared after the first and the last this many expansions.</summary>
    private static int Window => Math.Min(1000, Expansions / 10);
    private const int MaxFields = 24;

    private sealed record Job(string Kind, string Lib, string Macro, string Source, byte[] Line, string Expect);

    /// <summary>The k-th expansion: serde Serialize, serde Deserialize, thiserror, clap in turn; sizes grow from 1 to 24 and start over.</summary>
    private static Job[,] Jobs()
    {
        var serde = Dylibs.Stable.RealMacro("serde_derive");
        var thiserror = Dylibs.Stable.RealMacro("thiserror_impl");
        var clap = Dylibs.Stable.RealMacro("clap_derive");
        var jobs = new Job[4, MaxFields];
        for (var size = 1; size <= MaxFields; size++)
        {
            var name = $"Soak{size}";
            jobs[0, size - 1] = Make("serde Serialize", serde, "Serialize", Requests.Struct(name, size), $"Serialize for {name}");
            jobs[1, size - 1] = Make("serde Deserialize", serde, "Deserialize", Requests.Struct(name, size), "Deserialize < 'de > for " + name);
            jobs[2, size - 1] = Make("thiserror Error", thiserror, "Error", ErrorEnum(name, size), $"Error for {name}");
            jobs[3, size - 1] = Make("clap Parser", clap, "Parser", CliStruct(name, size), $"Parser for {name}");
        }
        return jobs;
    }

    private static Job Make(string kind, string lib, string macro, string source, string expect) =>
        new(kind, lib, macro, source, Requests.Line(Requests.Expand(lib, macro, source, SpanMode.RustAnalyzer)), expect);

    private static string ErrorEnum(string name, int variants)
    {
        var text = new StringBuilder($"pub enum {name} {{\n");
        for (var i = 0; i < variants; i++)
        {
            text.Append((i % 3, i) switch
            {
                (_, 2) => "    #[error(transparent)]\n    V2(#[from] std::io::Error),\n",
                (0, _) => $"    #[error(\"variant {i} failed: {{0}}\")]\n    V{i}(String),\n",
                (1, _) => $"    #[error(\"code {{code}} in {i}\")]\n    V{i} {{ code: u32, detail: Option<String> }},\n",
                _ => $"    #[error(\"unit {i}\")]\n    V{i},\n",
            });
        }
        return text.Append('}').ToString();
    }

    private static string CliStruct(string name, int args)
    {
        var text = new StringBuilder($"#[command(name = \"soak\", version, about = \"A soak test\")]\npub struct {name} {{\n");
        for (var i = 0; i < args; i++)
        {
            text.Append((i % 4) switch
            {
                0 => $"    #[arg(short, long)]\n    verbose_{i}: bool,\n",
                1 => $"    #[arg(long, default_value_t = {i})]\n    count_{i}: u32,\n",
                2 => $"    /// The name number {i}.\n    name_{i}: Option<String>,\n",
                _ => $"    #[arg(long, value_name = \"FILE\")]\n    path_{i}: Vec<std::path::PathBuf>,\n",
            });
        }
        return text.Append('}').ToString();
    }

    [Fact]
    public async Task Ten_thousand_real_expansions_leak_no_handles_and_no_memory()
    {
        var jobs = Jobs();
        await using var server = TestServer.Start(new ServerSettings { CheckHandles = true });
        await server.HandshakeAsync(SpanMode.RustAnalyzer);
        var worker = server.WorkerProcessId();
        var okPrefix = "{\"ExpandMacroExtended\":{\"Ok\":"u8.ToArray();
        var perKind = new Dictionary<string, (int Count, TimeSpan Time)>();
        long rssAfterFirst = 0, rssAfterLast = 0, serverRssAfterFirst = 0, serverRssAfterLast = 0;
        var total = Stopwatch.StartNew();
        var count = Expansions;
        var samples = new List<(int After, long Worker, long Server)>();

        for (var i = 0; i < count; i++)
        {
            var job = jobs[i % 4, (i / 4) % MaxFields];
            var started = Stopwatch.GetTimestamp();
            var line = await server.Process.SendRawAsync(job.Line);
            var elapsed = Stopwatch.GetElapsedTime(started);
            perKind[job.Kind] = perKind.TryGetValue(job.Kind, out var sofar) ? (sofar.Count + 1, sofar.Time + elapsed) : (1, elapsed);

            if (!line.AsSpan().StartsWith(okPrefix) || i % 250 == 0)
            {
                // Every failure, and a sample of successes, is decoded and checked in full.
                var answer = Answer.Of(Protocol.Json.JsonLegacyReader.ReadResponse(line));
                Assert.True(answer.IsOk, $"expansion {i} ({job.Kind}, {job.Source.Length} chars of input) failed: {answer.Error}\nstderr:\n{TestServer.Tail(server.StandardError)}");
                Assert.Contains(job.Expect, answer.Text!.Replace("\n", " ").Replace("  ", " "));
            }
            if ((i + 1) % Window == 0)
            {
                samples.Add((i + 1, ProcessTable.ResidentBytes(worker) ?? throw new InvalidOperationException("the worker is gone"), ProcessTable.ResidentBytes(server.ProcessId) ?? 0));
            }
            if (i + 1 == Window)
            {
                rssAfterFirst = samples[^1].Worker;
                serverRssAfterFirst = samples[^1].Server;
            }
        }
        rssAfterLast = ProcessTable.ResidentBytes(worker) ?? throw new InvalidOperationException("the worker is gone");
        serverRssAfterLast = ProcessTable.ResidentBytes(server.ProcessId) ?? 0;
        total.Stop();

        Assert.Equal(worker, server.WorkerProcessId());
        var growth = (double)(rssAfterLast - rssAfterFirst) / rssAfterFirst;
        var memory = string.Create(CultureInfo.InvariantCulture,
            $"worker RSS {rssAfterFirst >> 20} MiB after {Window:N0}, {rssAfterLast >> 20} MiB after {count:N0} ({growth:+0.0%;-0.0%}); supervisor RSS {serverRssAfterFirst >> 20} → {serverRssAfterLast >> 20} MiB");
        var timing = string.Create(CultureInfo.InvariantCulture, $"{total.Elapsed.TotalSeconds:0.0} s in all, {total.Elapsed.TotalMilliseconds / count:0.00} ms per expansion; ")
            + string.Join(", ", perKind.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.Time.TotalMilliseconds / p.Value.Count:0.00} ms")));
        var summary = $"{memory}; {timing}";
        output.WriteLine(summary);
        output.WriteLine("RSS (MiB) after n expansions, worker / server: " + string.Join(", ", samples.Select(x => $"{x.After}: {x.Worker >> 20}/{x.Server >> 20}")));
        ReliabilityLog.Record(Area, $"{count:N0} expansions of serde Serialize/Deserialize, thiserror and clap derives on items of 1 to {MaxFields} fields, with PROC_MACRO_SRV_CHECK_HANDLES=1",
            $"all Ok, no handle left alive, one worker throughout; {memory}", keptServing: true, times: count);
        ReliabilityLog.Record(Area, "time per expansion in that soak (round trip through supervisor and worker)", timing, keptServing: true, times: count);
        // The collector sizes its heap as it goes, which moves a worker of about 25 MiB by a few
        // MiB either way: a leak has to exceed both 10 % and 4 MiB (about 450 bytes per expansion
        // over the 9,000 expansions compared) to be told from that.
        var grownBytes = rssAfterLast - rssAfterFirst;
        Assert.True(growth <= 0.10 || grownBytes <= 4L << 20, $"the worker's RSS went from {rssAfterFirst >> 20} MiB to {rssAfterLast >> 20} MiB ({growth:P1}); {summary}");
    }

    [Fact]
    public async Task The_handle_check_reports_a_macro_that_leaks_a_handle()
    {
        // The positive control of the soak: without it, "no handle left alive" could mean "not checked".
        await using var checking = TestServer.Start(new ServerSettings { CheckHandles = true });
        await checking.HandshakeAsync(SpanMode.RustAnalyzer);
        var leak = await checking.ExpandAsync(Dylibs.Stable.PmHostile, "leak_handle", "a b c");
        Assert.Equal("proc macro `leak_handle` left 1 token handle(s) alive after its expansion (PROC_MACRO_SRV_CHECK_HANDLES)", leak.Error);
        await checking.AssertServingAsync("a leaked handle");
        ReliabilityLog.Record(Area, "a macro that leaks a handle (`mem::forget` of a clone), with PROC_MACRO_SRV_CHECK_HANDLES=1", leak, keptServing: true);

        await using var plain = TestServer.Start();
        await plain.HandshakeAsync(SpanMode.RustAnalyzer);
        var expanded = await plain.ExpandAsync(Dylibs.Stable.PmHostile, "leak_handle", "a b c");
        Assert.True(expanded.IsOk, expanded.Error);
        Assert.Equal("a b c", expanded.Text);
    }
}
