using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Reliability.Tests.Support;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>
/// Environment variables and the working directory given for one expansion are gone for the
/// next one: the next sees the server's own environment and directory again. With and without
/// isolation.
/// </summary>
public sealed class EnvironmentHygieneTests
{
    private const string Area = "Environment hygiene";
    private const string Probe = "PMS_RELIABILITY_PROBE";
    private const string Base = "PMS_RELIABILITY_BASE";

    [Theory]
    [InlineData(IsolationMode.Worker, SpanMode.Id)]
    [InlineData(IsolationMode.Worker, SpanMode.RustAnalyzer)]
    [InlineData(IsolationMode.InProcessByArgument, SpanMode.RustAnalyzer)]
    public async Task Env_and_working_directory_of_one_expansion_are_not_seen_by_the_next(IsolationMode isolation, SpanMode mode)
    {
        using var home = new TempDirectory("pms-reliability-home-");
        using var elsewhere = new TempDirectory("pms-reliability-elsewhere-");
        var hostile = Dylibs.Stable.PmHostile;
        var basics = Dylibs.Stable.PmBasics;
        await using var server = TestServer.Start(new ServerSettings
        {
            Isolation = isolation,
            WorkingDirectory = home.Path,
            Environment = new Dictionary<string, string?> { [Base] = "base", [Probe] = null },
        });
        await server.HandshakeAsync(mode);

        async Task<string> ReadEnvAndCwd(IReadOnlyList<KeyValuePair<string, string>>? env = null, string? cwd = null)
        {
            var answer = await server.ExpandAsync(hostile, "read_env_and_cwd", Probe, env: env, currentDir: cwd);
            Assert.True(answer.IsOk, answer.Error);
            return answer.Text!;
        }

        async Task<string> EnvValue(string name, IReadOnlyList<KeyValuePair<string, string>>? env = null)
        {
            var answer = await server.ExpandAsync(basics, "env_value", name, env: env);
            Assert.True(answer.IsOk, answer.Error);
            return answer.Text!;
        }

        var untouched = $"\"<unset>|{home.Path}\"";
        Assert.Equal(untouched, await ReadEnvAndCwd());
        Assert.Equal($"\"first|{elsewhere.Path}\"", await ReadEnvAndCwd([new(Probe, "first")], elsewhere.Path));
        Assert.Equal(untouched, await ReadEnvAndCwd());

        // A variable the server has is overridden for one expansion, then has its own value again.
        Assert.Equal("\"override\"", await EnvValue(Base, [new(Base, "override"), new(Probe, "x")]));
        Assert.Equal("\"base\"", await EnvValue(Base));
        Assert.Equal("\"<unset>\"", await EnvValue(Probe));

        // A later duplicate wins, and an empty value is a value.
        Assert.Equal("\"\"", await EnvValue(Probe, [new(Probe, "one"), new(Probe, "")]));
        Assert.Equal("\"<unset>\"", await EnvValue(Probe));

        // A macro that panics with env and cwd set: both are restored all the same.
        var panic = await server.ExpandAsync(basics, "boom", "", env: [new(Probe, "during a panic")], currentDir: elsewhere.Path);
        Assert.Equal("boom from proc macro", panic.Error);
        Assert.Equal(untouched, await ReadEnvAndCwd());

        // A working directory that does not exist: the macro runs in the unchanged one (as the reference).
        Assert.Equal($"\"<unset>|{home.Path}\"", await ReadEnvAndCwd(cwd: Path.Combine(elsewhere.Path, "missing")));
        Assert.Equal(untouched, await ReadEnvAndCwd());

        ReliabilityLog.Record(Area, $"env and current_dir set for one expansion, read by the next ({isolation}, {mode} mode)",
            "next expansion sees `<unset>|<server's directory>` and the server's own value of a variable it overrode", keptServing: true, times: 8);
        ReliabilityLog.Record(Area, $"a panicking macro given env and current_dir ({isolation})", "both restored after the panic", keptServing: true);
        ReliabilityLog.Record(Area, $"current_dir that does not exist ({isolation})", "the macro runs in the server's directory, as the reference does", keptServing: true);
    }

    [Theory]
    [InlineData(IsolationMode.Worker)]
    [InlineData(IsolationMode.InProcessByArgument)]
    public async Task A_variable_a_macro_sets_does_not_override_what_the_next_request_gives_it(IsolationMode isolation)
    {
        var hostile = Dylibs.Stable.PmHostile;
        await using var server = TestServer.Start(new ServerSettings { Isolation = isolation, Environment = new Dictionary<string, string?> { [Probe] = null } });
        await server.HandshakeAsync(SpanMode.RustAnalyzer);
        KeyValuePair<string, string>[] request = [new(Probe, "from the request")];

        Assert.StartsWith("\"from the request|", (await server.ExpandAsync(hostile, "read_env_and_cwd", Probe, env: request)).Text);
        var set = await server.ExpandAsync(hostile, "set_env", $"{Probe} \"set_by_the_macro\"", env: request);
        Assert.True(set.IsOk, set.Error);
        var next = await server.ExpandAsync(hostile, "read_env_and_cwd", Probe, env: request);

        // The request's value wins again, as in the reference (which re-applies every variable).
        Assert.StartsWith("\"from the request|", next.Text);
        ReliabilityLog.Record(Area, $"a macro sets a variable the next request also gives ({isolation})", "the next expansion sees the request's value", keptServing: true);
    }

    [Fact]
    public async Task A_worker_restart_does_not_bring_back_an_expansions_environment()
    {
        using var home = new TempDirectory("pms-reliability-home-");
        using var elsewhere = new TempDirectory("pms-reliability-elsewhere-");
        await using var server = TestServer.Start(new ServerSettings { WorkingDirectory = home.Path, Environment = new Dictionary<string, string?> { [Probe] = null } });
        await server.HandshakeAsync(SpanMode.RustAnalyzer);

        var crash = await server.ExpandAsync(Dylibs.Stable.PmHostile, "segfault", "", env: [new(Probe, "crashing")], currentDir: elsewhere.Path);
        Assert.Equal("proc macro `segfault` crashed the expansion worker: SIGSEGV", crash.Error);

        var next = await server.ExpandAsync(Dylibs.Stable.PmHostile, "read_env_and_cwd", Probe);
        Assert.Equal($"\"<unset>|{home.Path}\"", next.Text);
        ReliabilityLog.Record(Area, "env and current_dir of a request whose macro crashed the worker", next.Summary, keptServing: true);
    }
}
