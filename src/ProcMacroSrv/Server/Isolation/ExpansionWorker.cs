using System.Buffers;
using System.Diagnostics;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server.Isolation;

/// <summary>How a request to a worker ended when it did not produce a response.</summary>
internal enum WorkerFailureKind
{
    /// <summary>The worker process ended (a signal, <c>process::exit</c>, out of memory).</summary>
    Died,
    /// <summary>The worker did not answer within the time limit and was killed.</summary>
    TimedOut,
    /// <summary>The worker's resident memory passed the limit and it was killed.</summary>
    OutOfMemory,
    /// <summary>The worker had ended before the request could be sent (killed while idle).</summary>
    GoneBeforeRequest,
}

/// <summary>A request that a worker did not answer.</summary>
internal sealed record WorkerFailure(WorkerFailureKind Kind, string Description);

/// <summary>
/// One worker process: the same executable serving json-legacy in-process on its own pipes.
/// Proc macros run there, so that a crash or hang takes down only the worker.
/// </summary>
internal sealed class ExpansionWorker : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly JsonLineWriter _requests;
    private readonly Stream _stdoutStream;
    private readonly JsonLineReader _stdout;

    private ExpansionWorker(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _requests = new JsonLineWriter(_stdin);
        _stdoutStream = process.StandardOutput.BaseStream;
        _stdout = new JsonLineReader(_stdoutStream);
    }

    /// <summary>Starts a worker: this executable with <c>serve --in-process</c>; its stderr is ours.</summary>
    public static ExpansionWorker Start()
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable to start a worker");
        start.FileName = self;
        // Under `dotnet proc-macro-srv.dll` the process is the host: pass the assembly first.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "proc-macro-srv.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--in-process");
        // A worker may be killed (time or memory limit): without the diagnostics IPC the runtime
        // leaves no sockets or pipes behind in the temp directory.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        return new ExpansionWorker(Process.Start(start) ?? throw new InvalidOperationException("cannot start an expansion worker"));
    }

    /// <summary>True once the worker process has ended (for example killed while idle).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Sends one request line and copies the response line into <paramref name="response"/>;
    /// returns null, or how the worker failed to answer. A response of up to 1 MiB reaches
    /// <paramref name="response"/> whole or not at all; a longer one is passed on as it arrives
    /// (the expansion is over by then, so the limits no longer apply), and if the worker dies
    /// while sending it, <paramref name="partial"/> says that part of it was passed on.
    /// </summary>
    /// <param name="request">The request line, without its newline.</param>
    /// <param name="response">Where the response line goes, without its newline.</param>
    /// <param name="timeout">How long the worker may take.</param>
    /// <param name="memoryLimit">The most resident memory (bytes) the worker may use while answering.</param>
    /// <param name="partial">True when the worker died in the middle of a response already being passed on.</param>
    public WorkerFailure? Exchange(ReadOnlyMemory<byte> request, IBufferWriter<byte> response, TimeSpan timeout, long memoryLimit, out bool partial)
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

        // The answer is read on this thread with a plain blocking read; a watchdog kills the worker
        // when it passes the time or memory limit, which ends the read. Memory is watched, not
        // waited for: with overcommit the kernel's OOM killer may pick any process, and a macro
        // filling memory would take the machine down first.
        var watchdog = new Watchdog(this, timeout, memoryLimit);
        bool answered;
        try
        {
            // Once the answer has begun the macro is done, and a large answer is relayed as it
            // comes: the limits stop applying then.
            answered = _stdout.TryCopyMessage(new ClientSink(response), StreamAbove, () => watchdog.Stop() is null, out partial);
        }
        catch (IOException e) when (e is not ClientGoneException)
        {
            answered = false;
        }
        finally
        {
            // Idempotent: the verdict was fixed when the answer began, if it did.
            watchdog.Stop();
        }
        if (answered) return null;
        return watchdog.Stop() ?? Died();
    }

    /// <summary>
    /// The client's side of a relayed answer: a failure to write it means the client has gone,
    /// which is no fault of the worker (it must not be taken for a worker that died while
    /// answering) and ends the server as any lost client does.
    /// </summary>
    private sealed class ClientSink(IBufferWriter<byte> client) : IBufferWriter<byte>
    {
        public void Advance(int count)
        {
            try
            {
                client.Advance(count);
            }
            catch (IOException e)
            {
                throw new ClientGoneException(e);
            }
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            try
            {
                return client.GetMemory(sizeHint);
            }
            catch (IOException e)
            {
                throw new ClientGoneException(e);
            }
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    /// <summary>Writing the answer to the client failed: an <see cref="IOException"/>, as the server expects of a lost client.</summary>
    private sealed class ClientGoneException(IOException inner) : IOException(inner.Message, inner);

    // Responses longer than this are relayed in pieces instead of being held whole.
    private const int StreamAbove = 1024 * 1024;

    /// <summary>Checks a running request against the limits and kills the worker when one is passed.</summary>
    private sealed class Watchdog
    {
        private readonly ExpansionWorker _worker;
        private readonly TimeSpan _timeout;
        private readonly long _memoryLimit;
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
        private readonly Timer _timer;
        private readonly Lock _lock = new();
        private WorkerFailure? _verdict;
        private bool _stopped;

        public Watchdog(ExpansionWorker worker, TimeSpan timeout, long memoryLimit)
        {
            _worker = worker;
            _timeout = timeout;
            _memoryLimit = memoryLimit;
            _timer = new Timer(_ => Check(), null, MemoryPollInterval, MemoryPollInterval);
        }

        private void Check()
        {
            lock (_lock)
            {
                if (_stopped || _verdict is not null) return;
                if (System.Diagnostics.Stopwatch.GetElapsedTime(_started) > _timeout)
                {
                    _verdict = new WorkerFailure(WorkerFailureKind.TimedOut, $"no answer within {_timeout.TotalSeconds:0.###} s");
                }
                else if (_worker.ResidentBytes() is { } resident && resident > _memoryLimit)
                {
                    _verdict = new WorkerFailure(WorkerFailureKind.OutOfMemory,
                        $"it used {resident >> 20} MiB, over the limit of {_memoryLimit >> 20} MiB");
                }
                else
                {
                    return;
                }
            }
            _worker.Kill();
        }

        /// <summary>Stops watching; returns why the worker was killed, if it was.</summary>
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
    }

    public void Dispose()
    {
        try
        {
            // Both pipes closed: an idle worker reads the end of its input, and one still writing
            // an answer nobody will read (the client left during it) fails its write; either ends.
            _stdin.Dispose();
            _stdoutStream.Dispose();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) Kill();
        }
        catch (IOException)
        {
            Kill();
        }
        _process.Dispose();
    }
}
