using System.Buffers.Binary;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection.Tests.Support;

namespace ProcMacroSrv.Inspection.Tests;

/// <summary>
/// Randomly damaged copies of a real dylib (fixed seeds, so failures reproduce): the inspector
/// either succeeds or throws <see cref="DylibInspectionException"/>, never anything else.
/// </summary>
public class RobustnessTests
{
    private static readonly Lazy<byte[]> Stripped = new(() =>
    {
        // strip keeps `.rustc` and `.dynsym` and makes the file small enough to rewrite hundreds of times.
        string output = TestFiles.NewPath("libstripped.so");
        ProcessRunner.RunChecked("strip", ["--strip-all", "-o", output, TestDylibs.ProcMacro(Toolchains.Stable)]);
        return File.ReadAllBytes(output);
    });

    [Fact]
    public void Damaged_headers_and_section_tables_give_inspection_errors()
    {
        byte[] original = Stripped.Value;
        Assert.Equal(Toolchains.Stable.RustcVersion, DylibInspector.Inspect(TestFiles.Write("libok.so", original)).RustcVersion.Raw);

        int tableOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(ElfHeaders.SectionTableOffset));
        int tableLength = BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(ElfHeaders.SectionCount)) * 64;
        string probe = TestFiles.Write("libprobe.so", original);
        int rustcHeader = ElfHeaders.SectionHeaderOffset(probe, ".rustc");
        int rustcData = (int)BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(rustcHeader + ElfHeaders.SectionOffsetField));
        (int Start, int Length)[] regions =
        [
            (0, 64),                // ELF header
            (tableOffset, tableLength), // section header table
            (rustcHeader, 64),      // the `.rustc` section header
            (rustcData, 64),        // the start of `.rustc`
        ];

        var random = new Random(20260521);
        string path = TestFiles.NewPath("libdamaged.so");
        int rejected = 0;
        for (int iteration = 0; iteration < 400; iteration++)
        {
            byte[] bytes = (byte[])original.Clone();
            int changes = random.Next(1, 5);
            for (int c = 0; c < changes; c++)
            {
                (int start, int length) = regions[random.Next(regions.Length)];
                bytes[start + random.Next(length)] = (byte)random.Next(256);
            }

            int keep = random.Next(8) == 0 ? random.Next(bytes.Length) : bytes.Length;
            File.WriteAllBytes(path, bytes[..keep]);

            try
            {
                DylibInspector.Inspect(path);
            }
            catch (DylibInspectionException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {iteration}: {e.GetType().Name} instead of DylibInspectionException: {e}");
            }
        }

        // Most damage must be noticed; if nothing is rejected the mutations are not reaching the reader.
        Assert.InRange(rejected, 100, 400);
    }

    [Fact]
    public void Every_prefix_of_the_header_region_gives_an_inspection_error()
    {
        byte[] original = Stripped.Value;
        string path = TestFiles.NewPath("libprefix.so");
        for (int length = 1; length < 200; length++)
        {
            File.WriteAllBytes(path, original[..length]);
            var error = Assert.Throws<DylibInspectionException>(() => DylibInspector.Inspect(path));
            Assert.Contains("truncated", error.Reason);
        }
    }
}
