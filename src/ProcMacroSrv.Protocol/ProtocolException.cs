namespace ProcMacroSrv.Protocol;

/// <summary>
/// A message or a token tree on the wire is malformed: bad JSON, an unknown variant, a missing
/// field, an index out of range, an invalid span. The message names the problem; the reference
/// server treats all of these as fatal, so a server that catches this should stop without
/// answering.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ProtocolException(string message, Exception innerException) : base(message, innerException) { }
}
