using Microsoft.Win32.SafeHandles;
using ProcMacroSrv.Bridge.Native;

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
        var fd = LibC.Fcntl(0, LibC.F_DUPFD_CLOEXEC, 3);
        if (fd < 0) throw new IOException("cannot duplicate stdin for the protocol");
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        {
            if (LibC.Dup2((int)devNull.DangerousGetHandle(), 0) < 0) throw new IOException("cannot point stdin at /dev/null");
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }
}
