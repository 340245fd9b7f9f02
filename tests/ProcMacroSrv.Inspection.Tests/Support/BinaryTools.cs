using ProcMacroSrv.Fixtures;
namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>binutils, used to make crafted files and as an independent reading of real ones.</summary>
internal static class BinaryTools
{
    /// <summary>A copy of <paramref name="dylib"/> whose `.rustc` section holds <paramref name="contents"/> (objcopy --update-section).</summary>
    public static string WithRustcSection(string dylib, byte[] contents, string label)
    {
        string directory = TestFiles.NewDirectory(label);
        string sectionFile = Path.Combine(directory, "rustc-section.bin");
        File.WriteAllBytes(sectionFile, contents);
        string output = Path.Combine(directory, "libcrafted.so");
        ProcessRunner.RunChecked("objcopy", ["--update-section", $".rustc={sectionFile}", dylib, output]);
        return output;
    }

    /// <summary>The contents of the `.rustc` section of <paramref name="dylib"/> (objcopy --dump-section).</summary>
    public static byte[] DumpRustcSection(string dylib)
    {
        string output = Path.Combine(TestFiles.NewDirectory("dump"), "rustc-section.bin");
        ProcessRunner.RunChecked("objcopy", ["--dump-section", $".rustc={output}", dylib, Path.Combine(Path.GetDirectoryName(output)!, "ignored.so")]);
        return File.ReadAllBytes(output);
    }

    /// <summary>
    /// Defined dynamic symbols as <c>nm -D --defined-only</c> lists them: name (without a
    /// symbol version) and nm's type letter.
    /// </summary>
    public static IReadOnlyList<(string Name, char Type)> DefinedDynamicSymbols(string path) =>
        ProcessRunner.RunChecked("nm", ["-D", "--defined-only", path]).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 3)
            .Select(fields => (fields[2].Split('@')[0], fields[1][0]))
            .ToList();

    /// <summary>Section names in header order, as <c>readelf -S -W</c> prints them.</summary>
    public static IReadOnlyList<string> SectionNames(string path) =>
        ProcessRunner.RunChecked("readelf", ["-S", "-W", path]).StandardOutput
            .Split('\n')
            .Select(line => line.TrimStart())
            .Where(line => line.StartsWith('['))
            .Select(line => line[(line.IndexOf(']') + 1)..].TrimStart())
            .Skip(1) // the "[Nr] Name Type ..." heading
            .Select(rest => rest.StartsWith("NULL", StringComparison.Ordinal) ? "" : rest.Split(' ')[0])
            .ToList();
}
