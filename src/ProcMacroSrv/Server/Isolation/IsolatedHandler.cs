using System.Buffers;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server.Isolation;

/// <summary>
/// Answers requests through a worker process (the default): a worker that dies or hangs fails
/// only the request it was running, with a response saying what happened, and is replaced for
/// the next request. The worker does all decoding and expanding; this side only relays lines.
/// </summary>
internal sealed class IsolatedHandler : IRequestHandler, IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly long _memoryLimit;
    private ExpansionWorker? _worker;
    private SpanMode _spanMode = SpanMode.Id;

    public IsolatedHandler(TimeSpan timeout, long memoryLimit)
    {
        _timeout = timeout;
        _memoryLimit = memoryLimit;
        // Started before the first request arrives, so that its start-up overlaps the client's.
        _worker = ExpansionWorker.Start();
    }

    public void Answer(ReadOnlyMemory<byte> request, IBufferWriter<byte> response)
    {
        var variant = RequestLine.VariantName(request.Span);
        var failure = Exchange(request, response, out var partial);
        if (failure is null)
        {
            if (variant == "SetConfig" && TryReadSpanMode(request.Span) is { } mode) _spanMode = mode;
            return;
        }

        _worker!.Dispose();
        _worker = null;
        var what = Describe(request.Span, variant);
        if (partial)
        {
            // Killed from outside while sending a large answer: the part already sent cannot be
            // taken back, so the client gets a line it cannot read rather than a wrong answer.
            Console.Error.WriteLine($"proc-macro-srv: the expansion worker ended while sending the answer to {what} ({failure.Description}); the answer is cut short");
            return;
        }
        var message = failure.Kind switch
        {
            WorkerFailureKind.TimedOut => $"{what} timed out ({failure.Description}); the expansion worker was killed and restarted",
            WorkerFailureKind.OutOfMemory => $"{what} ran out of memory ({failure.Description}); the expansion worker was killed and restarted",
            _ => $"{what} crashed the expansion worker: {failure.Description}",
        };
        Console.Error.WriteLine($"proc-macro-srv: {message}");
        JsonLegacyWriter.WriteResponse(response, RequestLine.Error(variant, _spanMode, message));
    }

    // A worker that died while idle (OOM killer, kill -9) is replaced without blaming the request.
    private WorkerFailure? Exchange(ReadOnlyMemory<byte> request, IBufferWriter<byte> response, out bool partial)
    {
        if (_worker is { HasExited: true }) Replace();
        _worker ??= StartWorker();
        var failure = _worker.Exchange(request, response, _timeout, _memoryLimit, out partial);
        if (failure?.Kind != WorkerFailureKind.GoneBeforeRequest) return failure;
        Replace();
        _worker = StartWorker();
        return _worker.Exchange(request, response, _timeout, _memoryLimit, out partial);
    }

    private void Replace()
    {
        Console.Error.WriteLine("proc-macro-srv: the expansion worker ended while idle; starting a new one");
        _worker?.Dispose();
        _worker = null;
    }

    private ExpansionWorker StartWorker()
    {
        var worker = ExpansionWorker.Start();
        // A new worker starts in Id mode: give it the connection's mode again.
        if (_spanMode == SpanMode.RustAnalyzer)
        {
            var setConfig = JsonLegacyWriter.EncodeRequest(new SetConfigRequest(SpanMode.RustAnalyzer));
            worker.Exchange(setConfig, new ArrayBufferWriter<byte>(), _timeout, _memoryLimit, out _);
        }
        return worker;
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
