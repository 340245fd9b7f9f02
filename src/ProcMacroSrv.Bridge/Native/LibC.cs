using System.Runtime.InteropServices;

namespace ProcMacroSrv.Bridge.Native;

/// <summary>The few libc functions the bridge needs: the dynamic loader, the C environment and file descriptors.</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int RTLD_NOW = 0x2;
    public const int RTLD_LOCAL = 0x0;
    public const int RTLD_DEEPBIND = 0x8;

    [LibraryImport(Lib, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DlOpen(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DlSym(nint handle, string symbol);

    [LibraryImport(Lib, EntryPoint = "dlerror")]
    public static partial nint DlError();

    /// <summary>The loader's last error message, or a fallback.</summary>
    public static string LastDlError() => Marshal.PtrToStringUTF8(DlError()) ?? "unknown dynamic loader error";

    // .NET's Environment keeps its own copy of the environment; a macro reads the C one.
    [LibraryImport(Lib, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(Lib, EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UnsetEnv(string name);

    [LibraryImport(Lib, EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetEnv(string name);

    // fcntl is variadic; its integer argument goes where the fixed-argument call puts it on x86-64.
    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    public const int F_DUPFD_CLOEXEC = 1030;
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    /// <summary><c>struct pollfd</c>.</summary>
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    public const short POLLIN = 0x1;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    // prctl is declared variadic; every argument is passed (unused ones zero), as the kernel takes five.
    [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    public const int PR_SET_PDEATHSIG = 1;
    public const int SIGKILL = 9;

    [LibraryImport(Lib, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>
    /// Sets <paramref name="fd"/>'s file aside on a new close-on-exec descriptor (returned; a
    /// process a macro starts must not inherit it) and points <paramref name="fd"/> at
    /// <paramref name="replacement"/>; -1, with nothing changed, when either step fails.
    /// </summary>
    public static int SetAside(int fd, int replacement)
    {
        var copy = Fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0) return -1;
        if (Dup2(replacement, fd) >= 0) return copy;
        Close(copy);
        return -1;
    }

    [LibraryImport(Lib, EntryPoint = "fflush")]
    public static partial int FFlush(nint stream);

    // The address of `char **environ`, found once through the loader (RTLD_DEFAULT).
    private static readonly nint EnvironAddress = DlSym(0, "environ");

    /// <summary>
    /// The entries of the C environment (`environ`: pointers to "NAME=value" strings, up to the
    /// terminating null), copied into <paramref name="entries"/>, grown as needed; returns how many.
    /// setenv, unsetenv and putenv all change this array, so comparing it with a copy
    /// (<see cref="EnvironEquals"/>) tells whether anyone changed the environment in between.
    /// </summary>
    public static int CopyEnvironEntries(ref nint[] entries)
    {
        if (EnvironAddress == 0) return -1;
        var environ = *(nint**)EnvironAddress;
        var count = 0;
        if (environ is null) return 0;
        for (; environ[count] != 0; count++)
        {
            if (count == entries.Length) Array.Resize(ref entries, Math.Max(64, entries.Length * 2));
            entries[count] = environ[count];
        }
        return count;
    }

    /// <summary>
    /// True when the C environment's entries are exactly <paramref name="entries"/> (as
    /// <see cref="CopyEnvironEntries"/> copied them), compared in place. Pointers are compared,
    /// not the strings: glibc's setenv always installs a new string for a changed value.
    /// </summary>
    public static bool EnvironEquals(ReadOnlySpan<nint> entries)
    {
        if (EnvironAddress == 0) return false;
        var environ = *(nint**)EnvironAddress;
        if (environ is null) return entries.IsEmpty;
        for (var i = 0; i < entries.Length; i++)
        {
            if (environ[i] != entries[i]) return false;
        }
        return environ[entries.Length] == 0;
    }

    /// <summary>The C-level value of an environment variable (what a macro sees), or null.</summary>
    public static string? ReadEnv(string name) => Marshal.PtrToStringUTF8(GetEnv(name));
}
