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

    public void Answer(ReadOnlyMemory<byte> request, IBufferWriter<byte> response) =>
        JsonLegacyWriter.WriteResponse(response, Respond(request.Span));

    private Response Respond(ReadOnlySpan<byte> line)
    {
        try
        {
            return _service.Handle(JsonLegacyReader.ReadRequest(line));
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
