namespace ProcMacroSrv.Server.Isolation;

/// <summary>
/// What a worker tells its supervisor about each answer, one byte each on a pipe of their own.
/// The worker writes its answers straight to the client's stdout (the supervisor does not carry
/// them), so the supervisor learns from these when an answer has begun (the macro is done: the
/// time and memory limits stop applying), when it is complete, or that the client has gone.
/// </summary>
internal static class AnswerReport
{
    /// <summary>The first byte of an answer is about to reach the client.</summary>
    public const byte Begins = (byte)'B';

    /// <summary>
    /// The answer is out but for its newline, which the supervisor writes: the client cannot see
    /// a complete answer before the supervisor knows it is complete, so a worker killed at any
    /// moment never leaves the supervisor unsure whether the client has its answer.
    /// </summary>
    public const byte Ends = (byte)'E';

    /// <summary>Writing to the client failed: it has gone, and the worker ends.</summary>
    public const byte ClientGone = (byte)'G';
}

/// <summary>
/// A worker's protocol stdout (the client's): reports <see cref="AnswerReport.Begins"/> before
/// the first byte of each answer; holds back the line's newline (the only newline of a json-legacy
/// line is its end) and reports <see cref="AnswerReport.Ends"/> at the flush after it
/// (<c>JsonLineWriter</c> flushes once per line, right after the newline), for the supervisor to
/// write it; reports <see cref="AnswerReport.ClientGone"/> when a write fails.
/// </summary>
internal sealed class ReportingStdout(Stream client, Stream reports) : Stream
{
    private bool _answering;
    private bool _lineEnded;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_answering)
        {
            Report(AnswerReport.Begins);
            _answering = true;
        }
        var ended = !buffer.IsEmpty && buffer[^1] == (byte)'\n';
        if (ended) buffer = buffer[..^1];
        try
        {
            if (!buffer.IsEmpty) client.Write(buffer);
        }
        catch (IOException)
        {
            Report(AnswerReport.ClientGone);
            throw;
        }
        _lineEnded = ended;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
        try
        {
            client.Flush();
        }
        catch (IOException)
        {
            Report(AnswerReport.ClientGone);
            throw;
        }
        // Only a complete line is an answer's end: the supervisor writes its newline.
        if (!_answering || !_lineEnded) return;
        _answering = false;
        _lineEnded = false;
        Report(AnswerReport.Ends);
    }

    // A supervisor that has gone fails this write too: the worker then ends as for a lost client.
    private void Report(byte report)
    {
        reports.WriteByte(report);
        reports.Flush();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
