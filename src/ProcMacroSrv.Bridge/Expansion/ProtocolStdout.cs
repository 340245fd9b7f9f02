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
        // Close-on-exec: a process a macro starts must not hold the client's stdout open.
        var fd = LibC.Fcntl(1, LibC.F_DUPFD_CLOEXEC, 3);
        if (fd < 0) throw new IOException("cannot duplicate stdout for the protocol");
        LibC.FFlush(0);
        LibC.Dup2(2, 1);
        IsReserved = true;
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
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
