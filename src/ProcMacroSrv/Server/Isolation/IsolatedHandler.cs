using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server.Isolation;

/// <summary>
/// Answers requests through a worker process (the default): a worker that dies or hangs fails
/// only the request it was running, with a response saying what happened, and is replaced for
/// the next request. The worker does all decoding and expanding, and writes its answers to the
/// client itself; this side passes requests on and answers only for a worker that failed.
/// </summary>
/// <remarks>Used from one thread that serves until the end (see <see cref="ExpansionWorker.Start"/>).</remarks>
internal sealed class IsolatedHandler : IRequestHandler, IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly long _memoryLimit;
    private readonly int _clientStdout;
    private ExpansionWorker? _worker;
    private SpanMode _spanMode = SpanMode.Id;

    /// <param name="timeout">How long a worker may take before it begins an answer.</param>
    /// <param name="memoryLimit">The most resident memory (bytes) a worker may use before it begins an answer.</param>
    /// <param name="clientStdout">The client's stdout, which the workers inherit and write their answers to.</param>
    public IsolatedHandler(TimeSpan timeout, long memoryLimit, int clientStdout)
    {
        _timeout = timeout;
        _memoryLimit = memoryLimit;
        _clientStdout = clientStdout;
        // Started before the first request arrives, so that its start-up overlaps the client's.
        _worker = ExpansionWorker.Start(_spanMode);
    }

    public void Answer(ReadOnlyMemory<byte> request, JsonLineWriter output)
    {
        var failure = Exchange(request, out var partial);
        if (failure is null)
        {
            // The worker holds back the newline: the answer is the client's only now.
            output.WriteLine([]);
            if (RequestLine.IsVariant(request.Span, "SetConfig"u8) && TryReadSpanMode(request.Span) is { } mode) _spanMode = mode;
            return;
        }

        var variant = RequestLine.VariantName(request.Span);
        _worker!.Dispose();
        _worker = null;
        var what = Describe(request.Span, variant);
        // A worker that ended while writing its answer (killed from outside, or by the watchdog
        // just as it began) may have sent part of
        // it, or nothing yet, but never its newline: the error response goes out either way, as
        // one line. After nothing it is a clean answer; after a part, the part and it make one
        // line the client cannot read, as a cut answer is, and the next request's answer still
        // comes on a line of its own.
        if (partial) Console.Error.WriteLine($"proc-macro-srv: the expansion worker ended while sending the answer to {what}; the answer may be cut short");
        var message = failure.Kind switch
        {
            WorkerFailureKind.TimedOut => $"{what} timed out ({failure.Description}); the expansion worker was killed and restarted",
            WorkerFailureKind.OutOfMemory => $"{what} ran out of memory ({failure.Description}); the expansion worker was killed and restarted",
            _ => $"{what} crashed the expansion worker: {failure.Description}",
        };
        Console.Error.WriteLine($"proc-macro-srv: {message}");
        output.WriteResponse(RequestLine.Error(variant, _spanMode, message));
    }

    // A worker that died while idle (OOM killer, kill -9) is replaced without blaming the request.
    private WorkerFailure? Exchange(ReadOnlyMemory<byte> request, out bool partial)
    {
        if (_worker is { HasExited: true }) Replace();
        // A new worker starts in the connection's span mode.
        _worker ??= ExpansionWorker.Start(_spanMode);
        var failure = _worker.Exchange(request, _timeout, _memoryLimit, _clientStdout, out partial);
        if (failure?.Kind != WorkerFailureKind.GoneBeforeRequest) return failure;
        Replace();
        _worker = ExpansionWorker.Start(_spanMode);
        return _worker.Exchange(request, _timeout, _memoryLimit, _clientStdout, out partial);
    }

    private void Replace()
    {
        Console.Error.WriteLine("proc-macro-srv: the expansion worker ended while idle; starting a new one");
        _worker?.Dispose();
        _worker = null;
    }

    private static SpanMode? TryReadSpanMode(ReadOnlySpan<byte> line)
    {
        try
        {
            return (JsonLegacyReader.ReadRequest(line) as SetConfigRequest)?.SpanMode;
        }
        catch (ProtocolException)
        {
            return null;
        }
    }

    // Names the macro for the message; decoding happens only on this rare path.
    private static string Describe(ReadOnlySpan<byte> line, string? variant)
    {
        try
        {
            return JsonLegacyReader.ReadRequest(line) switch
            {
                ExpandMacroRequest expand => $"proc macro `{expand.MacroName}`",
                ListMacrosRequest list => $"loading {list.DylibPath}",
                _ => $"the {variant} request",
            };
        }
        catch (ProtocolException)
        {
            return $"the {variant ?? "malformed"} request";
        }
    }

    public void Dispose() => _worker?.Dispose();
}
