using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server;

/// <summary>
/// The json-legacy conversation: one request line in, one response line out, until end of input.
/// Unlike the reference, a malformed request is answered with an error naming the problem
/// and the server keeps serving; a closed stdout ends the server cleanly.
/// </summary>
internal sealed class JsonLegacyServer
{
    private readonly JsonLineReader _input;
    private readonly JsonLineWriter _output;
    private readonly ExpansionService _service;

    public JsonLegacyServer(Stream input, Stream output, ExpansionService service)
    {
        _input = new JsonLineReader(input);
        _output = new JsonLineWriter(output);
        _service = service;
    }

    /// <summary>Serves until end of input; returns the process exit code.</summary>
    public int Run()
    {
        while (_input.TryReadMessage(out var line))
        {
            var response = Answer(line.Span);
            try
            {
                _output.WriteResponse(response);
            }
            catch (IOException)
            {
                // The client closed its end: nobody is left to answer.
                return 0;
            }
        }
        return 0;
    }

    private Response Answer(ReadOnlySpan<byte> line)
    {
        Request request;
        try
        {
            request = JsonLegacyReader.ReadRequest(line);
        }
        catch (ProtocolException e)
        {
            return ErrorFor(RequestName(line), $"malformed request: {e.Message}");
        }
        try
        {
            return _service.Handle(request);
        }
        catch (ProtocolException e)
        {
            return ErrorFor(RequestName(line), $"malformed request: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"proc-macro-srv: internal error: {e}");
            return ErrorFor(RequestName(line), $"proc-macro server internal error: {e.Message}");
        }
    }

    // An error has to travel in some response variant: the one the client waits for when the
    // request's variant can be read, else ExpandMacro's (the request most likely to be large
    // and malformed).
    private Response ErrorFor(string? requestName, string message) => requestName switch
    {
        "ListMacros" => ListMacrosResponse.Err(message),
        _ when _service.SpanMode == SpanMode.RustAnalyzer => ExpandMacroExtendedResponse.Err(message),
        _ => ExpandMacroResponse.Err(message),
    };

    private static string? RequestName(ReadOnlySpan<byte> line)
    {
        var open = line.IndexOf((byte)'"');
        if (open < 0) return null;
        var close = line[(open + 1)..].IndexOf((byte)'"');
        if (close < 0 || close > 32) return null;
        return Encoding.UTF8.GetString(line.Slice(open + 1, close));
    }
}
