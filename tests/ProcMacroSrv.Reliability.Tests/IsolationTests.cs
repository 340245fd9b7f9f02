using System.Diagnostics;
using System.Text.RegularExpressions;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Reliability.Tests.Support;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>
/// Macros that crash, abort, exit, overflow their stack, exhaust memory or hang fail only their
/// own request; the worker is replaced and the next request (a real expansion) works, in the
/// same span mode.
/// </summary>
public sealed class IsolationTests
{
    private const string Area = "Isolation";

    /// <summary>The time limit of the servers that run <c>hang</c>: small, but far above a real expansion.</summary>
    private const int HangTimeoutSeconds = 5;

    /// <summary>The memory limit of the servers that run <c>exhaust_memory</c>.</summary>
    private const int MemoryLimitMiB = 600;

    public static TheoryData<string, SpanMode> HostileMacros()
    {
        var data = new TheoryData<string, SpanMode>();
        foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer])
        {
            foreach (var name in (string[])["segfault", "abort", "exit", "stack_overflow", "exhaust_memory", "hang"]) data.Add(name, mode);
        }
        return data;
    }

    /// <summary>What the server must say for each macro (a regular expression matching the whole message).</summary>
    private static string ExpectedError(string macro) => macro switch
    {
        "segfault" => Regex.Escape("proc macro `segfault` crashed the expansion worker: SIGSEGV"),
        "abort" => Regex.Escape("proc macro `abort` crashed the expansion worker: SIGABRT"),
        "exit" => Regex.Escape("proc macro `exit` crashed the expansion worker: exit code 3"),
        // Overflowing the 8 MiB expansion thread hits its guard page: the runtime reports a stack
        // overflow and aborts, or the kernel's SIGSEGV ends the worker.
        "stack_overflow" => Regex.Escape("proc macro `stack_overflow` crashed the expansion worker: ") + "(SIGSEGV|SIGABRT)",
        "exhaust_memory" => Regex.Escape("proc macro `exhaust_memory` ran out of memory (it used ") + @"\d+" +
            Regex.Escape($" MiB, over the limit of {MemoryLimitMiB} MiB); the expansion worker was killed and restarted"),
        "hang" => Regex.Escape($"proc macro `hang` timed out (no answer within {HangTimeoutSeconds} s); the expansion worker was killed and restarted"),
        _ => throw new ArgumentOutOfRangeException(nameof(macro)),
    };

    private static ServerSettings SettingsFor(string macro) => macro switch
    {
        "hang" => new ServerSettings { TimeoutSeconds = HangTimeoutSeconds },
        "exhaust_memory" => new ServerSettings { MemoryLimitMiB = MemoryLimitMiB },
        _ => new ServerSettings(),
    };

    [Theory]
    [MemberData(nameof(HostileMacros))]
    public async Task A_hostile_macro_fails_only_its_own_request(string macro, SpanMode mode)
    {
        var dylibs = Dylibs.Stable;
        await using var server = TestServer.Start(SettingsFor(macro));
        await server.HandshakeAsync(mode);
        var macros = Answer.Of(await server.SendAsync(new ListMacrosRequest(dylibs.PmHostile)));
        Assert.True(macros.IsOk, macros.Error);
        Assert.Contains($"{macro}:FuncLike", macros.Text);
        await ExpectSerdeWorksAsync(server, mode, "before the hostile macro");
        var worker = server.WorkerProcessId();

        var answer = await server.ExpandAsync(dylibs.PmHostile, macro, "");

        Assert.False(answer.IsOk, $"`{macro}` expanded: {answer.Text}");
        Assert.Equal(Answer.ExpandVariant(mode), answer.Variant);
        Assert.Matches("^" + ExpectedError(macro) + "$", answer.Error);
        // The server reports it in its log as well (stderr is read on its own, so it may lag a little).
        var logged = Stopwatch.StartNew();
        while (!server.StandardError.Contains(answer.Error!, StringComparison.Ordinal) && logged.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.Contains(answer.Error!, server.StandardError);

        await ExpectSerdeWorksAsync(server, mode, $"`{macro}`");
        var replacement = server.WorkerProcessId();
        Assert.NotEqual(worker, replacement);
        Assert.False(ProcessTable.IsAlive(worker), $"the old worker {worker} still runs");
        ReliabilityLog.Record(Area, $"`{macro}!()` ({mode} mode)", answer, keptServing: true);
    }

    [Theory]
    [InlineData(IsolationMode.Worker)]
    [InlineData(IsolationMode.InProcessByArgument)]
    public async Task A_process_a_macro_starts_reads_no_request(IsolationMode isolation)
    {
        // The macro runs `cat` with its stdin. Were that the server's request pipe, cat would
        // wait there for the next request (and take it): the expansion would hang until the
        // time limit. The server's stdin is /dev/null for such processes.
        var dylibs = Dylibs.Stable;
        await using var server = TestServer.Start(new ServerSettings { Isolation = isolation, TimeoutSeconds = 10 });
        await server.HandshakeAsync(SpanMode.Id);

        var answer = await server.ExpandAsync(dylibs.PmHostile, "cat_stdin", "");

        Assert.True(answer.IsOk, answer.Error);
        Assert.Equal("const CAT_OK : bool = true;", answer.Text);
        await ExpectSerdeWorksAsync(server, SpanMode.Id, "after a macro ran cat on its stdin");
        ReliabilityLog.Record(Area, $"a macro that runs `cat` on its stdin ({isolation})", $"{answer.Variant} Ok: cat read end of input", keptServing: true);
    }

    [Fact]
    public async Task A_crash_that_leaves_a_child_process_running_is_answered_at_once()
    {
        // The macro starts `sleep 20` and aborts. The sleeper inherits what the worker had open
        // without close-on-exec; were that the worker's report pipe, the supervisor would wait
        // for its end until the sleeper exits (and a killed worker's orphan is not in its tree).
        var dylibs = Dylibs.Stable;
        await using var server = TestServer.Start();
        await server.HandshakeAsync(SpanMode.Id);
        var clock = Stopwatch.StartNew();

        var answer = await server.ExpandAsync(dylibs.PmHostile, "crash_leaving_child", "");

        Assert.False(answer.IsOk, answer.Text);
        Assert.Matches("^proc macro `crash_leaving_child` crashed the expansion worker: SIGABRT$", answer.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the crash was answered after {clock.Elapsed.TotalSeconds:F1} s");
        await ExpectSerdeWorksAsync(server, SpanMode.Id, "after the crash");
        ReliabilityLog.Record(Area, "a macro that starts `sleep 20`, then aborts", $"ExpandMacro Err (SIGABRT) in {clock.Elapsed.TotalSeconds:F1} s", keptServing: true);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task The_span_mode_survives_several_worker_restarts_in_a_row(SpanMode mode)
    {
        var dylibs = Dylibs.Stable;
        await using var server = TestServer.Start();
        await server.HandshakeAsync(mode);
        var first = server.WorkerProcessId();
        // Each crash leaves no worker behind; the next request starts one (in the connection's span mode).
        foreach (var macro in (string[])["segfault", "abort", "exit", "segfault"])
        {
            var answer = await server.ExpandAsync(dylibs.PmHostile, macro, "");
            Assert.False(answer.IsOk);
            Assert.Equal(Answer.ExpandVariant(mode), answer.Variant);
            Assert.Matches("^" + ExpectedError(macro) + "$", answer.Error);
            Assert.Empty(server.ChildProcessIds());
        }
        await ExpectSerdeWorksAsync(server, mode, "four crashes in a row");
        Assert.NotEqual(first, server.WorkerProcessId());
        ReliabilityLog.Record(Area, $"four crashes in a row, then serde ({mode} mode)", "each answered with its own error (SIGSEGV, SIGABRT, exit code 3, SIGSEGV), a new worker each time; serde then works in the same mode", keptServing: true, times: 4);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task A_worker_killed_between_requests_costs_no_request(SpanMode mode)
    {
        // The kernel's OOM killer, or a user, may kill an idle worker: the next request is innocent.
        await using var server = TestServer.Start();
        await server.HandshakeAsync(mode);
        await ExpectSerdeWorksAsync(server, mode, "start");
        var worker = server.WorkerProcessId();
        using (var process = System.Diagnostics.Process.GetProcessById(worker))
        {
            process.Kill();
            process.WaitForExit();
        }

        var answer = await server.ExpandAsync(Dylibs.Stable.RealMacro("serde_derive"), "Serialize", "struct Point { x: i32, y: i32 }");

        ReliabilityLog.Record(Area, $"worker killed (SIGKILL) while idle, then a real expansion ({mode} mode)", answer.IsOk ? $"{answer.Variant} Ok (the request was served by a new worker)" : answer.Summary, keptServing: true);
        Assert.True(answer.IsOk, $"the request after the idle worker was killed failed: {answer.Error}");
        await ExpectSerdeWorksAsync(server, mode, "an idle worker was killed");
    }

    [Fact]
    public async Task A_worker_killed_right_after_its_answer_reached_the_client_costs_no_request()
    {
        // The client reads an answer and at once the worker is killed (a user, the OOM killer):
        // the supervisor must not take that for a death during the answer and send the client a
        // second, wrong answer, which the client would read as the next request's.
        await using var server = TestServer.Start();
        await server.HandshakeAsync(SpanMode.Id);
        for (var round = 0; round < 50; round++)
        {
            // The worker is found first, so that the kill follows the answer as closely as it can.
            using var worker = System.Diagnostics.Process.GetProcessById(server.WorkerProcessId());
            var first = await server.ExpandAsync(Dylibs.Stable.PmBasics, "do_thrice", "a");
            worker.Kill();
            worker.WaitForExit();
            Assert.True(first.IsOk, first.Error);
            var next = await server.ExpandAsync(Dylibs.Stable.PmBasics, "do_thrice", "b");
            Assert.True(next.IsOk, $"round {round}: the request after the kill got {next.Summary}");
            Assert.Equal("b b b", next.Text);
        }
        ReliabilityLog.Record(Area, "the worker killed right after each of 50 answers reached the client", "every next request answered by a new worker, with its own answer", keptServing: true, times: 50);
    }

    [Theory]
    [InlineData(IsolationMode.InProcessByArgument)]
    [InlineData(IsolationMode.InProcessByEnvironment)]
    public async Task In_process_mode_still_serves_normal_macros(IsolationMode isolation)
    {
        var dylibs = Dylibs.Stable;
        await using var server = TestServer.Start(new ServerSettings { Isolation = isolation });
        foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer])
        {
            await server.HandshakeAsync(mode);
            await ExpectSerdeWorksAsync(server, mode, "start");
            var panic = await server.ExpandAsync(dylibs.PmBasics, "boom", "");
            Assert.Equal(Answer.ExpandVariant(mode), panic.Variant);
            Assert.Equal("boom from proc macro", panic.Error);
            await server.AssertServingAsync("a panic");
        }
        Assert.Empty(server.ChildProcessIds());
        ReliabilityLog.Record(Area, isolation == IsolationMode.InProcessByArgument ? "`serve --in-process`: serde, then a panicking macro" : "PROC_MACRO_SRV_IN_PROCESS=1: serde, then a panicking macro",
            "ExpandMacro Err: boom from proc macro (no worker process)", keptServing: true, times: 2);
    }

    [Fact]
    public async Task A_panicking_macro_does_not_restart_the_worker()
    {
        var dylibs = Dylibs.Stable;
        await using var server = TestServer.Start();
        await server.HandshakeAsync(SpanMode.RustAnalyzer);
        await server.AssertServingAsync("start");
        var worker = server.WorkerProcessId();
        for (var i = 0; i < 20; i++)
        {
            var panic = await server.ExpandAsync(dylibs.PmBasics, "boom_fmt", $"n{i}");
            Assert.False(panic.IsOk);
            Assert.Contains($"n{i}", panic.Error);
        }
        await server.AssertServingAsync("20 panics");
        Assert.Equal(worker, server.WorkerProcessId());
        ReliabilityLog.Record(Area, "a panicking macro (pm-basics `boom_fmt`)", "ExpandMacroExtended Err: <the panic message>; same worker", keptServing: true, times: 20);
    }

    [Theory]
    [InlineData(SpanMode.Id)]
    [InlineData(SpanMode.RustAnalyzer)]
    public async Task An_answer_of_several_MiB_reaches_the_client_whole(SpanMode mode)
    {
        // The worker writes its answer to the client itself, in pieces as it is made, while the
        // supervisor waits for its reports: the client must read the same answer as from a
        // server without a worker, and the server must go on serving.
        var dylibs = Dylibs.Stable;
        var body = "{ " + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"let v{i} = f(x{i}, \"s{i}\"); ")) + "}";
        await using var isolated = TestServer.Start();
        await using var inProcess = TestServer.Start(new ServerSettings { Isolation = IsolationMode.InProcessByArgument });
        await isolated.HandshakeAsync(mode);
        await inProcess.HandshakeAsync(mode);

        var request = JsonLegacyWriter.EncodeRequest(Requests.Expand(dylibs.PmBasics, "do_thrice", body, mode));
        var isolatedAnswer = await isolated.SendRawAsync(request);
        var direct = await inProcess.SendRawAsync(request);
        var answer = Answer.Of(isolatedAnswer);
        var size = JsonLegacyWriter.EncodeResponse(isolatedAnswer).Length;

        Assert.True(size > 3 * 1024 * 1024, $"the answer has only {size} bytes");
        Assert.True(answer.IsOk, answer.Error);
        Assert.Equal(Answer.Of(direct).Text, answer.Text);
        Assert.Equal(JsonLegacyWriter.EncodeResponse(direct), JsonLegacyWriter.EncodeResponse(isolatedAnswer));
        await isolated.AssertServingAsync("a large answer");
        ReliabilityLog.Record(Area, $"an answer of {size / (1024 * 1024)} MiB written by the worker ({mode} mode)", $"{answer.Variant} Ok, the same answer as in-process", keptServing: true);
    }

    [Fact]
    public async Task A_client_gone_during_a_long_expansion_ends_the_server_before_the_time_limit()
    {
        // The client closes its end of stdout (keeping stdin open) while `hang` runs: nobody will
        // read the answer, so the supervisor stops the worker and ends, instead of waiting for the
        // 60 s limit and then failing to write the error.
        var hanging = await StartHangingAsync();
        using var server = hanging.Server;
        var stderr = hanging.Stderr;
        server.StandardOutput.Close();
        var clock = Stopwatch.StartNew();
        var exited = server.WaitForExit(TimeSpan.FromSeconds(30));
        if (!exited) server.Kill(entireProcessTree: true);
        var log = await stderr;

        Assert.True(exited, "the server did not end after its client left");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the server took {clock.Elapsed.TotalSeconds:F1} s to end after its client left");
        Assert.Equal(0, server.ExitCode);
        Assert.DoesNotContain("crashed", log);
        Assert.DoesNotContain("timed out", log);
        Assert.False(ProcessTable.IsAlive(hanging.Worker), $"the worker {hanging.Worker} still runs");
        ReliabilityLog.RecordIntendedEnd(Area, "the client closes its stdout while `hang` runs (stdin still open)", $"the server ends in {clock.Elapsed.TotalSeconds:F1} s (exit 0), the worker stopped");
    }

    [Fact]
    public async Task A_killed_supervisor_takes_its_worker_with_it()
    {
        // The supervisor is killed (SIGKILL: it cannot stop its worker) while `hang` runs. The
        // worker must end with it: otherwise it would hold the client's stdout open and the client
        // would wait on a server that is gone instead of seeing it end.
        var hanging = await StartHangingAsync();
        using var server = hanging.Server;
        var stderr = hanging.Stderr;
        var worker = hanging.Worker;

        server.Kill();
        var clock = Stopwatch.StartNew();
        var output = server.StandardOutput.ReadToEndAsync();
        var stdoutClosed = await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(20))) == output;
        while (ProcessTable.IsAlive(worker) && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
        var workerEnded = !ProcessTable.IsAlive(worker);
        if (!workerEnded) Process.GetProcessById(worker).Kill();
        await stderr;

        Assert.True(stdoutClosed, "the client's stdout stayed open after the supervisor was killed");
        Assert.True(workerEnded, $"the worker {worker} still ran {clock.Elapsed.TotalSeconds:F0} s after its supervisor was killed");
        Assert.Equal("", await output);
        ReliabilityLog.RecordIntendedEnd(Area, "the supervisor killed (SIGKILL) while `hang` runs", $"the worker ends with it; the client sees stdout end after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData(300_000)]
    [InlineData(3_000_000)]
    public async Task A_client_gone_while_an_answer_is_written_ends_the_server_without_blaming_the_worker(int pathLength)
    {
        // The client stops reading (its end of stdout is closed) and sends a request whose
        // answer (an error naming the path) is large: writing the answer fails, which is the
        // client's leaving, not a worker crash. The server ends at once, as in-process mode does.
        using var server = StartWithPipes();
        var stderr = server.StandardError.ReadToEndAsync();
        server.StandardOutput.Close();
        var clock = Stopwatch.StartNew();
        var request = "{\"ListMacros\":{\"dylib_path\":\"/nonexistent/" + new string('p', pathLength) + "\"}}\n";
        try
        {
            await server.StandardInput.WriteAsync(request);
            await server.StandardInput.FlushAsync();
            server.StandardInput.Close();
        }
        catch (IOException)
        {
            // It may have gone already: what matters is how and when.
        }
        var exited = server.WaitForExit(TimeSpan.FromSeconds(30));
        if (!exited) server.Kill(entireProcessTree: true);
        var log = await stderr;

        Assert.True(exited, "the server did not end after its client left");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the server took {clock.Elapsed.TotalSeconds:F1} s to end after its client left");
        Assert.DoesNotContain("crashed", log);
        Assert.DoesNotContain("killed", log);
        ReliabilityLog.RecordIntendedEnd(Area, $"the client stops reading before an answer of {pathLength / 1000} KB", $"the server ends in {clock.Elapsed.TotalSeconds:F1} s, no worker blamed");
    }

    /// <summary>serde's derive expands, in the connection's span mode (RustAnalyzer: spans index the returned table).</summary>
    internal static async Task ExpectSerdeWorksAsync(TestServer server, SpanMode mode, string after)
    {
        var answer = await server.ExpandAsync(Dylibs.Stable.RealMacro("serde_derive"), "Serialize", "struct Point { x: i32, y: i32 }");
        Assert.True(answer.IsOk, $"serde after {after}: {answer.Error}\nstderr:\n{TestServer.Tail(server.StandardError)}");
        Assert.Equal(Answer.ExpandVariant(mode), answer.Variant);
        Assert.Contains("impl _serde :: Serialize for Point", answer.Text!.Replace("\n", " "));
        if (mode == SpanMode.RustAnalyzer)
        {
            // The worker decoded the request as RustAnalyzer mode: the input's spans come back located.
            var tokens = ((ExpandMacroExtendedResponse)answer.Response).DecodeTree();
            var point = FindIdent(tokens, "Point");
            Assert.NotNull(point);
            Assert.False(point.Span.IsOpaque);
            Assert.Equal(Requests.FileId, point.Span.FileId);
        }
    }

    internal static Ident? FindIdent(TokenStream stream, string name)
    {
        var pending = new Stack<TokenStream>();
        pending.Push(stream);
        while (pending.TryPop(out var current))
        {
            foreach (var tree in current)
            {
                if (tree is Ident ident && ident.Name.Text == name) return ident;
                if (tree is TokenModel.Group group) pending.Push(group.Stream);
            }
        }
        return null;
    }

    // A server whose worker runs `hang` (Id mode, no handshake), its stderr being read.
    private static async Task<(Process Server, Task<string> Stderr, int Worker)> StartHangingAsync()
    {
        var server = StartWithPipes();
        var stderr = server.StandardError.ReadToEndAsync();
        var request = JsonLegacyWriter.EncodeRequest(Requests.Expand(Dylibs.Stable.PmHostile, "hang", "", SpanMode.Id));
        await server.StandardInput.WriteLineAsync(System.Text.Encoding.UTF8.GetString(request));
        await server.StandardInput.FlushAsync();
        var worker = 0;
        for (var waited = Stopwatch.StartNew(); worker == 0 && waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            worker = ProcessTable.ChildrenOf(server.Id).FirstOrDefault();
        }
        Assert.True(worker != 0, "no expansion worker started");
        // Time to read the request and enter the macro.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        return (server, stderr, worker);
    }

    // The server as the other tests start it, with its three streams on pipes this test holds
    // (to close stdout under it).
    private static Process StartWithPipes() => Process.Start(TestServer.StartInfo())!;
}
