using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ProcMacroSrv.Inspection;

/// <summary>
/// A little-endian ELF64 x86-64 shared object, read from an open file without loading it: the
/// header, the section header table and, on request, single sections and the dynamic symbols.
/// </summary>
/// <remarks>
/// Every offset and size comes from the file and is treated as a claim: it is checked against
/// the file's length before anything is allocated or read, so a corrupt or truncated file ends in
/// an <see cref="InvalidDataException"/> (whose message is a reason for the user), never in a huge
/// allocation or an out-of-range read. The file handle is borrowed, not owned.
/// </remarks>
internal sealed class ElfFile
{
    private const int HeaderLength = 64;
    private const int SectionHeaderLength = 64;
    private const int SymbolLength = 24;
    private const ushort SharedObjectType = 3;
    private const ushort ExtendedSectionIndex = 0xffff;

    private static ReadOnlySpan<byte> Magic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    private readonly SafeFileHandle _file;

    private ElfFile(SafeFileHandle file, long length, IReadOnlyList<ElfSection> sections)
    {
        _file = file;
        Length = length;
        Sections = sections;
    }

    /// <summary>The file's length when it was opened; all bounds are checked against it.</summary>
    public long Length { get; }

    /// <summary>Always <see cref="ElfMachine.X86_64"/>: anything else is rejected by <see cref="Read"/>.</summary>
    public ElfMachine Machine => ElfMachine.X86_64;

    /// <summary>The section header table in file order; index 0 is the null section.</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>Reads and validates the ELF header and the section header table.</summary>
    /// <param name="file">An open, seekable handle to a regular file.</param>
    /// <param name="length">The file's length.</param>
    /// <exception cref="InvalidDataException">Not a readable x86-64 ELF64 shared object.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static ElfFile Read(SafeFileHandle file, long length)
    {
        byte[] header = new byte[(int)Math.Min(length, HeaderLength)];
        ReadExactly(file, header, 0);
        ValidateHeader(header, length);

        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
        ushort entryLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(58));
        ushort entryCount = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(60));
        ushort nameTableIndex = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(62));

        if (tableOffset == 0)
        {
            throw new InvalidDataException(
                "the ELF file has no section header table (e_shoff is 0), so it has no `.rustc` section to read");
        }

        if (entryLength < SectionHeaderLength)
        {
            throw new InvalidDataException(
                $"corrupt ELF header: section header entries are {entryLength} bytes, expected at least {SectionHeaderLength}");
        }

        if (tableOffset > (ulong)length || (ulong)length - tableOffset < entryLength)
        {
            throw new InvalidDataException(
                $"truncated ELF file: the section header table starts at offset {tableOffset}, " +
                $"but the file ends at {length}");
        }

        // With 0xff00 or more sections the real count and name-table index live in section 0
        // (ELF "extended numbering"), so section 0 is read before the rest.
        ulong count = entryCount;
        ulong stringTableIndex = nameTableIndex;
        if (entryCount == 0 || nameTableIndex == ExtendedSectionIndex)
        {
            byte[] first = new byte[SectionHeaderLength];
            ReadExactly(file, first, (long)tableOffset);
            if (entryCount == 0)
            {
                count = BinaryPrimitives.ReadUInt64LittleEndian(first.AsSpan(32));
            }

            if (nameTableIndex == ExtendedSectionIndex)
            {
                stringTableIndex = BinaryPrimitives.ReadUInt32LittleEndian(first.AsSpan(40));
            }
        }

        if (count == 0)
        {
            throw new InvalidDataException("the ELF file has an empty section header table, so it has no `.rustc` section");
        }

        ulong room = ((ulong)length - tableOffset) / entryLength;
        if (count > room)
        {
            throw new InvalidDataException(
                $"truncated ELF file: the section header table ({count} entries of {entryLength} bytes at offset " +
                $"{tableOffset}) extends beyond the end of the file ({length} bytes)");
        }

        ulong tableLength = count * entryLength;
        if (tableLength > (ulong)Array.MaxLength)
        {
            throw new InvalidDataException($"corrupt ELF file: a section header table of {tableLength} bytes");
        }

        byte[] table = new byte[(int)tableLength];
        ReadExactly(file, table, (long)tableOffset);

        if (stringTableIndex == 0 || stringTableIndex >= count)
        {
            throw new InvalidDataException(
                $"corrupt ELF header: the section name table index is {stringTableIndex}, but there are {count} sections");
        }

        var unnamed = new (uint NameOffset, ElfSection Section)[count];
        for (int i = 0; i < unnamed.Length; i++)
        {
            ReadOnlySpan<byte> entry = table.AsSpan(i * entryLength, SectionHeaderLength);
            unnamed[i] = (
                BinaryPrimitives.ReadUInt32LittleEndian(entry),
                new ElfSection(
                    Index: i,
                    Name: "",
                    Type: BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                    Flags: BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                    Offset: BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]),
                    Size: BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
                    Link: BinaryPrimitives.ReadUInt32LittleEndian(entry[40..]),
                    EntrySize: BinaryPrimitives.ReadUInt64LittleEndian(entry[56..])));
        }

        ElfSection nameTableSection = unnamed[(int)stringTableIndex].Section with { Name = "section name table" };
        byte[] names = ReadSection(file, length, nameTableSection, int.MaxValue);

        var sections = new ElfSection[unnamed.Length];
        for (int i = 0; i < sections.Length; i++)
        {
            sections[i] = unnamed[i].Section with { Name = ReadString(names, unnamed[i].NameOffset, "section name table") };
        }

        return new ElfFile(file, length, sections);
    }

    /// <summary>The first section called <paramref name="name"/>, or null.</summary>
    public ElfSection? FindSection(string name)
    {
        foreach (ElfSection section in Sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Reads the first <paramref name="maxLength"/> bytes (or all, if shorter) of a section.</summary>
    /// <exception cref="InvalidDataException">The section has no file bytes or lies beyond the end of the file.</exception>
    public byte[] ReadSection(ElfSection section, int maxLength = int.MaxValue) =>
        ReadSection(_file, Length, section, maxLength);

    /// <summary>
    /// The dynamic symbol table (.dynsym, found by type) with names from the string table it links
    /// to, without the null entry 0; empty if the file has no dynamic symbol table.
    /// </summary>
    public IReadOnlyList<ElfSymbol> ReadDynamicSymbols()
    {
        ElfSection? found = null;
        foreach (ElfSection section in Sections)
        {
            if (section.Type == ElfSection.DynamicSymbolsType)
            {
                found = section;
                break;
            }
        }

        if (found is not { } symbolTable)
        {
            return [];
        }

        ulong entryLength = symbolTable.EntrySize == 0 ? SymbolLength : symbolTable.EntrySize;
        if (entryLength < SymbolLength || entryLength > int.MaxValue)
        {
            throw new InvalidDataException(
                $"corrupt ELF file: `{symbolTable.Name}` entries are {symbolTable.EntrySize} bytes, expected {SymbolLength}");
        }

        if (symbolTable.Link == 0 || symbolTable.Link >= Sections.Count)
        {
            throw new InvalidDataException(
                $"corrupt ELF file: `{symbolTable.Name}` names its string table as section {symbolTable.Link}, " +
                $"but there are {Sections.Count} sections");
        }

        ElfSection stringTable = Sections[(int)symbolTable.Link];
        if (stringTable.Type != ElfSection.StringTableType)
        {
            throw new InvalidDataException(
                $"corrupt ELF file: `{symbolTable.Name}` names section `{stringTable.Name}` as its string table, " +
                "which is not a string table");
        }

        byte[] entries = ReadSection(symbolTable);
        byte[] strings = ReadSection(stringTable);
        int stride = (int)entryLength;
        int count = entries.Length / stride;
        var symbols = new ElfSymbol[Math.Max(0, count - 1)];
        for (int i = 1; i < count; i++)
        {
            ReadOnlySpan<byte> entry = entries.AsSpan(i * stride, SymbolLength);
            byte info = entry[4];
            symbols[i - 1] = new ElfSymbol(
                Name: ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(entry), stringTable.Name),
                Type: (ElfSymbolType)(info & 0xf),
                Binding: (ElfSymbolBinding)(info >> 4),
                SectionIndex: BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]),
                Value: BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                Size: BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]));
        }

        return symbols;
    }

    private static void ValidateHeader(ReadOnlySpan<byte> header, long length)
    {
        if (header.Length < Magic.Length && Magic.StartsWith(header))
        {
            throw new InvalidDataException($"truncated ELF header: the file has only {length} bytes");
        }

        if (header.Length < Magic.Length || !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException(
                $"not an ELF file: it starts with {Convert.ToHexString(header[..Math.Min(header.Length, 4)])}, " +
                "not the ELF magic 7F454C46 (\\x7fELF)");
        }

        // e_machine (offset 18) is at the same place in 32- and 64-bit headers, so it can name the
        // architecture of files rejected for their class or byte order too.
        if (header.Length < 20)
        {
            throw new InvalidDataException($"truncated ELF header: the file has {length} bytes, an ELF64 header needs {HeaderLength}");
        }

        byte elfClass = header[4];
        byte encoding = header[5];
        ushort machine = encoding == 2
            ? BinaryPrimitives.ReadUInt16BigEndian(header[18..])
            : BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
        string machineName = ElfMachineNames.Describe(machine);

        switch (elfClass)
        {
            case 1:
                throw new InvalidDataException(
                    $"32-bit ELF (ELFCLASS32) for {machineName}: expected a 64-bit x86-64 shared object");
            case 2:
                break;
            default:
                throw new InvalidDataException($"corrupt ELF header: unknown class {elfClass} (EI_CLASS), expected 2 (64-bit)");
        }

        switch (encoding)
        {
            case 1:
                break;
            case 2:
                throw new InvalidDataException(
                    $"big-endian ELF (ELFDATA2MSB) for {machineName}: expected a little-endian x86-64 shared object");
            default:
                throw new InvalidDataException($"corrupt ELF header: unknown data encoding {encoding} (EI_DATA), expected 1 (little-endian)");
        }

        if (header[6] != 1)
        {
            throw new InvalidDataException($"corrupt ELF header: unknown ELF version {header[6]} (EI_VERSION), expected 1");
        }

        if (machine != (ushort)ElfMachine.X86_64)
        {
            throw new InvalidDataException($"ELF for {machineName}, expected x86-64 (machine 62)");
        }

        if (header.Length < HeaderLength)
        {
            throw new InvalidDataException($"truncated ELF header: the file has {length} bytes, an ELF64 header needs {HeaderLength}");
        }

        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        if (type != SharedObjectType)
        {
            string kind = type switch
            {
                0 => "ET_NONE (no file type)",
                1 => "ET_REL (a relocatable object file, `.o`)",
                2 => "ET_EXEC (an executable)",
                4 => "ET_CORE (a core dump)",
                _ => $"{type}",
            };
            throw new InvalidDataException($"not a shared object: the ELF type is {kind}, expected ET_DYN (a `.so`)");
        }
    }

    private static byte[] ReadSection(SafeFileHandle file, long length, ElfSection section, int maxLength)
    {
        if (!section.HasFileBytes)
        {
            throw new InvalidDataException($"section `{section.Name}` has no bytes in the file (SHT_NOBITS)");
        }

        if (section.Offset > (ulong)length || section.Size > (ulong)length - section.Offset)
        {
            throw new InvalidDataException(
                $"truncated ELF file: section `{section.Name}` ({section.Size} bytes at offset {section.Offset}) " +
                $"extends beyond the end of the file ({length} bytes)");
        }

        ulong wanted = Math.Min(section.Size, (ulong)Math.Max(0, maxLength));
        if (wanted > (ulong)Array.MaxLength)
        {
            throw new InvalidDataException($"section `{section.Name}` is too large to read ({section.Size} bytes)");
        }

        byte[] bytes = new byte[(int)wanted];
        ReadExactly(file, bytes, (long)section.Offset);
        return bytes;
    }

    private static string ReadString(byte[] table, uint offset, string tableName)
    {
        if (offset >= table.Length)
        {
            throw new InvalidDataException(
                $"corrupt ELF file: a name at offset {offset} lies outside the {tableName} ({table.Length} bytes)");
        }

        int end = Array.IndexOf(table, (byte)0, (int)offset);
        if (end < 0)
        {
            throw new InvalidDataException($"corrupt ELF file: a name at offset {offset} in the {tableName} is not NUL-terminated");
        }

        return Encoding.UTF8.GetString(table, (int)offset, end - (int)offset);
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                // The length was checked when the file was opened; a short read means it shrank since.
                throw new InvalidDataException(
                    $"the file ended at offset {offset} while it was being read (is it being rebuilt?)");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }
}
