using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Runs in process by default (BenchmarkDotNet 0.14 does not know net10.0 as a separate-process
// target). `--short` uses the short-run job (3 warm-ups, 3 iterations), the default is the usual
// job. Other arguments go to BenchmarkDotNet (e.g. --filter '*Lexer*', --artifacts DIR).
var list = args.ToList();
if (list.Remove("--describe"))
{
    // What the corpus is, for BENCHMARKS.md.
    var source = ProcMacroSrv.Bench.Micro.Corpus.Source;
    var stream = ProcMacroSrv.Bench.Micro.Corpus.Lex(source);
    var leaves = ProcMacroSrv.Bench.Micro.Corpus.Leaves(stream).Count;
    var table = new ProcMacroSrv.Protocol.SpanDataTable();
    var tree = ProcMacroSrv.Protocol.FlatTree.FromTokenStream(stream, ProcMacroSrv.Bench.Micro.Corpus.CallSite, table);
    var response = ProcMacroSrv.Protocol.Json.JsonLegacyWriter.EncodeResponse(ProcMacroSrv.Protocol.ExpandMacroExtendedResponse.Ok(tree, table.ToWire()));
    Console.WriteLine($"corpus: {System.Text.Encoding.UTF8.GetByteCount(source)} bytes of Rust, {leaves} leaf tokens, {table.Count} spans; as a response: {response.Length} bytes of JSON");
    return;
}
var shortRun = list.Remove("--short");
var job = (shortRun ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. list], config);
