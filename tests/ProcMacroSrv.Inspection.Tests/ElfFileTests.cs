using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>The ELF reader against binutils' reading of the same files.</summary>
public class ElfFileTests
{
    public static TheoryData<string> Libraries => new() { "stable", "1.63", "c-library", "rust-dylib" };

    private static string Library(string name) => name switch
    {
        "c-library" => TestDylibs.CLibrary,
        "rust-dylib" => TestDylibs.RustDylib,
        _ => TestDylibs.ProcMacro(Toolchains.Get(name)),
    };

    private static T WithElf<T>(string path, Func<ElfFile, T> read)
    {
        using SafeFileHandle file = File.OpenHandle(path);
        return read(ElfFile.Read(file, RandomAccess.GetLength(file)));
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Section_names_match_readelf(string library)
    {
        string path = Library(library);

        IReadOnlyList<string> names = WithElf(path, elf => elf.Sections.Select(s => s.Name).ToList());

        Assert.Equal(BinaryTools.SectionNames(path), names);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Defined_dynamic_symbols_match_nm(string library)
    {
        string path = Library(library);
        IReadOnlyList<(string Name, char Type)> nm = BinaryTools.DefinedDynamicSymbols(path);

        IReadOnlyList<ElfSymbol> symbols = WithElf(path, elf => elf.ReadDynamicSymbols());

        Assert.Equal(
            nm.Select(s => s.Name).Order(StringComparer.Ordinal),
            symbols.Where(s => s.IsDefined).Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            nm.Where(s => char.IsUpper(s.Type)).Select(s => s.Name).Order(StringComparer.Ordinal),
            symbols.Where(s => s.IsExported).Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reads_symbol_details()
    {
        IReadOnlyList<ElfSymbol> symbols = WithElf(TestDylibs.CLibrary, elf => elf.ReadDynamicSymbols());

        ElfSymbol function = symbols.Single(s => s.Name == "inspect_probe_answer");
        Assert.Equal((ElfSymbolType.Function, ElfSymbolBinding.Global), (function.Type, function.Binding));
        Assert.NotEqual(0UL, function.Value);

        ElfSymbol counter = symbols.Single(s => s.Name == "inspect_probe_counter");
        Assert.Equal((ElfSymbolType.Object, 4UL), (counter.Type, counter.Size));

        // Imports from libc are listed but not defined.
        Assert.Contains(symbols, s => !s.IsDefined && !s.IsExported);
    }

    [Fact]
    public void Reads_a_section_prefix()
    {
        string path = TestDylibs.ProcMacro(Toolchains.Stable);
        byte[] whole = BinaryTools.DumpRustcSection(path);

        WithElf(path, elf =>
        {
            ElfSection rustc = elf.FindSection(".rustc")!.Value;
            Assert.Equal((ulong)whole.Length, rustc.Size);
            Assert.Equal(whole, elf.ReadSection(rustc));
            Assert.Equal(whole[..8], elf.ReadSection(rustc, 8));
            Assert.Null(elf.FindSection(".no-such-section"));
            return 0;
        });
    }

    [Fact]
    public void Reads_only_what_it_needs_from_a_huge_file()
    {
        // A 3 GiB sparse file: a real dylib followed by a hole. Reading it whole would take long
        // and could not fit in one array; reading headers and two sections takes milliseconds.
        string path = TestFiles.NewPath("libhuge.so");
        File.Copy(TestDylibs.ProcMacro(Toolchains.Stable), path);
        try
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                stream.SetLength(3L << 30);
            }

            var clock = Stopwatch.StartNew();
            DylibInfo info = DylibInspector.Inspect(path);

            Assert.Equal(3L << 30, info.Length);
            Assert.Equal(Toolchains.Stable.RustcVersion, info.RustcVersion.Raw);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
