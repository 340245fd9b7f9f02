using System.Text;

namespace ProcMacroSrv.Inspection;

/// <summary>
/// Reads a proc-macro dylib (an x86-64 ELF shared object built by rustc) without loading it:
/// which rustc built it, which `.rustc` metadata format it uses, and which registrar symbol
/// lists its macros. Nothing here calls dlopen or runs code from the file.
/// </summary>
public static class DylibInspector
{
    private const string RustcSectionName = ".rustc";

    /// <summary>Inspects the file at <paramref name="path"/>.</summary>
    /// <param name="path">Absolute, or relative to the current directory; symbolic links are followed.</param>
    /// <returns>What the file says about itself.</returns>
    /// <exception cref="DylibInspectionException">For every problem with the file, with a reason naming what is wrong.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null (a caller bug, not a bad file).</exception>
    public static DylibInfo Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return InspectFile(path);
        }
        catch (InvalidDataException e)
        {
            throw new DylibInspectionException(path, e.Message, e);
        }
        catch (FileNotFoundException e)
        {
            throw new DylibInspectionException(path, "no such file", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DylibInspectionException(path, "no such file (a directory on the way does not exist)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DylibInspectionException(path, "permission denied", e);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ArgumentException)
        {
            throw new DylibInspectionException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    private static DylibInfo InspectFile(string path)
    {
        if (path.Length == 0)
        {
            throw new InvalidDataException("empty path");
        }

        string canonical = CanonicalPath.Resolve(path);
        if (Directory.Exists(canonical))
        {
            throw new InvalidDataException("is a directory, not a proc-macro dylib (expected the `.so` file cargo builds)");
        }

        if (!File.Exists(canonical))
        {
            throw new InvalidDataException(
                canonical == Path.GetFullPath(path) ? "no such file" : $"no such file ({canonical})");
        }

        // Before anything opens the file: opening a FIFO would block until someone writes to it.
        FileKind? kind = FileKinds.Probe(canonical);
        if (kind is { } known && known != FileKind.Regular)
        {
            throw new InvalidDataException($"not a regular file but {Describe(known)}; a proc-macro dylib is a regular `.so` file");
        }

        if (new FileInfo(canonical).Length == 0)
        {
            // Without a file type, length 0 also covers FIFOs and devices, which are never opened.
            throw new InvalidDataException(kind is null ? "empty file (0 bytes), or not a regular file" : "empty file (0 bytes)");
        }

        using var file = File.OpenHandle(canonical, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(file);
        DateTime lastWrite = File.GetLastWriteTimeUtc(file);

        ElfFile elf = ElfFile.Read(file, length);
        RustcMetadataHeader metadata = ReadRustcSection(elf);
        if (!RustcVersion.TryParse(metadata.VersionString, out RustcVersion? version, out string? reason))
        {
            throw new InvalidDataException(
                $"malformed rustc version string {Quote(metadata.VersionString)} in `.rustc`: {reason}");
        }

        IReadOnlyList<ElfSymbol> symbols = elf.ReadDynamicSymbols();
        int exported = 0;
        RegistrarSymbol? registrar = null;
        foreach (ElfSymbol symbol in symbols)
        {
            if (!symbol.IsExported)
            {
                continue;
            }

            exported++;

            // A proc-macro crate exports exactly one; like the reference server, take the first.
            if (registrar is null && RegistrarSymbol.TryParse(symbol.Name, out RegistrarSymbol? found))
            {
                registrar = found;
            }
        }

        if (registrar is null)
        {
            throw new InvalidDataException(
                $"no `{RegistrarSymbol.Prefix}<crate id>{RegistrarSymbol.Suffix}` symbol among its {exported} exported " +
                "dynamic symbols: a Rust dylib, but not a proc-macro crate (build it with `--crate-type proc-macro`, " +
                "or `proc-macro = true` under `[lib]` in Cargo.toml)");
        }

        return new DylibInfo(
            Path: canonical,
            Length: length,
            LastWriteTimeUtc: lastWrite,
            RustcVersion: version,
            MetadataVersion: metadata.FormatVersion,
            Registrar: registrar,
            Machine: elf.Machine,
            ExportedSymbolCount: exported);
    }

    private static RustcMetadataHeader ReadRustcSection(ElfFile elf)
    {
        if (elf.FindSection(RustcSectionName) is not { } section)
        {
            throw new InvalidDataException(
                "not a Rust proc-macro dylib: no `.rustc` section (rustc puts the crate metadata there, " +
                "but this is a shared library from something else, or a Rust `cdylib`)");
        }

        if ((section.Flags & ElfSection.CompressedFlag) != 0)
        {
            throw new InvalidDataException("the `.rustc` section is compressed with ELF section compression (SHF_COMPRESSED), which rustc never does");
        }

        byte[] header = elf.ReadSection(section, RustcMetadata.HeaderLength);
        uint formatVersion = RustcMetadata.ReadFormatVersion(header);
        byte[] prefix = elf.ReadSection(section, RustcMetadata.PrefixLength(formatVersion));
        return RustcMetadata.ReadHeader(prefix, section.Size);
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "a special file",
    };

    /// <summary>Backquotes a string from the file, escaping control characters so the message stays on one line.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("`");
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                quoted.Append($"\\u{(int)c:x4}");
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('`').ToString();
    }
}
