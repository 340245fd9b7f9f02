using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>Byte offsets in an ELF64 header and section header, for patching copies of real files.</summary>
internal static class ElfHeaders
{
    public const int DataEncoding = 5;   // EI_DATA
    public const int Type = 16;          // e_type
    public const int Machine = 18;       // e_machine
    public const int SectionTableOffset = 40; // e_shoff
    public const int SectionEntrySize = 58;   // e_shentsize
    public const int SectionCount = 60;       // e_shnum
    public const int SectionNameIndex = 62;   // e_shstrndx
    public const int SectionOffsetField = 24; // sh_offset within a section header
    public const int SectionSizeField = 32;   // sh_size within a section header

    public static void WriteUInt16(byte[] bytes, int offset, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), value);

    public static void WriteUInt64(byte[] bytes, int offset, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);

    /// <summary>The file offset of the section header of the section called <paramref name="name"/>.</summary>
    public static int SectionHeaderOffset(string path, string name)
    {
        using SafeFileHandle file = File.OpenHandle(path);
        ElfFile elf = ElfFile.Read(file, RandomAccess.GetLength(file));
        ElfSection section = elf.FindSection(name) ?? throw new InvalidOperationException($"{path} has no {name}");
        byte[] header = new byte[64];
        RandomAccess.Read(file, header, 0);
        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(SectionTableOffset));
        return checked((int)tableOffset + section.Index * 64);
    }

    /// <summary>A minimal little-endian ELF32 ET_DYN header (52 bytes) with no sections.</summary>
    public static byte[] Elf32SharedObject(ushort machine)
    {
        byte[] header = new byte[52];
        header[0] = 0x7f;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = 1; // ELFCLASS32
        header[5] = 1; // ELFDATA2LSB
        header[6] = 1; // EV_CURRENT
        WriteUInt16(header, Type, 3);
        WriteUInt16(header, Machine, machine);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        WriteUInt16(header, 40, 52); // e_ehsize
        return header;
    }
}
