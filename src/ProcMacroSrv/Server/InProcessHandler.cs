using System.Buffers;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server;

/// <summary>
/// Answers requests in this process. Unlike the reference, a malformed request is answered with
/// an error naming the problem and the server keeps serving.
/// </summary>
internal sealed class InProcessHandler : IRequestHandler, IDisposable
{
    private readonly ExpansionService _service = new();

    // The number arrays of a request's trees and of its answer's: lent for one Answer call.
    private readonly WireBuffers _buffers = new();

    public void Answer(ReadOnlyMemory<byte> request, IBufferWriter<byte> response)
    {
        try
        {
            JsonLegacyWriter.WriteResponse(response, Respond(request.Span));
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
