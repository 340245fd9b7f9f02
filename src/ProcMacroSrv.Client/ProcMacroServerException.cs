namespace ProcMacroSrv.Client;

/// <summary>
/// A transport-level failure talking to a proc-macro server: it exited, it answered with
/// something that is not the expected response, its answer could not be decoded, or it did not
/// answer in time. An expansion that fails inside the macro is not this; it is an
/// <see cref="ExpansionResult"/> with an error message.
/// </summary>
public sealed class ProcMacroServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="exitCode">The server's exit status, if it has exited.</param>
    /// <param name="standardError">The end of what the server wrote to stderr, if it was captured.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public ProcMacroServerException(string message, int? exitCode = null, string? standardError = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        StandardError = standardError;
    }

    /// <summary>The server's exit status, when it has exited.</summary>
    public int? ExitCode { get; }

    /// <summary>The end of the server's captured stderr, or null when stderr was not captured.</summary>
    public string? StandardError { get; }
}
