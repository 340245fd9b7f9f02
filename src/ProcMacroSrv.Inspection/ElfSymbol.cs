namespace ProcMacroSrv.Inspection;

/// <summary>STT_* values of an ELF symbol's type (low nibble of st_info).</summary>
internal enum ElfSymbolType : byte
{
    NoType = 0,
    Object = 1,
    Function = 2,
    Section = 3,
    File = 4,
    Common = 5,
    ThreadLocal = 6,
    GnuIndirectFunction = 10,
}

/// <summary>STB_* values of an ELF symbol's binding (high nibble of st_info).</summary>
internal enum ElfSymbolBinding : byte
{
    Local = 0,
    Global = 1,
    Weak = 2,
    GnuUnique = 10,
}

/// <summary>One entry of the dynamic symbol table (.dynsym), name resolved through its string table.</summary>
internal readonly record struct ElfSymbol(
    string Name,
    ElfSymbolType Type,
    ElfSymbolBinding Binding,
    ushort SectionIndex,
    ulong Value,
    ulong Size)
{
    /// <summary>Defined in this file (st_shndx is not SHN_UNDEF); undefined entries are imports.</summary>
    public bool IsDefined => SectionIndex != 0;

    /// <summary>What the dynamic loader can hand out from this file: defined, and GLOBAL or WEAK.</summary>
    public bool IsExported => IsDefined && Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak;
}
