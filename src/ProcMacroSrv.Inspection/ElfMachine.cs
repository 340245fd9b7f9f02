namespace ProcMacroSrv.Inspection;

/// <summary>
/// ELF <c>e_machine</c> values. Only <see cref="X86_64"/> is accepted; the others are named so
/// that a rejection can say which architecture a file was built for.
/// </summary>
public enum ElfMachine : ushort
{
    /// <summary>No machine (EM_NONE).</summary>
    None = 0,

    /// <summary>SPARC (EM_SPARC).</summary>
    Sparc = 2,

    /// <summary>Intel 80386 (EM_386).</summary>
    I386 = 3,

    /// <summary>MIPS (EM_MIPS).</summary>
    Mips = 8,

    /// <summary>PowerPC (EM_PPC).</summary>
    PowerPC = 20,

    /// <summary>64-bit PowerPC (EM_PPC64).</summary>
    PowerPC64 = 21,

    /// <summary>IBM S/390 and z/Architecture (EM_S390).</summary>
    S390 = 22,

    /// <summary>32-bit ARM (EM_ARM).</summary>
    Arm = 40,

    /// <summary>SPARC V9 (EM_SPARCV9).</summary>
    SparcV9 = 43,

    /// <summary>x86-64 (EM_X86_64), the only machine this server supports.</summary>
    X86_64 = 62,

    /// <summary>64-bit ARM (EM_AARCH64).</summary>
    AArch64 = 183,

    /// <summary>RISC-V (EM_RISCV).</summary>
    RiscV = 243,

    /// <summary>LoongArch (EM_LOONGARCH).</summary>
    LoongArch = 258,
}

internal static class ElfMachineNames
{
    /// <summary>"AArch64 (machine 183)": the familiar name plus the raw number, which is what readelf users search for.</summary>
    public static string Describe(ushort machine)
    {
        string? name = (ElfMachine)machine switch
        {
            ElfMachine.None => "no machine",
            ElfMachine.Sparc => "SPARC",
            ElfMachine.I386 => "Intel 80386",
            ElfMachine.Mips => "MIPS",
            ElfMachine.PowerPC => "PowerPC",
            ElfMachine.PowerPC64 => "PowerPC64",
            ElfMachine.S390 => "IBM S/390",
            ElfMachine.Arm => "ARM",
            ElfMachine.SparcV9 => "SPARC V9",
            ElfMachine.X86_64 => "x86-64",
            ElfMachine.AArch64 => "AArch64",
            ElfMachine.RiscV => "RISC-V",
            ElfMachine.LoongArch => "LoongArch",
            _ => null,
        };
        return name is null ? $"machine {machine}" : $"{name} (machine {machine})";
    }
}
