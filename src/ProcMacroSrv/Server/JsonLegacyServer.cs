using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server;

/// <summary>Answers one json-legacy request line with one response line.</summary>
internal interface IRequestHandler
{
    /// <summary>
    /// Sees that <paramref name="request"/> gets its response line: written to
    /// <paramref name="output"/>, which may send it as it is made (so everything that can fail
    /// must be decided before the first byte is written), or, in isolation, all but its newline by
    /// the expansion worker on the same stdout and the newline to <paramref name="output"/>. An
    /// <see cref="IOException"/> means the client has gone.
    /// </summary>
    void Answer(ReadOnlyMemory<byte> request, JsonLineWriter output);
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
                _handler.Answer(line, _output);
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
