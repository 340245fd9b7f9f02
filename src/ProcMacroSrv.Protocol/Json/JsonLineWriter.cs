using System.Buffers;

namespace ProcMacroSrv.Protocol.Json;

/// <summary>
/// Writes json-legacy messages as lines (protocol.md section 2.1): the compact message, a
/// <c>\n</c>, then a flush, so that the peer sees each message as soon as it is complete.
/// </summary>
public sealed class JsonLineWriter
{
    private readonly Stream _stream;
    private readonly ChunkedLine _chunks;

    /// <summary>Writes to <paramref name="stream"/>; the writer does not own or dispose it.</summary>
    public JsonLineWriter(Stream stream)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _chunks = new ChunkedLine(_stream);
    }

    /// <summary>A line's bytes, sent to the stream whenever a chunk is full.</summary>
    private sealed class ChunkedLine(Stream stream) : IBufferWriter<byte>
    {
        private const int ChunkSize = 64 * 1024;
        private byte[] _chunk = new byte[ChunkSize];
        private int _count;

        public void Reset()
        {
            _count = 0;
            // A single oversized request for room (a huge string) grew the chunk: give it back.
            if (_chunk.Length > ChunkSize) _chunk = new byte[ChunkSize];
        }

        public void Advance(int count)
        {
            if ((uint)count > (uint)(_chunk.Length - _count)) throw new ArgumentOutOfRangeException(nameof(count));
            _count += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            // Room first: it may replace the chunk.
            var start = Room(sizeHint);
            return _chunk.AsMemory(start);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            var start = Room(sizeHint);
            return _chunk.AsSpan(start);
        }

        private int Room(int sizeHint)
        {
            var needed = Math.Max(sizeHint, 1);
            if (_chunk.Length - _count >= needed) return _count;
            Send();
            if (needed > _chunk.Length) _chunk = new byte[needed];
            return 0;
        }

        /// <summary>The message and its newline in the chunk, or empty when it does not fit.</summary>
        public ReadOnlyMemory<byte> TakeWhole(ReadOnlySpan<byte> message)
        {
            Reset();
            if (message.Length >= _chunk.Length) return ReadOnlyMemory<byte>.Empty;
            message.CopyTo(_chunk);
            _chunk[message.Length] = (byte)'\n';
            return _chunk.AsMemory(0, message.Length + 1);
        }

        public void Send()
        {
            if (_count == 0) return;
            stream.Write(_chunk, 0, _count);
            _count = 0;
        }
    }

    /// <summary>Writes a request line and flushes.</summary>
    public void WriteRequest(Request request)
    {
        JsonLegacyWriter.WriteRequest(BeginLine(), request);
        EndLine();
    }

    /// <summary>Writes a response line and flushes.</summary>
    public void WriteResponse(Response response)
    {
        JsonLegacyWriter.WriteResponse(BeginLine(), response);
        EndLine();
    }

    /// <summary>Writes <paramref name="message"/> (which must not contain a newline) as a line and flushes.</summary>
    public void WriteLine(ReadOnlySpan<byte> message)
    {
        // As WriteLineAsync: one write when it fits in a chunk, else the message as it is (not
        // copied) and its newline after it.
        var line = _chunks.TakeWhole(message);
        if (line.IsEmpty)
        {
            _stream.Write(message);
            line = Newline;
        }
        _stream.Write(line.Span);
        _stream.Flush();
    }

    /// <summary>
    /// Starts a line written piece by piece: what is written to the returned writer goes to the
    /// stream in chunks of about 64 KiB as it comes, so a message of any size costs one chunk of
    /// memory, and the peer can read the start of a large message while the rest is being made.
    /// <see cref="EndLine"/> ends the line and flushes.
    /// </summary>
    public IBufferWriter<byte> BeginLine()
    {
        _chunks.Reset();
        return _chunks;
    }

    /// <summary>Ends the line started by <see cref="BeginLine"/>: writes what is left, the newline, and flushes.</summary>
    /// <param name="newline">
    /// False to leave the newline to another writer on the same stream: an expansion worker writes
    /// its answers so, and its supervisor ends each line once it knows the answer is complete.
    /// </param>
    public void EndLine(bool newline = true)
    {
        if (newline)
        {
            _chunks.GetSpan(1)[0] = (byte)'\n';
            _chunks.Advance(1);
        }
        _chunks.Send();
        _stream.Flush();
    }

    /// <summary>Writes <paramref name="message"/> (which must not contain a newline) as a line and flushes, asynchronously.</summary>
    public async ValueTask WriteLineAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        // A message that fits in a chunk goes out with its newline in one write; a larger one is
        // written as it is (not copied) and its newline after it.
        var line = _chunks.TakeWhole(message.Span);
        if (line.IsEmpty)
        {
            await _stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            line = Newline;
        }
        await _stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static readonly ReadOnlyMemory<byte> Newline = new[] { (byte)'\n' };
}
