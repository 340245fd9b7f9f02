using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server;

/// <summary>
/// Answers requests in this process (the server in in-process mode, or an expansion worker).
/// Unlike the reference, a malformed request is answered with an error naming the problem and
/// the server keeps serving.
/// </summary>
internal sealed class InProcessHandler : IRequestHandler, IDisposable
{
    private readonly ExpansionService _service;
    private readonly IAnswerObserver? _observer;

    // The number arrays of a request's trees and of its answer's: lent for one Answer call.
    private readonly WireBuffers _buffers = new();

    /// <param name="spanMode">The span mode to start in: Id, as every connection does, unless this is a worker taking over a connection in RustAnalyzer mode.</param>
    /// <param name="observer">
    /// An expansion worker's reports to its supervisor, around each answer it writes: the answers
    /// then go out without their newlines, which the supervisor writes.
    /// </param>
    public InProcessHandler(SpanMode spanMode = SpanMode.Id, IAnswerObserver? observer = null)
    {
        _service = new ExpansionService(spanMode);
        _observer = observer;
    }

    public void Answer(ReadOnlyMemory<byte> request, JsonLineWriter output)
    {
        try
        {
            var response = Respond(request.Span);
            _observer?.Begins();
            try
            {
                // The response goes out in chunks as it is written: never held whole in memory. A
                // worker leaves the newline to its supervisor.
                JsonLegacyWriter.WriteResponse(output.BeginLine(), response);
                output.EndLine(newline: _observer is null);
            }
            catch (IOException)
            {
                _observer?.ClientGone();
                throw;
            }
            _observer?.Ends();
        }
        finally
        {
            // Request and response are both written or dropped by now.
            _buffers.Reclaim();
        }
    }

    private Response Respond(ReadOnlySpan<byte> line)
    {
        try
        {
            return _service.Handle(JsonLegacyReader.ReadRequest(line, _buffers), _buffers);
        }
        catch (ProtocolException e)
        {
            return RequestLine.Error(RequestLine.VariantName(line), _service.SpanMode, $"malformed request: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"proc-macro-srv: internal error: {e}");
            return RequestLine.Error(RequestLine.VariantName(line), _service.SpanMode, $"proc-macro server internal error: {e.Message}");
        }
    }

    public void Dispose() => _service.Dispose();
}
