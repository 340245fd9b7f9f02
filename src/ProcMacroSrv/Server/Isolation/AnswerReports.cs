namespace ProcMacroSrv.Server.Isolation;

/// <summary>
/// What a worker tells its supervisor about each answer, one byte each on a pipe of their own
/// (sent by <see cref="AnswerReporter"/>).
/// The worker writes its answers straight to the client's stdout (the supervisor does not carry
/// them), so the supervisor learns from these when an answer has begun (the macro is done: the
/// time and memory limits stop applying), when it is complete, or that the client has gone.
/// </summary>
internal static class AnswerReport
{
    /// <summary>The answer has been made (the macro is done) and is about to be written to the client.</summary>
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
/// A worker's side of the reports (<see cref="AnswerReport"/>): its handler reports each answer as
/// it begins and ends, around writing it (without its newline, which the supervisor writes), and
/// that the client has gone when writing it fails.
/// </summary>
/// <remarks>A supervisor that has gone fails these writes: the worker then ends as for a lost client.</remarks>
internal sealed class AnswerReporter(Stream reports) : IAnswerObserver
{
    public void Begins() => Report(AnswerReport.Begins);

    public void Ends() => Report(AnswerReport.Ends);

    public void ClientGone() => Report(AnswerReport.ClientGone);

    private void Report(byte report)
    {
        reports.WriteByte(report);
        reports.Flush();
    }
}
