using ProcMacroSrv.Bridge.Native;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// The process that hosts macros, as seen from outside it: which of its descriptors the processes
/// that macros start may inherit, whether anybody still reads a pipe it writes, and that it ends
/// with the process that started it.
/// </summary>
public static class HostProcess
{
    /// <summary>
    /// True when nobody can read what is written to <paramref name="fd"/> any more: a pipe whose
    /// reading end is closed (its reader has gone). False when it cannot tell (not a pipe).
    /// </summary>
    public static bool ReaderGone(int fd)
    {
        // On Linux, poll reports POLLERR for a pipe's writing end once it has no reader left.
        var poll = new LibC.PollFd { Fd = fd };
        return LibC.Poll(ref poll, 1, 0) == 1 && (poll.Revents & LibC.POLLERR) != 0;
    }

    /// <summary>True when a read of <paramref name="fd"/> would not wait: something to read, or its end.</summary>
    public static bool HasInput(int fd)
    {
        var poll = new LibC.PollFd { Fd = fd, Events = LibC.POLLIN };
        return LibC.Poll(ref poll, 1, 0) == 1 && (poll.Revents & (LibC.POLLIN | LibC.POLLHUP)) != 0;
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

    /// <summary>
    /// Makes the kernel kill this process (SIGKILL) when the thread that started it ends, and
    /// tells whether that has already happened: true when the parent is still there, judged by
    /// <paramref name="toParent"/>, a pipe whose reading end only the parent holds.
    /// </summary>
    /// <remarks>
    /// A worker whose supervisor was killed would otherwise run its macro on and keep the
    /// client's stdout open, so that the client waits for an answer nobody will finish instead of
    /// seeing its server end. The kernel ties the signal to the starting thread, not its process:
    /// the parent must start its workers from a thread that lives as long as it serves.
    /// </remarks>
    /// <exception cref="IOException">The kernel refused the request.</exception>
    public static bool EndWithParent(int toParent)
    {
        if (LibC.Prctl(LibC.PR_SET_PDEATHSIG, LibC.SIGKILL, 0, 0, 0) != 0)
            throw new IOException($"cannot tie this process's end to its parent's (prctl: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        // The parent may have ended before the request was made; its pipe tells.
        return !ReaderGone(toParent);
    }
}
