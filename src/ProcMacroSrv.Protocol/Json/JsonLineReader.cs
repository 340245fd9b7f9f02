using System.Buffers;

namespace ProcMacroSrv.Protocol.Json;

/// <summary>
/// Splits a json-legacy stream into messages (protocol.md section 2.1): one message per line;
/// lines that do not start with <c>{</c> (junk a macro printed, blank-ish lines, leading
/// whitespace) are skipped; an empty line or end of stream ends the conversation.
/// </summary>
/// <remarks>
/// One deliberate improvement over the reference: a final message without a trailing newline is
/// returned whole. The reference drops its last character unconditionally and then fails to
/// parse it. A <c>\r</c> before the newline is kept; it is JSON whitespace.
/// </remarks>
public sealed class JsonLineReader
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    // Bytes after _start already searched for a newline: a long line arriving in many reads is
    // scanned once, not once per read.
    private int _scanned;

    /// <summary>Reads from <paramref name="stream"/>; the reader does not own or dispose it.</summary>
    public JsonLineReader(Stream stream, int initialBufferSize = 64 * 1024)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _buffer = new byte[Math.Max(initialBufferSize, 16)];
    }

    /// <summary>
    /// Reads the next message line, without its newline. The memory stays valid until the next
    /// read. Returns false at the end of the conversation (end of stream or an empty line).
    /// </summary>
    public bool TryReadMessage(out ReadOnlyMemory<byte> message)
    {
        while (true)
        {
            if (TryTakeLine(out var line, out var ended))
            {
                if (ended) { message = default; return false; }
                if (IsMessage(line.Span)) { message = line; return true; }
                continue;
            }
            Fill(_stream.Read(Reserve().Span));
        }
    }

    /// <summary>
    /// Reads the next message line, without its newline. The memory stays valid until the next
    /// read. Returns empty memory at the end of the conversation (end of stream or an empty line);
    /// a message is never empty, since it starts with <c>{</c>.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryTakeLine(out var line, out var ended))
            {
                if (ended) return ReadOnlyMemory<byte>.Empty;
                if (IsMessage(line.Span)) return line;
                continue;
            }
            Fill(await _stream.ReadAsync(Reserve(), cancellationToken).ConfigureAwait(false));
        }
    }

    private static bool IsMessage(ReadOnlySpan<byte> line) => line.Length > 0 && line[0] == (byte)'{';

    /// <summary>Takes a complete line from the buffer if there is one, or reports the end.</summary>
    private bool TryTakeLine(out ReadOnlyMemory<byte> line, out bool ended)
    {
        ended = false;
        var pending = _buffer.AsSpan(_start, _end - _start);
        var found = pending[_scanned..].IndexOf((byte)'\n');
        var newline = found < 0 ? -1 : _scanned + found;
        _scanned = found < 0 ? pending.Length : 0;
        if (newline >= 0)
        {
            line = _buffer.AsMemory(_start, newline);
            _start += newline + 1;
            // An empty line ends the conversation, exactly as end of stream does.
            ended = newline == 0;
            return true;
        }
        if (_eof)
        {
            line = _buffer.AsMemory(_start, _end - _start);
            _start = _end;
            _scanned = 0;
            ended = line.IsEmpty;
            return true;
        }
        line = default;
        return false;
    }

    /// <summary>Makes room after the pending bytes and returns it to read into.</summary>
    private Memory<byte> Reserve()
    {
        if (_start > 0)
        {
            // Returned lines are only valid until the next read, so the pending tail can move.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        return _buffer.AsMemory(_end);
    }

    private void Fill(int read)
    {
        if (read == 0) _eof = true;
        else _end += read;
    }
}
