using System.Diagnostics;
using System.Text.Json;
using ProcMacroSrv.Bench.Sessions;
using ProcMacroSrv.Fixtures;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var clock = Stopwatch.StartNew();
Console.WriteLine("building the fixture crates with rustup stable (cargo's cache makes this fast after the first time)…");
var toolchain = Toolchains.Stable;
var dylibs = FixtureCrates.Build(toolchain);
var sysroot = toolchain.Sysroot;

if (options.Breakdown)
{
    Breakdown.Run(options, dylibs);
    return 0;
}

var contenders = new List<Contender> { new("ours", options.Server!, new Dictionary<string, string>(options.OursEnvironment)) };
string? referencePath = null;
if (!options.OursOnly)
{
    referencePath = options.Reference ?? toolchain.ReferenceServer;
    contenders.Add(new Contender("reference", referencePath, new Dictionary<string, string>()));
}
if (options.WithInProcess)
    contenders.Add(new Contender("ours-inproc", options.Server!, new Dictionary<string, string>(options.OursEnvironment) { ["PROC_MACRO_SRV_IN_PROCESS"] = "1" }));
foreach (var (name, path, env) in options.Variants)
    contenders.Add(new Contender(name, path ?? options.Server!, env));

var run = new RunResult
{
    Machine = MachineInfo.Collect(toolchain.RustcVersion, referencePath, options.Server),
    Quick = options.Quick,
    LoadBefore = MachineInfo.LoadAverage(),
};
Console.WriteLine($"servers: {string.Join(", ", contenders.Select(c => $"{c.Name} = {c.Path}"))}");
Console.WriteLine($"load: {run.LoadBefore}");

var runner = new Runner(options, dylibs, sysroot, contenders);

if (options.Selected("cold"))
{
    Console.WriteLine("cold start:");
    // Cold start always compares with our in-process mode too: it shows what the worker costs.
    var coldRunner = options.WithInProcess || options.OursOnly
        ? runner
        : new Runner(options, dylibs, sysroot, [.. contenders, new Contender("ours-inproc", options.Server!, new Dictionary<string, string>(options.OursEnvironment) { ["PROC_MACRO_SRV_IN_PROCESS"] = "1" })]);
    run.ColdStarts.AddRange(await coldRunner.ColdStartAsync("pm_basics"));
    run.ColdStarts.AddRange(await coldRunner.ColdStartAsync("serde_derive"));
}

Console.WriteLine("size cases:");
foreach (var shape in Inputs.Shapes)
{
    foreach (var size in options.Sizes)
    {
        var name = $"{shape.Key} n={size}";
        if (!options.Selected(name)) continue;
        run.Cases.Add(await runner.SizeCaseAsync(shape, size));
    }
}

if (options.Selected("mixed"))
{
    Console.WriteLine("mixed session:");
    run.Mixed = await runner.MixedSessionAsync();
}

run.LoadAfter = MachineInfo.LoadAverage();
run.WallSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"load: {run.LoadAfter}; {run.WallSeconds:0} s");

var json = options.Json ?? Path.Combine(RepositoryLayout.Root, "artifacts", "bench", "sessions.json");
Directory.CreateDirectory(Path.GetDirectoryName(json)!);
await File.WriteAllTextAsync(json, JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"raw results: {json}");

if (!options.NoReport)
{
    var report = options.Report ?? Path.Combine(RepositoryLayout.Root, "BENCHMARKS.md");
    Report.Update(report, run);
    Console.WriteLine($"report: {report}");
}
else
{
    Console.WriteLine(Report.Render(run));
}
return 0;
