namespace ProcMacroSrv.Server;

/// <summary>
/// Is told about each answer an <see cref="InProcessHandler"/> writes: an expansion worker tells
/// its supervisor (see <c>Isolation/AnswerReporter</c>), which then ends the answer's line.
/// </summary>
internal interface IAnswerObserver
{
    /// <summary>The answer has been made and is about to be written.</summary>
    void Begins();

    /// <summary>The answer is out, all but its newline.</summary>
    void Ends();

    /// <summary>Writing the answer failed: nobody reads the client's stdout any more.</summary>
    void ClientGone();
}
