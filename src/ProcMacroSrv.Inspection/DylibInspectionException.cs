namespace ProcMacroSrv.Inspection;

/// <summary>
/// The one exception <see cref="DylibInspector"/> throws: the file at <see cref="Path"/> is not a
/// proc-macro dylib this server can read, for the reason in <see cref="Reason"/>.
/// </summary>
public sealed class DylibInspectionException : Exception
{
    /// <summary>Creates the exception; <see cref="Exception.Message"/> becomes <c>"&lt;path&gt;: &lt;reason&gt;"</c>.</summary>
    /// <param name="path">The path as the caller gave it.</param>
    /// <param name="reason">What is wrong with the file, phrased for a Rust developer.</param>
    /// <param name="innerException">The underlying I/O or format error, if any.</param>
    public DylibInspectionException(string path, string reason, Exception? innerException = null)
        : base($"{path}: {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The path as the caller gave it (not canonicalized), so messages match what the user typed.</summary>
    public string Path { get; }

    /// <summary>What is wrong with the file, without the path.</summary>
    public string Reason { get; }
}
