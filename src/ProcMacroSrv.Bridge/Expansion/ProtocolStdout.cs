using Microsoft.Win32.SafeHandles;
using ProcMacroSrv.Bridge.Native;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// Keeps the process's stdout for the protocol alone. A macro's <c>println!</c> is buffered by
/// its own copy of std and may be flushed at any later time, so diverting fd 1 only around each
/// call is not enough for a server: the protocol gets a private duplicate of stdout, and fd 1
/// points at stderr for the rest of the process.
/// </summary>
public static class ProtocolStdout
{
    /// <summary>True once <see cref="Reserve"/> has pointed fd 1 at stderr for good.</summary>
    internal static bool IsReserved { get; private set; }

    /// <summary>Returns a stream on the original stdout and points fd 1 at stderr from now on.</summary>
    public static Stream Reserve()
    {
        LibC.FFlush(0);
        var stream = ReserveDescriptor(1, 2, FileAccess.Write, "stdout");
        IsReserved = true;
        return stream;
    }

    /// <summary>
    /// A stream on a close-on-exec copy of <paramref name="fd"/> (a process a macro starts must
    /// not hold the protocol's pipe open), with <paramref name="fd"/> itself pointed at
    /// <paramref name="replacement"/> from now on.
    /// </summary>
    internal static Stream ReserveDescriptor(int fd, int replacement, FileAccess access, string what)
    {
        var copy = LibC.SetAside(fd, replacement);
        if (copy < 0) throw new IOException($"cannot set {what} aside for the protocol");
        return new FileStream(new SafeFileHandle(copy, ownsHandle: true), access, bufferSize: 0);
    }
}
