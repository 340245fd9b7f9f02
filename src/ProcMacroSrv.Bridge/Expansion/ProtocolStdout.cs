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
        var copy = LibC.Fcntl(fd, LibC.F_DUPFD_CLOEXEC, 3);
        if (copy < 0) throw new IOException($"cannot duplicate {what} for the protocol");
        if (LibC.Dup2(replacement, fd) < 0) throw new IOException($"cannot point {what} elsewhere");
        return new FileStream(new SafeFileHandle(copy, ownsHandle: true), access, bufferSize: 0);
    }

    /// <summary>
    /// True when nobody can read what is written to <paramref name="fd"/> any more: a pipe whose
    /// reading end is closed (the client has gone). False when it cannot tell (not a pipe).
    /// </summary>
    public static bool ReaderGone(int fd)
    {
        // On Linux, poll reports POLLERR for a pipe's writing end once it has no reader left.
        var poll = new LibC.PollFd { Fd = fd };
        return LibC.Poll(ref poll, 1, 0) == 1 && (poll.Revents & LibC.POLLERR) != 0;
    }

    /// <summary>
    /// Keeps an inherited descriptor of the server's own (a worker's report pipe) from the
    /// processes that macros start, so that its end is seen when the server's process ends.
    /// </summary>
    /// <exception cref="IOException">The descriptor is not open.</exception>
    public static void KeepFromChildProcesses(int fd)
    {
        var flags = LibC.Fcntl(fd, LibC.F_GETFD, 0);
        if (flags < 0 || LibC.Fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC) < 0)
            throw new IOException($"cannot mark descriptor {fd} close-on-exec");
    }
}
