using System.Collections.Concurrent;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>
/// Shared libraries built from source at test time, each built once per test run (on first use)
/// and reused by every test that needs it.
/// </summary>
internal static class TestDylibs
{
    /// <summary>A small proc-macro crate: one function-like macro and one derive.</summary>
    public const string ProcMacroSource = """
        extern crate proc_macro;

        use proc_macro::TokenStream;

        /// Expands to its input, twice.
        #[proc_macro]
        pub fn twice(input: TokenStream) -> TokenStream {
            let mut output = input.clone();
            output.extend(input);
            output
        }

        /// Derives nothing; it only has to be registered.
        #[proc_macro_derive(Probe)]
        pub fn derive_probe(_item: TokenStream) -> TokenStream {
            TokenStream::new()
        }
        """;

    private const string RustLibrarySource = """
        pub fn answer() -> u32 {
            42
        }
        """;

    private const string RustCdylibSource = """
        #[no_mangle]
        pub extern "C" fn inspect_probe_answer() -> u32 {
            42
        }
        """;

    private const string CSource = """
        int inspect_probe_answer(void) { return 42; }
        int inspect_probe_counter = 1;
        """;

    private static readonly ConcurrentDictionary<string, Lazy<string>> Built = new();

    /// <summary>The proc-macro crate built by <paramref name="toolchain"/>.</summary>
    public static string ProcMacro(Toolchain toolchain) => Build($"proc-macro-{toolchain.Name}", directory =>
        CompileRust(toolchain.RustcPath, directory, "proc-macro", ProcMacroSource, "libinspect_probe.so"));

    /// <summary>A Rust `dylib` crate: has a `.rustc` section but no registrar symbol.</summary>
    public static string RustDylib => Build("rust-dylib", directory =>
        CompileRust(Toolchains.Stable.RustcPath, directory, "dylib", RustLibrarySource, "libinspect_plain.so"));

    /// <summary>A Rust `cdylib` crate: a C-style library without a `.rustc` section.</summary>
    public static string RustCdylib => Build("rust-cdylib", directory =>
        CompileRust(Toolchains.Stable.RustcPath, directory, "cdylib", RustCdylibSource, "libinspect_c_abi.so"));

    /// <summary>An ordinary C shared library built with gcc.</summary>
    public static string CLibrary => Build("c-library", directory =>
        CompileC(directory, "libinspect_c.so", "-shared", "-fPIC"));

    /// <summary>A C object file (ET_REL).</summary>
    public static string CObject => Build("c-object", directory =>
        CompileC(directory, "inspect_c.o", "-c", "-fPIC"));

    /// <summary>
    /// A 32-bit i386 shared object: gcc -m32 when it can link one (no 32-bit libc needed with
    /// -nostdlib), otherwise an ELF32 header written by hand.
    /// </summary>
    public static string CLibrary32 => Build("c-library-32", directory =>
    {
        try
        {
            return CompileC(directory, "libinspect_c32.so", "-m32", "-shared", "-nostdlib", "-fPIC");
        }
        catch (InvalidOperationException)
        {
            string path = Path.Combine(directory, "libinspect_c32.so");
            File.WriteAllBytes(path, ElfHeaders.Elf32SharedObject(machine: 3));
            return path;
        }
    });

    private static string Build(string name, Func<string, string> build) =>
        Built.GetOrAdd(name, _ => new Lazy<string>(() => build(TestFiles.NewDirectory(name)))).Value;

    private static string CompileRust(string rustc, string directory, string crateType, string source, string output)
    {
        File.WriteAllText(Path.Combine(directory, "lib.rs"), source);
        string outputPath = Path.Combine(directory, output);
        ProcessRunner.RunChecked(
            rustc,
            [
                "--crate-type", crateType, "--crate-name", Path.GetFileNameWithoutExtension(output)[3..],
                "--edition", "2021", "-C", "prefer-dynamic", "lib.rs", "-o", outputPath,
            ],
            directory);
        return outputPath;
    }

    private static string CompileC(string directory, string output, params string[] flags)
    {
        File.WriteAllText(Path.Combine(directory, "lib.c"), CSource);
        string outputPath = Path.Combine(directory, output);
        ProcessRunner.RunChecked("gcc", flags.Concat(["lib.c", "-o", outputPath]), directory);
        return outputPath;
    }
}
