using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>
/// Where the time of one ExpandMacro request goes inside the server: the request is answered in
/// this process with the same library calls the server's in-process handler makes (JSON read →
/// decode → library lookup → expand → encode → JSON write), each phase timed with a Stopwatch.
/// Runs on the JIT build of the libraries (after warm-up), not the AOT server, so absolute
/// numbers differ a little; the split is what matters. What isolation adds (the request's way
/// through the supervisor, the reports) is not included.
/// </summary>
internal static class Breakdown
{
    private static readonly string[] Phases = ["json read", "decode", "lookup", "expand", "encode", "json write"];

    public static void Run(Options options, FixtureDylibs dylibs)
    {
        var currentDir = Path.Combine(RepositoryLayout.FixturesWorkspace, "real-macros");
        var env = RequestFactory.CargoEnvironment(currentDir, "bench-app");
        var cache = new ProcMacroLibraryCache();
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var buffers = new WireBuffers();
        var iterations = options.Rounds ?? (options.Quick ? 5 : 15);
        var report = new StringBuilder();
        report.AppendLine($"In-process phase breakdown, median ms of {iterations} runs after 3 warm-ups (JIT, .NET {Environment.Version}); allocated KiB is the mean per request, all phases, with the FlatTree arrays lent as the server lends them.");
        report.AppendLine();
        report.AppendLine("| case | request KiB | response KiB | bridge calls | " + string.Join(" | ", Phases) + " | total | expand share | allocated KiB |");
        report.AppendLine("|---|--:|--:|--:|" + string.Concat(Enumerable.Repeat("--:|", Phases.Length)) + "--:|--:|--:|");

        foreach (var shape in Inputs.Shapes)
        {
            foreach (var size in options.Sizes)
            {
                var name = $"{shape.Key} n={size}";
                if (!options.Selected(name)) continue;
                var invocation = shape.Make(size, 0);
                var request = RequestFactory.Build(dylibs.RealMacro(invocation.Crate), invocation, 1, env, currentDir);
                var samples = Phases.Select(_ => new List<double>()).ToArray();
                var allocated = 0L;
                var bridgeCalls = 0;
                for (var i = 0; i < iterations + 3; i++)
                {
                    var t = new long[Phases.Length + 1];
                    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                    var result = Expand(cache, request.Json, output, buffers, t);
                    if (i < 3) continue;
                    allocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                    for (var p = 0; p < Phases.Length; p++) samples[p].Add(Stopwatch.GetElapsedTime(t[p], t[p + 1]).TotalMilliseconds);
                    bridgeCalls = result.BridgeCalls;
                }
                var medians = samples.Select(Stats.Median).ToArray();
                var total = medians.Sum();
                var line = $"| {name} | {request.Json.Length / 1024.0:0.0} | {output.WrittenCount / 1024.0:0.0} | {bridgeCalls} | "
                           + string.Join(" | ", medians.Select(m => m.ToString("0.000", CultureInfo.InvariantCulture)))
                           + $" | {total:0.000} | {medians[3] / total:P0} | {allocated / 1024.0 / iterations:0} |";
                report.AppendLine(line);
                Console.WriteLine(line);
            }
        }

        // What inspecting a library costs on its own (the cache does it once per file and mtime).
        var serde = dylibs.RealMacro("serde_derive");
        var inspect = new List<double>();
        for (var i = 0; i < 23; i++)
        {
            var start = Stopwatch.GetTimestamp();
            DylibInspector.Inspect(serde);
            if (i >= 3) inspect.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        report.AppendLine();
        report.AppendLine($"DylibInspector.Inspect(serde_derive, {new FileInfo(serde).Length / 1024} KiB) alone: median {Stats.Median(inspect):0.000} ms.");

        var path = Path.Combine(RepositoryLayout.Root, "artifacts", "bench", "breakdown.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, report.ToString());
        Console.WriteLine();
        Console.WriteLine(report);
        Console.WriteLine($"written to {path}");
    }

    /// <summary>
    /// Answers one ExpandMacro request line in this process as the server's handler does, phase by
    /// phase (<paramref name="timestamps"/>: one before each phase and one after the last, when
    /// given); throws when the macro fails.
    /// </summary>
    public static ExpansionResult Expand(ProcMacroLibraryCache cache, byte[] json, ArrayBufferWriter<byte> output, WireBuffers buffers, long[]? timestamps = null)
    {
        void Mark(int phase)
        {
            if (timestamps is not null) timestamps[phase] = Stopwatch.GetTimestamp();
        }
        Mark(0);
        var parsed = (ExpandMacroRequest)JsonLegacyReader.ReadRequest(json, buffers);
        Mark(1);
        var input = ExpansionInput.Decode(parsed, SpanMode.RustAnalyzer);
        buffers.Reclaim();
        Mark(2);
        var library = cache.Get(parsed.Lib);
        Mark(3);
        var result = library.Expand(new ExpansionRequest(parsed.MacroName, input.Body, input.Spans())
        {
            Attributes = input.Attributes,
            Environment = parsed.Env,
            CurrentDirectory = parsed.CurrentDir,
        });
        Mark(4);
        var response = result.Output is { } tokens ? input.EncodeResult(tokens, buffers) : input.EncodeError(result.PanicMessage ?? "");
        Mark(5);
        output.ResetWrittenCount();
        JsonLegacyWriter.WriteResponse(output, response);
        buffers.Reclaim();
        Mark(6);
        if (result.Output is null) throw new InvalidOperationException($"{parsed.MacroName}: the macro failed: {result.PanicMessage}");
        return result;
    }

    /// <summary>How many bridge calls the macro makes to answer <paramref name="json"/> (one in-process expansion).</summary>
    public static int BridgeCalls(ProcMacroLibraryCache cache, byte[] json) =>
        Expand(cache, json, new ArrayBufferWriter<byte>(), new WireBuffers()).BridgeCalls;
}
