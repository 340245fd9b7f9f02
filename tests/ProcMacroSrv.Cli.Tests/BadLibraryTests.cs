using System.Runtime.InteropServices;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>
/// Files that are not usable proc-macro dylibs, given to every command: exit code 2, one
/// <c>error:</c> line naming the file and the problem, nothing on stdout, no crash.
/// </summary>
public sealed class BadLibraryTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "missing", "directory", "/dev/zero", "empty", "text", "truncated header", "truncated half", "truncated end" })
        {
            foreach (var command in new[] { "inspect", "inspect --json", "list", "expand" })
            {
                data.Add(file, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsReportedWithExitCodeTwo(string file, string command)
    {
        using var dir = new TempDirectory("pms-cli-");
        var (path, problem) = Make(file, dir);
        var result = Cli.Run(Arguments(command, path), null).ShouldExit(2);
        Assert.Equal("", result.StandardOutput);
        var line = Assert.Single(result.StandardErrorLines);
        Assert.StartsWith($"error: {path}: ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "not a Rust proc-macro dylib: no `.rustc` section")]
    [InlineData(true, "`.rustc` section")] // with a bogus .rustc section and a registrar-like symbol
    public void ACSharedLibraryIsNeverLoaded(bool dressedAsRust, string problem)
    {
        using var dir = new TempDirectory("pms-cli-");
        var marker = dir.File("constructor-ran");
        var library = BuildCLibrary(dir, marker, dressedAsRust);

        foreach (var command in new[] { "inspect", "inspect --json", "list", "expand" })
        {
            var result = Cli.Run(Arguments(command, library), null).ShouldExit(2);
            Assert.Equal("", result.StandardOutput);
            var line = Assert.Single(result.StandardErrorLines);
            Assert.StartsWith($"error: {library}: ", line, StringComparison.Ordinal);
            Assert.Contains(problem, line, StringComparison.Ordinal);
            Assert.False(File.Exists(marker), $"`{command}` loaded the library: its constructor wrote {marker}");
        }

        // The marker works: loading the library does run the constructor.
        var handle = NativeLibrary.Load(library);
        try
        {
            Assert.True(File.Exists(marker), "loading the library should have run its constructor");
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    private static string[] Arguments(string command, string path) => command switch
    {
        "inspect" => ["inspect", path],
        "inspect --json" => ["inspect", path, "--json"],
        "list" => ["list", path],
        "expand" => ["expand", path, "do_thrice", "--input", "x"],
        _ => throw new ArgumentException(command, nameof(command)),
    };

    /// <summary>Makes the bad file; returns its path and what the error must say about it.</summary>
    private static (string Path, string Problem) Make(string file, TempDirectory dir)
    {
        var real = File.ReadAllBytes(Dylibs.PmBasics());
        switch (file)
        {
            case "missing":
                return (dir.File("libmissing.so"), "no such file");
            case "directory":
                return (dir.Path, "is a directory");
            case "/dev/zero":
                return ("/dev/zero", "not a regular file but a character device");
            case "empty":
                File.WriteAllBytes(dir.File("libempty.so"), []);
                return (dir.File("libempty.so"), "empty file");
            case "text":
                File.WriteAllText(dir.File("libtext.so"), "this is not a shared library\n");
                return (dir.File("libtext.so"), "not an ELF file");
            case "truncated header":
                File.WriteAllBytes(dir.File("libcut.so"), real[..10]);
                return (dir.File("libcut.so"), "truncated ELF header");
            case "truncated half":
                File.WriteAllBytes(dir.File("libcut.so"), real[..(real.Length / 2)]);
                return (dir.File("libcut.so"), "truncated ELF file");
            case "truncated end":
                File.WriteAllBytes(dir.File("libcut.so"), real[..^100]);
                return (dir.File("libcut.so"), "truncated ELF file");
            default:
                throw new ArgumentException(file, nameof(file));
        }
    }

    private static string BuildCLibrary(TempDirectory dir, string marker, bool dressedAsRust)
    {
        const string source = """
            #include <stdio.h>

            __attribute__((constructor)) static void write_marker(void) {
                FILE *f = fopen(MARKER, "w");
                if (f) {
                    fputs("the constructor ran\n", f);
                    fclose(f);
                }
            }

            #ifdef DRESSED_AS_RUST
            __attribute__((section(".rustc"), used)) static const char rustc_section[] = "rust\0\0\0\x0a\0\0\0\x10 not really metadata";
            const void *__rustc_proc_macro_decls_0123456789abcdef__ = 0;
            #endif

            int answer(void) { return 42; }
            """;
        File.WriteAllText(dir.File("constructor.c"), source);
        var library = dir.File("libconstructor.so");
        List<string> arguments = ["-shared", "-fPIC", $"-DMARKER=\"{marker}\"", "-o", library, dir.File("constructor.c")];
        if (dressedAsRust)
        {
            arguments.Insert(0, "-DDRESSED_AS_RUST");
        }

        ProcessRunner.RunChecked("gcc", arguments, dir.Path);
        return library;
    }
}
