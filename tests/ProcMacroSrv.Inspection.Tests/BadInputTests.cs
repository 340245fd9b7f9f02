using System.Buffers.Binary;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>Files that are not proc-macro dylibs: each is rejected with a reason that says what it is.</summary>
public class BadInputTests
{
    private static string StableDylib => TestDylibs.ProcMacro(Toolchains.Stable);

    private static string Reason(string path)
    {
        var error = Assert.Throws<DylibInspectionException>(() => DylibInspector.Inspect(path));
        Assert.Equal(path, error.Path);
        Assert.Equal($"{path}: {error.Reason}", error.Message);
        return error.Reason;
    }

    [Fact]
    public void Missing_file()
    {
        string path = Path.Combine(TestFiles.NewDirectory("missing"), "libnothing.so");
        Assert.Equal("no such file", Reason(path));
    }

    [Fact]
    public void Missing_directory_on_the_way()
    {
        string path = Path.Combine(TestFiles.NewDirectory("missing"), "no-such-dir", "libnothing.so");
        Assert.Equal("no such file", Reason(path));
    }

    [Fact]
    public void Dangling_symbolic_link()
    {
        string directory = TestFiles.NewDirectory("dangling");
        string link = Path.Combine(directory, "libdangling.so");
        File.CreateSymbolicLink(link, "libgone.so");

        Assert.Equal($"no such file ({Path.Combine(directory, "libgone.so")})", Reason(link));
    }

    [Fact]
    public void Symbolic_link_loop()
    {
        string directory = TestFiles.NewDirectory("loop");
        string a = Path.Combine(directory, "a.so");
        File.CreateSymbolicLink(a, "b.so");
        File.CreateSymbolicLink(Path.Combine(directory, "b.so"), "a.so");

        Assert.Contains("too many levels of symbolic links", Reason(a));
    }

    [Fact]
    public void Directory()
    {
        Assert.StartsWith("is a directory", Reason(TestFiles.NewDirectory("dir")));
    }

    [Fact]
    public void Character_device()
    {
        Assert.StartsWith("not a regular file but a character device", Reason("/dev/zero"));
    }

    [Fact]
    public async Task Fifo_is_rejected_without_blocking()
    {
        string fifo = Path.Combine(TestFiles.NewDirectory("fifo"), "libpipe.so");
        ProcessRunner.RunChecked("mkfifo", [fifo]);

        Task<string> inspection = Task.Run(() => Reason(fifo));
        Task finished = await Task.WhenAny(inspection, Task.Delay(TimeSpan.FromSeconds(10)));
        if (finished != inspection)
        {
            // Release the reader blocked in open(2) so the test process can end, then fail.
            await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }

            Assert.Fail("inspecting a FIFO blocked: it must be rejected before it is opened");
        }

        Assert.Equal("not a regular file but a FIFO (named pipe); a proc-macro dylib is a regular `.so` file", await inspection);
    }

    [Fact]
    public void Empty_file()
    {
        Assert.Equal("empty file (0 bytes)", Reason(TestFiles.Write("libempty.so", [])));
    }

    [Fact]
    public void Text_file()
    {
        string path = TestFiles.Write("Cargo.toml", "[package]\nname = \"pm\"\n"u8.ToArray());
        Assert.Equal("not an ELF file: it starts with 5B706163, not the ELF magic 7F454C46 (\\x7fELF)", Reason(path));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(40)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(-2)] // half
    [InlineData(-1)] // all but the last byte
    public void Truncated_copies(int cut)
    {
        byte[] bytes = File.ReadAllBytes(StableDylib);
        int length = cut switch { -2 => bytes.Length / 2, -1 => bytes.Length - 1, _ => cut };
        string path = TestFiles.Write("libtruncated.so", bytes[..length]);

        Assert.Contains("truncated", Reason(path));
    }

    [Fact]
    public void Rustc_section_cut_off_by_the_end_of_the_file()
    {
        // Cutting a real file inside `.rustc` also cuts the section name table that follows it,
        // so instead the section is moved to start 10 bytes before the end of the file.
        string dylib = StableDylib;
        int header = ElfHeaders.SectionHeaderOffset(dylib, ".rustc");
        string path = TestFiles.PatchedCopy(dylib, "libcut.so",
            bytes => ElfHeaders.WriteUInt64(bytes, header + ElfHeaders.SectionOffsetField, (ulong)bytes.Length - 10));

        string reason = Reason(path);

        Assert.StartsWith("truncated ELF file: section `.rustc`", reason);
        Assert.Contains("extends beyond the end of the file", reason);
    }

    [Fact]
    public void Thirty_two_bit_ELF()
    {
        Assert.Equal(
            "32-bit ELF (ELFCLASS32) for Intel 80386 (machine 3): expected a 64-bit x86-64 shared object",
            Reason(TestDylibs.CLibrary32));
    }

    [Fact]
    public void Thirty_two_bit_ELF_header_written_by_hand()
    {
        string path = TestFiles.Write("libarm32.so", ElfHeaders.Elf32SharedObject(machine: 40));
        Assert.Equal("32-bit ELF (ELFCLASS32) for ARM (machine 40): expected a 64-bit x86-64 shared object", Reason(path));
    }

    [Fact]
    public void AArch64_ELF()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libaarch64.so", bytes => ElfHeaders.WriteUInt16(bytes, ElfHeaders.Machine, 183));
        Assert.Equal("ELF for AArch64 (machine 183), expected x86-64 (machine 62)", Reason(path));
    }

    [Fact]
    public void Unknown_machine()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libodd.so", bytes => ElfHeaders.WriteUInt16(bytes, ElfHeaders.Machine, 4242));
        Assert.Equal("ELF for machine 4242, expected x86-64 (machine 62)", Reason(path));
    }

    [Fact]
    public void Big_endian_ELF()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libbig.so", bytes => bytes[ElfHeaders.DataEncoding] = 2);
        Assert.StartsWith("big-endian ELF (ELFDATA2MSB) for ", Reason(path));
    }

    [Fact]
    public void Executable()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "exe", bytes => ElfHeaders.WriteUInt16(bytes, ElfHeaders.Type, 2));
        Assert.Equal("not a shared object: the ELF type is ET_EXEC (an executable), expected ET_DYN (a `.so`)", Reason(path));
    }

    [Fact]
    public void Object_file()
    {
        Assert.Equal(
            "not a shared object: the ELF type is ET_REL (a relocatable object file, `.o`), expected ET_DYN (a `.so`)",
            Reason(TestDylibs.CObject));
    }

    [Fact]
    public void C_shared_library()
    {
        Assert.StartsWith("not a Rust proc-macro dylib: no `.rustc` section", Reason(TestDylibs.CLibrary));
    }

    [Fact]
    public void System_C_library()
    {
        // What the reference server reports as "section read error".
        string libc = "/lib/x86_64-linux-gnu/libc.so.6";
        Assert.True(File.Exists(libc), $"{libc} is missing");
        Assert.StartsWith("not a Rust proc-macro dylib: no `.rustc` section", Reason(libc));
    }

    [Fact]
    public void Rust_cdylib()
    {
        Assert.StartsWith("not a Rust proc-macro dylib: no `.rustc` section", Reason(TestDylibs.RustCdylib));
    }

    [Fact]
    public void Rust_dylib_that_is_not_a_proc_macro_crate()
    {
        string reason = Reason(TestDylibs.RustDylib);

        Assert.StartsWith("no `__rustc_proc_macro_decls_<crate id>__` symbol among its ", reason);
        Assert.Contains("a Rust dylib, but not a proc-macro crate", reason);
    }

    [Fact]
    public void Section_header_table_beyond_the_end()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libshoff.so",
            bytes => ElfHeaders.WriteUInt64(bytes, ElfHeaders.SectionTableOffset, (ulong)bytes.Length + 100));
        Assert.StartsWith("truncated ELF file: the section header table starts at offset", Reason(path));
    }

    [Fact]
    public void Section_header_table_claiming_more_entries_than_fit()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libshnum.so",
            bytes => ElfHeaders.WriteUInt16(bytes, ElfHeaders.SectionCount, 0xfe00));
        Assert.Contains("(65024 entries of 64 bytes", Reason(path));
    }

    [Fact]
    public void Extended_section_count_that_lies()
    {
        // e_shnum = 0 means "the count is in section 0's sh_size": claim 2^60 sections.
        string path = TestFiles.PatchedCopy(StableDylib, "libxnum.so", bytes =>
        {
            ElfHeaders.WriteUInt16(bytes, ElfHeaders.SectionCount, 0);
            int table = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(ElfHeaders.SectionTableOffset));
            ElfHeaders.WriteUInt64(bytes, table + ElfHeaders.SectionSizeField, 1UL << 60);
        });
        Assert.StartsWith("truncated ELF file: the section header table (1152921504606846976 entries", Reason(path));
    }

    [Fact]
    public void Bad_section_entry_size()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libshentsize.so",
            bytes => ElfHeaders.WriteUInt16(bytes, ElfHeaders.SectionEntrySize, 40));
        Assert.Equal("corrupt ELF header: section header entries are 40 bytes, expected at least 64", Reason(path));
    }

    [Fact]
    public void Section_name_table_index_out_of_range()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libshstrndx.so",
            bytes => ElfHeaders.WriteUInt16(bytes, ElfHeaders.SectionNameIndex, 0xfe00));
        Assert.StartsWith("corrupt ELF header: the section name table index is 65024", Reason(path));
    }

    [Fact]
    public void No_section_headers()
    {
        string path = TestFiles.PatchedCopy(StableDylib, "libnoshdr.so",
            bytes => ElfHeaders.WriteUInt64(bytes, ElfHeaders.SectionTableOffset, 0));
        Assert.StartsWith("the ELF file has no section header table", Reason(path));
    }

    [Fact]
    public void Rustc_section_offset_that_lies()
    {
        string dylib = StableDylib;
        int header = ElfHeaders.SectionHeaderOffset(dylib, ".rustc");
        string path = TestFiles.PatchedCopy(dylib, "librustcoff.so",
            bytes => ElfHeaders.WriteUInt64(bytes, header + ElfHeaders.SectionOffsetField, ulong.MaxValue - 4));
        Assert.StartsWith("truncated ELF file: section `.rustc` (", Reason(path));
    }

    [Fact]
    public void Dynamic_symbol_table_size_that_lies()
    {
        string dylib = StableDylib;
        int header = ElfHeaders.SectionHeaderOffset(dylib, ".dynsym");
        string path = TestFiles.PatchedCopy(dylib, "libdynsym.so",
            bytes => ElfHeaders.WriteUInt64(bytes, header + ElfHeaders.SectionSizeField, 1UL << 40));
        Assert.StartsWith("truncated ELF file: section `.dynsym` (1099511627776 bytes", Reason(path));
    }

    [Fact]
    public void Empty_path()
    {
        Assert.Equal("empty path", Reason(""));
    }
}
