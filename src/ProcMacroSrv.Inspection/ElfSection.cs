namespace ProcMacroSrv.Inspection;

/// <summary>One entry of an ELF64 section header table, with its name resolved.</summary>
internal readonly record struct ElfSection(
    int Index,
    string Name,
    uint Type,
    ulong Flags,
    ulong Offset,
    ulong Size,
    uint Link,
    ulong EntrySize)
{
    /// <summary>SHT_STRTAB.</summary>
    public const uint StringTableType = 3;

    /// <summary>SHT_NOBITS: occupies memory at run time but no bytes in the file (.bss).</summary>
    public const uint NoBitsType = 8;

    /// <summary>SHT_DYNSYM.</summary>
    public const uint DynamicSymbolsType = 11;

    /// <summary>SHF_COMPRESSED: the bytes start with an Elf64_Chdr and are zlib/zstd data.</summary>
    public const ulong CompressedFlag = 0x800;

    /// <summary>Whether the section has bytes in the file at all.</summary>
    public bool HasFileBytes => Type != NoBitsType;
}
