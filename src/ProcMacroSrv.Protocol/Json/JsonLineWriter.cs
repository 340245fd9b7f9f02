using System.Buffers;

namespace ProcMacroSrv.Protocol.Json;

/// <summary>
/// Writes json-legacy messages as lines (protocol.md section 2.1): the compact message, a
/// <c>\n</c>, then a flush, so that the peer sees each message as soon as it is complete.
/// </summary>
public sealed class JsonLineWriter
{
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    /// <summary>Writes to <paramref name="stream"/>; the writer does not own or dispose it.</summary>
    public JsonLineWriter(Stream stream) => _stream = stream ?? throw new ArgumentNullException(nameof(stream));

    /// <summary>Writes a request line and flushes.</summary>
    public void WriteRequest(Request request)
    {
        _buffer.ResetWrittenCount();
        JsonLegacyWriter.WriteRequest(_buffer, request);
        Flush();
    }

    /// <summary>Writes a response line and flushes.</summary>
    public void WriteResponse(Response response)
    {
        _buffer.ResetWrittenCount();
        JsonLegacyWriter.WriteResponse(_buffer, response);
        Flush();
    }

    /// <summary>Writes <paramref name="message"/> (which must not contain a newline) as a line and flushes.</summary>
    public void WriteLine(ReadOnlySpan<byte> message)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(message);
        Flush();
    }

    /// <summary>Writes a request line and flushes, asynchronously.</summary>
    public ValueTask WriteRequestAsync(Request request, CancellationToken cancellationToken = default)
    {
        _buffer.ResetWrittenCount();
        JsonLegacyWriter.WriteRequest(_buffer, request);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Writes a response line and flushes, asynchronously.</summary>
    public ValueTask WriteResponseAsync(Response response, CancellationToken cancellationToken = default)
    {
        _buffer.ResetWrittenCount();
        JsonLegacyWriter.WriteResponse(_buffer, response);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="message"/> (which must not contain a newline) as a line and flushes, asynchronously.</summary>
    public ValueTask WriteLineAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(message.Span);
        return FlushAsync(cancellationToken);
    }

    private void Flush()
    {
        _buffer.Write("\n"u8);
        _stream.Write(_buffer.WrittenSpan);
        _stream.Flush();
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _buffer.Write("\n"u8);
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
