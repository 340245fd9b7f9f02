using System.Diagnostics;
using System.IO.Pipes;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server.Isolation;

/// <summary>How a request to a worker ended when it did not produce a response.</summary>
internal enum WorkerFailureKind
{
    /// <summary>The worker process ended (a signal, <c>process::exit</c>, out of memory).</summary>
    Died,
    /// <summary>The worker had not begun its answer within the time limit and was killed.</summary>
    TimedOut,
    /// <summary>The worker's resident memory passed the limit and it was killed.</summary>
    OutOfMemory,
    /// <summary>The worker had ended before the request could be sent (killed while idle).</summary>
    GoneBeforeRequest,
}

/// <summary>A request that a worker did not answer.</summary>
internal sealed record WorkerFailure(WorkerFailureKind Kind, string Description);

/// <summary>
/// One worker process: this executable serving json-legacy in-process, reading requests from
/// this side and writing its answers straight to the client's stdout (which it inherits), with
/// a report to this side as each answer begins and ends (<see cref="AnswerReport"/>). Proc macros
/// run there, so that a crash or hang takes down only the worker, and answers are not carried
/// through this process.
/// </summary>
internal sealed class ExpansionWorker : IDisposable
{
    /// <summary>The subcommand that makes this executable a worker (not for people): <c>expansion-worker REPORTS-FD SPAN-MODE</c>.</summary>
    public const string Subcommand = "expansion-worker";

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly JsonLineWriter _requests;
    private readonly AnonymousPipeServerStream _reports;

    private ExpansionWorker(Process process, AnonymousPipeServerStream reports)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _requests = new JsonLineWriter(_stdin);
        _reports = reports;
    }

    /// <summary>
    /// Starts a worker in <paramref name="spanMode"/> (the connection's, so that a replacement
    /// goes on where the last one stopped); its stdout and stderr are this process's.
    /// </summary>
    /// <remarks>
    /// Call it only from a thread that lives as long as the server serves (the main thread): the
    /// worker asks the kernel to kill it when the thread that started it ends
    /// (<see cref="HostProcess.EndWithParent"/>), so a worker started from a pool thread that
    /// retires would die with it.
    /// </remarks>
    public static ExpansionWorker Start(SpanMode spanMode)
    {
        // Inheritable: the worker gets the write end as an open descriptor, named in its arguments.
        var reports = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        try
        {
            var start = new ProcessStartInfo
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = false,
                RedirectStandardError = false,
                UseShellExecute = false,
            };
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable to start a worker");
            start.FileName = self;
            // Under `dotnet proc-macro-srv.dll` the process is the host: pass the assembly first.
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "proc-macro-srv.dll"));
            start.ArgumentList.Add(Subcommand);
            start.ArgumentList.Add(reports.GetClientHandleAsString());
            start.ArgumentList.Add(SpanModeArgument(spanMode));
            // A worker may be killed (time or memory limit): without the diagnostics IPC the runtime
            // leaves no sockets or pipes behind in the temp directory.
            start.Environment["DOTNET_EnableDiagnostics"] = "0";
            var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start an expansion worker");
            // Only the worker may hold the write end: its exit must be the end of the reports.
            reports.DisposeLocalCopyOfClientHandle();
            return new ExpansionWorker(process, reports);
        }
        catch
        {
            reports.Dispose();
            throw;
        }
    }

    /// <summary>The worker's argument for a span mode.</summary>
    public static string SpanModeArgument(SpanMode mode) => mode == SpanMode.RustAnalyzer ? "rust-analyzer" : "id";

    /// <summary>The span mode a worker's argument names (<see cref="SpanModeArgument"/>).</summary>
    public static bool TryParseSpanModeArgument(string argument, out SpanMode mode)
    {
        mode = argument == "rust-analyzer" ? SpanMode.RustAnalyzer : SpanMode.Id;
        return argument is "rust-analyzer" or "id";
    }

    /// <summary>True once the worker process has ended (for example killed while idle).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Sends one request line, which the worker answers on the client's stdout; returns null
    /// once the answer is out but for its newline (the caller ends the line), or how the worker
    /// failed to answer. A worker that ends after its answer began may have sent part of it, never
    /// the newline: <paramref name="partial"/> says so.
    /// </summary>
    /// <param name="request">The request line, without its newline.</param>
    /// <param name="timeout">How long the worker may take before it begins answering.</param>
    /// <param name="memoryLimit">The most resident memory (bytes) the worker may use before it begins answering.</param>
    /// <param name="clientStdout">The client's stdout (the descriptor the worker writes its answers to), watched for a reader while the macro runs.</param>
    /// <param name="partial">True when the worker ended while its answer was being written.</param>
    /// <exception cref="IOException">The client has gone (the worker could not write the answer, or the watchdog found nobody reading stdout).</exception>
    public WorkerFailure? Exchange(ReadOnlyMemory<byte> request, TimeSpan timeout, long memoryLimit, int clientStdout, out bool partial)
    {
        partial = false;
        try
        {
            _requests.WriteLine(request.Span);
        }
        catch (IOException)
        {
            // It was gone before the request reached it: not this request's doing.
            return new WorkerFailure(WorkerFailureKind.GoneBeforeRequest, DescribeExit(WaitForExitCode()));
        }

        // The report is read on this thread with a plain blocking read; a watchdog kills the
        // worker when it passes the time or memory limit, which ends the read. Memory is watched,
        // not waited for: with overcommit the kernel's OOM killer may pick any process, and a
        // macro filling memory would take the machine down first.
        var watchdog = new Watchdog(this, timeout, memoryLimit, clientStdout);
        var report = NextReport();
        // Once the answer has begun the macro is done: the limits stop applying.
        var verdict = watchdog.Stop();
        // No reader left: no fault of the request or the worker; the server ends, as for any lost client.
        if (watchdog.ClientGone) throw new IOException("the client closed its end of stdout");
        if (report != AnswerReport.Begins) return verdict ?? Died();
        // A limit reached between this read and Stop may still have killed the worker while it
        // writes: the outcome is what the worker reports next, not the verdict.
        switch (NextReport())
        {
            case AnswerReport.Ends:
                return null;
            case AnswerReport.ClientGone:
                // No fault of the worker (it must not be taken for one that died while
                // answering): the server ends, as for any lost client.
                throw new IOException("the client closed its end of stdout");
            default:
                partial = true;
                return verdict ?? Died();
        }
    }

    // True when a report (or the end of the worker's reports) is waiting to be read.
    private bool HasReportWaiting() => HostProcess.HasInput((int)_reports.SafePipeHandle.DangerousGetHandle());

    // The next report byte, or -1 when the worker has ended (its end of the pipe closed).
    private int NextReport()
    {
        try
        {
            return _reports.ReadByte();
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Checks a running request against the limits, and that the client still reads stdout; kills the worker when either fails.</summary>
    private sealed class Watchdog
    {
        private readonly ExpansionWorker _worker;
        private readonly TimeSpan _timeout;
        private readonly long _memoryLimit;
        private readonly int _clientStdout;
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
        private readonly Timer _timer;
        private readonly Lock _lock = new();
        private WorkerFailure? _verdict;
        private bool _stopped;

        /// <summary>True when the worker was stopped because nobody reads stdout any more (not a failure of it).</summary>
        public bool ClientGone { get; private set; }

        public Watchdog(ExpansionWorker worker, TimeSpan timeout, long memoryLimit, int clientStdout)
        {
            _worker = worker;
            _timeout = timeout;
            _memoryLimit = memoryLimit;
            _clientStdout = clientStdout;
            _timer = new Timer(_ => Check(), null, MemoryPollInterval, MemoryPollInterval);
        }

        private void Check()
        {
            lock (_lock)
            {
                // A report waiting to be read means the answer has begun (or the worker has ended):
                // the limits no longer apply, though this side has not read it yet.
                if (_stopped || _verdict is not null || ClientGone || _worker.HasReportWaiting()) return;
                if (System.Diagnostics.Stopwatch.GetElapsedTime(_started) > _timeout)
                {
                    _verdict = new WorkerFailure(WorkerFailureKind.TimedOut, $"no answer within {_timeout.TotalSeconds:0.###} s");
                }
                else if (_worker.ResidentBytes() is { } resident && resident > _memoryLimit)
                {
                    _verdict = new WorkerFailure(WorkerFailureKind.OutOfMemory,
                        $"it used {resident >> 20} MiB, over the limit of {_memoryLimit >> 20} MiB");
                }
                else if (HostProcess.ReaderGone(_clientStdout))
                {
                    // A long expansion nobody will read: stop it now rather than at the time limit.
                    ClientGone = true;
                }
                else
                {
                    return;
                }
                // Under the lock: once Stop has returned, no kill of this worker is still to come.
                _worker.Kill();
            }
        }

        /// <summary>Stops watching; returns why the worker was killed for a limit, if it was (see also <see cref="ClientGone"/>).</summary>
        public WorkerFailure? Stop()
        {
            _timer.Dispose();
            lock (_lock)
            {
                _stopped = true;
                return _verdict;
            }
        }
    }

    // How often the watchdog looks at the time, the memory and the client's stdout.
    private static readonly TimeSpan MemoryPollInterval = TimeSpan.FromMilliseconds(100);

    // VmRSS from /proc, read while the worker runs; null once it is gone.
    private long? ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kib = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return kib * 1024;
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    private WorkerFailure Died() => new(WorkerFailureKind.Died, DescribeExit(WaitForExitCode()));

    private int WaitForExitCode()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) Kill();
        return _process.ExitCode;
    }

    /// <summary>How a process ended, as a developer reads it: a signal name, or the exit code.</summary>
    public static string DescribeExit(int exitCode)
    {
        // .NET reports a process killed by signal N as exit code 128 + N.
        if (exitCode > 128 && exitCode < 128 + 32)
        {
            var signal = (exitCode - 128) switch
            {
                4 => "SIGILL", 6 => "SIGABRT", 7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL",
                11 => "SIGSEGV", 13 => "SIGPIPE", 15 => "SIGTERM", var n => $"signal {n}",
            };
            return signal;
        }
        return $"exit code {exitCode}";
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (AggregateException e)
        {
            // A descendant could not be killed (another user's process): the worker itself was.
            Console.Error.WriteLine($"proc-macro-srv: could not kill all of the expansion worker's processes: {e.Message}");
        }
    }

    public void Dispose()
    {
        try
        {
            // An idle worker reads the end of its input and ends.
            _stdin.Dispose();
        }
        catch (IOException)
        {
            // Already gone.
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) Kill();
        _reports.Dispose();
        _process.Dispose();
    }
}
