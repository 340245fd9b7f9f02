namespace ProcMacroSrv.Inspection;

/// <summary>What <see cref="DylibInspector.Inspect"/> learned about a proc-macro dylib without loading it.</summary>
/// <param name="Path">The canonical path: absolute, with symbolic links and <c>..</c> resolved.</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="LastWriteTimeUtc">The modification time, read from the open file; a cache compares it to notice rebuilds.</param>
/// <param name="RustcVersion">The version string of the rustc that built the dylib, from its `.rustc` section.</param>
/// <param name="MetadataVersion">The `.rustc` metadata format version (6, 8, 9 or 10).</param>
/// <param name="Registrar">The exported symbol that lists the crate's proc macros.</param>
/// <param name="Machine">The ELF machine; always <see cref="ElfMachine.X86_64"/>, since others are rejected.</param>
/// <param name="ExportedSymbolCount">How many defined GLOBAL or WEAK dynamic symbols the file exports.</param>
public sealed record DylibInfo(
    string Path,
    long Length,
    DateTime LastWriteTimeUtc,
    RustcVersion RustcVersion,
    int MetadataVersion,
    RegistrarSymbol Registrar,
    ElfMachine Machine,
    int ExportedSymbolCount);
