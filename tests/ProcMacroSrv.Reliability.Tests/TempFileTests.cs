using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Reliability.Tests.Support;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>
/// A dylib rebuilt at the same path is loaded again (from a private copy under
/// /tmp/proc-macro-srv-&lt;pid&gt;), and nothing a server or its workers put in the temp directory
/// outlives them, even when a worker crashed.
/// </summary>
public sealed class TempFileTests
{
    private const string Area = "Environment hygiene";

    /// <summary>Temp entries named after <paramref name="pid"/>: the private-copy directory and the .NET runtime's IPC files.</summary>
    private static List<string> TempEntriesOf(int pid)
    {
        var temp = Path.GetTempPath();
        return Directory.EnumerateFileSystemEntries(temp)
            .Select(Path.GetFileName)
            .Where(name => name == $"proc-macro-srv-{pid}"
                || name!.StartsWith($"dotnet-diagnostic-{pid}-", StringComparison.Ordinal)
                || name.StartsWith($"clr-debug-pipe-{pid}-", StringComparison.Ordinal))
            .Select(name => Path.Combine(temp, name!))
            .ToList();
    }

    /// <summary>Replaces <paramref name="path"/> as a build does: a new file renamed over the old one.</summary>
    private static void RebuildByRename(string path, string from, DateTime modified)
    {
        var next = path + ".new";
        File.Copy(from, next, overwrite: true);
        File.SetLastWriteTimeUtc(next, modified);
        File.Move(next, path, overwrite: true);
    }

    /// <summary>Replaces the contents of <paramref name="path"/> in place (same inode), as `cp` does.</summary>
    private static void RebuildInPlace(string path, string from, DateTime modified)
    {
        File.Copy(from, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, modified);
    }

    private static async Task<string> ListAsync(TestServer server, string path)
    {
        var answer = Answer.Of(await server.SendAsync(new ListMacrosRequest(path)));
        Assert.True(answer.IsOk, answer.Error);
        return answer.Text!;
    }

    [Theory]
    [InlineData(IsolationMode.Worker)]
    [InlineData(IsolationMode.InProcessByArgument)]
    public async Task A_dylib_rebuilt_in_place_is_reloaded_and_the_copies_are_removed_when_the_server_exits(IsolationMode isolation)
    {
        using var target = new TempDirectory("pms-reliability-rebuild-");
        var path = target.File("libreloaded.so");
        var basics = Dylibs.Stable.PmBasics;
        var hostile = Dylibs.Stable.PmHostile;
        File.Copy(basics, path);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10));
        var server = TestServer.Start(new ServerSettings { Isolation = isolation });
        var serverPid = server.ProcessId;
        int expander;
        try
        {
            await server.HandshakeAsync(SpanMode.RustAnalyzer);
            expander = isolation == IsolationMode.Worker ? server.WorkerProcessId() : server.ProcessId;

            Assert.Contains("do_thrice:FuncLike", await ListAsync(server, path));
            Assert.Equal("\"a b\"", (await server.ExpandAsync(path, "stringify_input", "a b")).Text);

            // Rebuilt as cargo does (a new file at the same path): pm-hostile's macros now.
            RebuildByRename(path, hostile, DateTime.UtcNow.AddMinutes(-5));
            var listed = await ListAsync(server, path);
            Assert.Contains("read_env_and_cwd:FuncLike", listed);
            Assert.DoesNotContain("do_thrice", listed);
            Assert.StartsWith("\"<unset>|", (await server.ExpandAsync(path, "read_env_and_cwd", "PMS_RELIABILITY_UNSET")).Text);
            // The private copy the new version was opened from is deleted as soon as it is mapped.
            Assert.Equal([], PrivateCopiesOf(expander));

            // Overwritten in place (same inode, which the loader would take for the loaded file): pm-basics again.
            RebuildInPlace(path, basics, DateTime.UtcNow.AddMinutes(-1));
            listed = await ListAsync(server, path);
            Assert.Contains("do_thrice:FuncLike", listed);
            Assert.DoesNotContain("read_env_and_cwd", listed);
            Assert.Equal("\"c d\"", (await server.ExpandAsync(path, "stringify_input", "c d")).Text);
            Assert.Equal([], PrivateCopiesOf(expander));
        }
        finally
        {
            await server.StopAsync();
        }
        await WaitGoneAsync(expander);
        Assert.Equal([], TempEntriesOf(expander));
        Assert.Equal([], TempEntriesOf(serverPid));
        ReliabilityLog.Record(Area, $"dylib rebuilt at the same path, by rename and in place ({isolation})",
            "the new version's macros are listed and expanded each time; its private copy is deleted once loaded", keptServing: true, times: 2);
    }

    // While a process runs it may own runtime files (the .NET diagnostics socket); these are ours.
    private static List<string> PrivateCopiesOf(int pid) =>
        TempEntriesOf(pid).Where(p => Path.GetFileName(p).StartsWith("proc-macro-srv-", StringComparison.Ordinal)).ToList();

    [Theory]
    [InlineData("segfault")]
    [InlineData("hang")]
    public async Task A_worker_that_crashed_or_was_killed_leaves_no_temp_files(string macro)
    {
        using var target = new TempDirectory("pms-reliability-rebuild-");
        var path = target.File("libreloaded.so");
        File.Copy(Dylibs.Stable.PmHostile, path);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10));
        var server = TestServer.Start(new ServerSettings { TimeoutSeconds = 5 });
        int worker;
        Answer answer;
        try
        {
            await server.HandshakeAsync(SpanMode.Id);
            worker = server.WorkerProcessId();
            Assert.Contains("segfault:FuncLike", await ListAsync(server, path));
            // A reload makes the worker open a private copy of the file.
            RebuildByRename(path, Dylibs.Stable.PmHostile, DateTime.UtcNow.AddMinutes(-5));
            Assert.Contains("segfault:FuncLike", await ListAsync(server, path));

            answer = await server.ExpandAsync(path, macro, "");
            Assert.False(answer.IsOk);
            await server.AssertServingAsync($"`{macro}`");
        }
        finally
        {
            await server.StopAsync();
        }
        await WaitGoneAsync(worker);
        var left = TempEntriesOf(worker);
        ReliabilityLog.Record(Area, $"temp files of a worker ended by `{macro}` (after a reload)",
            left.Count == 0 ? "none left" : $"left behind: {string.Join(", ", left.Select(p => Path.GetFileName(p)!.Replace(worker.ToString(System.Globalization.CultureInfo.InvariantCulture), "<pid>", StringComparison.Ordinal)))}",
            keptServing: true);
        // What the server left is removed here, so that a failing run does not litter the machine.
        foreach (var entry in left)
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        Assert.True(left.Count == 0, $"the worker {worker} ended by `{macro}` ({answer.Error}) left temp files behind: {string.Join(", ", left)}");
    }

    private static async Task WaitGoneAsync(int pid)
    {
        for (var i = 0; i < 100 && ProcessTable.IsAlive(pid); i++) await Task.Delay(100);
        Assert.False(ProcessTable.IsAlive(pid), $"process {pid} still runs");
    }
}
