using System.Buffers;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server;

/// <summary>Answers one json-legacy request line with one response line.</summary>
internal interface IRequestHandler
{
    /// <summary>
    /// Writes the response to <paramref name="request"/> (without the newline) into
    /// <paramref name="response"/>, which may already be sending it: everything that can fail
    /// must be decided before the first byte is written. An <see cref="IOException"/> from
    /// <paramref name="response"/> means the client has gone.
    /// </summary>
    void Answer(ReadOnlyMemory<byte> request, IBufferWriter<byte> response);
}

/// <summary>
/// The json-legacy conversation: one request line in, one response line out, until end of input.
/// A closed stdout ends the server cleanly instead of killing it with SIGPIPE.
/// </summary>
internal sealed class JsonLegacyServer
{
    private readonly JsonLineReader _input;
    private readonly JsonLineWriter _output;
    private readonly IRequestHandler _handler;

    public JsonLegacyServer(Stream input, Stream output, IRequestHandler handler)
    {
        _input = new JsonLineReader(input);
        _output = new JsonLineWriter(output);
        _handler = handler;
    }

    /// <summary>Serves until end of input; returns the process exit code.</summary>
    public int Run()
    {
        while (_input.TryReadMessage(out var line))
        {
            try
            {
                // The response goes out in chunks as it is written: never held whole in memory.
                _handler.Answer(line, _output.BeginLine());
                _output.EndLine();
            }
            catch (IOException)
            {
                // The client closed its end: nobody is left to answer.
                return 0;
            }
        }
        return 0;
    }
}
