using System.Runtime.InteropServices;

namespace ProcMacroSrv.Inspection;

/// <summary>The type of a file system entry, as the S_IFMT bits of its mode say.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// Finds out what kind of file a path names without opening it. Opening a FIFO for reading blocks
/// until a writer appears, and .NET 10 has no managed API that tells a FIFO or a device from an
/// empty regular file (File.GetAttributes says Normal for all three), so this asks the kernel with
/// statx(2).
/// </summary>
/// <remarks>
/// This is the one native call in the inspection layer. It is sound without <c>unsafe</c>: the
/// buffer is a managed array of the size the kernel's struct statx has (256 bytes), which the
/// marshaller pins for the call, and the path is marshalled as a NUL-terminated UTF-8 copy.
/// </remarks>
internal static class FileKinds
{
    private const int CurrentDirectory = -100; // AT_FDCWD: relative paths resolve against the working directory
    private const uint TypeMask = 0x1; // STATX_TYPE
    private const int StatxLength = 256;
    private const int MaskOffset = 0;
    private const int ModeOffset = 28;

    /// <summary>The kind of file <paramref name="path"/> names, following symbolic links; null if the platform cannot tell.</summary>
    public static FileKind? Probe(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        byte[] buffer = new byte[StatxLength];
        try
        {
            if (Statx(CurrentDirectory, path, 0, TypeMask, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without statx (glibc before 2.28): the caller falls back to the length check.
            return null;
        }

        if ((BitConverter.ToUInt32(buffer, MaskOffset) & TypeMask) == 0)
        {
            return null;
        }

        // The struct is in the host's byte order.
        ushort mode = BitConverter.ToUInt16(buffer, ModeOffset);
        return (mode & 0xf000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xc000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    [DllImport("libc", EntryPoint = "statx", ExactSpelling = true)]
    private static extern int Statx(
        int directory,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        int flags,
        uint mask,
        [Out] byte[] buffer);
}
