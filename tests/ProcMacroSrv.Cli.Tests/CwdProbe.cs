using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>
/// A one-macro proc-macro crate compiled by the test with rustup's stable rustc:
/// <c>current_dir!()</c> → the macro's working directory as a string literal. No fixture
/// macro reads the working directory, and <c>--cwd</c> is only observable from inside a macro.
/// </summary>
internal static class CwdProbe
{
    public const string Macro = "current_dir";

    private const string Source = """
        extern crate proc_macro;
        use proc_macro::{Literal, TokenStream, TokenTree};

        #[proc_macro]
        pub fn current_dir(_input: TokenStream) -> TokenStream {
            let dir = match std::env::current_dir() {
                Ok(dir) => dir.display().to_string(),
                Err(error) => format!("<error: {}>", error),
            };
            TokenTree::Literal(Literal::string(&dir)).into()
        }
        """;

    private static readonly Lazy<string> s_dylib = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The compiled dylib (built once per test run, in a temporary directory removed at exit).</summary>
    public static string Dylib => s_dylib.Value;

    private static string Build()
    {
        var directory = new TempDirectory("pms-cli-cwd-probe-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => directory.Dispose();
        var source = directory.File("cwd_probe.rs");
        File.WriteAllText(source, Source);
        var output = directory.File("libcwd_probe.so");
        ProcessRunner.RunChecked(
            Toolchains.Stable.RustcPath,
            ["--crate-name", "cwd_probe", "--crate-type", "proc-macro", "--edition", "2021", source, "-o", output],
            directory.Path);
        return output;
    }
}
