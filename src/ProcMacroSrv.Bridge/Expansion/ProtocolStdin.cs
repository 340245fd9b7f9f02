namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// Keeps the process's stdin for the protocol alone, as <see cref="ProtocolStdout"/> does for
/// stdout: a process a macro starts (<c>Command::spawn</c> and <c>status</c> pass stdin on by
/// default) must neither read the requests meant for the server nor keep their pipe open after
/// the server has gone.
/// </summary>
public static class ProtocolStdin
{
    /// <summary>Returns a stream on the original stdin (close-on-exec) and points fd 0 at /dev/null from now on.</summary>
    /// <exception cref="IOException">The descriptors cannot be rearranged.</exception>
    public static Stream Reserve()
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        return ProtocolStdout.ReserveDescriptor(0, (int)devNull.DangerousGetHandle(), FileAccess.Read, "stdin");
    }
}
