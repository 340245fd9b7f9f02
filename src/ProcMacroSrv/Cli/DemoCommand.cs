using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Cli;

/// <summary>
/// <c>demo</c>: builds the small proc-macro crate bundled next to the executable with the
/// installed cargo, then lists and expands its macros, showing input and output.
/// </summary>
internal static class DemoCommand
{
    private const string CrateFolder = "demo-macros";

    private static readonly (string Macro, string? Attr, string Input)[] Invocations =
    [
        ("greet", null, "Rustaceans"),
        ("FieldCount", null, "struct Point {\n    x: i32,\n    y: i32,\n    #[field_count(skip)]\n    label: String,\n}"),
        ("trace_calls", "", "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}"),
    ];

    public static Command Create()
    {
        var cargo = new Option<string>("--cargo") { Description = "The cargo to build with.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CARGO") ?? "cargo" };
        var command = new Command("demo", "Build the bundled demo proc-macro crate with cargo, then list and expand its macros.") { cargo };
        command.SetAction(parse => Run(parse.GetValue(cargo)!));
        return command;
    }

    private static int Run(string cargo)
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, CrateFolder);
        if (!File.Exists(Path.Combine(bundled, "Cargo.toml")))
        {
            Console.Error.WriteLine($"error: the demo crate is missing next to the executable ({bundled})");
            return CommandLine.LibraryError;
        }
        // Build in a per-user cache so that a second run is instant.
        var work = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "proc-macro-srv", "demo");
        CopyCrate(bundled, work);

        Console.WriteLine($"== building {CrateFolder} with `{cargo} build --release` in {work}");
        var dylib = Build(cargo, work);
        if (dylib is null) return CommandLine.LibraryError;

        ProcMacroLibrary library;
        try
        {
            library = ProcMacroLibrary.Load(dylib);
        }
        catch (Exception e) when (LibraryErrors.IsLibraryError(e))
        {
            return LibraryErrors.Report(e);
        }
        Console.WriteLine($"== {Path.GetFileName(dylib)}: {library.Info.RustcVersion.Raw}, bridge ABI {library.Abi.Name}");
        foreach (var m in library.Macros) Console.WriteLine("  " + ListCommand.Describe(m));

        var failures = 0;
        foreach (var (name, attr, text) in Invocations)
        {
            Console.WriteLine();
            Console.WriteLine(attr is null ? $"== {name}: input" : $"== #[{name}{(attr.Length == 0 ? "" : $"({attr})")}]: input");
            Console.WriteLine(Indent(text));
            var source = SourceTextInput.TryLex(text, null, attr is null ? null : "", static line => Console.Error.WriteLine("error: demo " + line));
            if (source is null) return CommandLine.LibraryError;
            var result = library.Expand(source.Request(name));
            Console.WriteLine($"== {name}: output");
            if (result.Output is not null) Console.WriteLine(Indent(TokenPrinter.Print(result.Output)));
            else
            {
                failures++;
                Console.WriteLine($"   panicked: {result.PanicMessage}");
            }
        }
        return failures == 0 ? 0 : CommandLine.MacroPanicked;
    }

    private static string Indent(string text) => "   " + text.Replace("\n", "\n   ", StringComparison.Ordinal);

    private static void CopyCrate(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target) || File.ReadAllText(target) != File.ReadAllText(file)) File.Copy(file, target, overwrite: true);
        }
    }

    private static string? Build(string cargo, string crate)
    {
        var start = new ProcessStartInfo(cargo)
        {
            WorkingDirectory = crate,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        foreach (var a in new[] { "build", "--release", "--offline", "--message-format=json" }) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"error: cannot run `{cargo}`: {e.Message}. Install Rust (rustup) or pass --cargo PATH.");
            return null;
        }
        string? dylib = null;
        // cargo's JSON messages name the artifacts; a proc-macro target has kind "proc-macro".
        while (process.StandardOutput.ReadLine() is { } line)
        {
            using var message = JsonDocument.Parse(line);
            var root = message.RootElement;
            if (root.GetProperty("reason").GetString() != "compiler-artifact") continue;
            var kinds = root.GetProperty("target").GetProperty("kind");
            if (!kinds.EnumerateArray().Any(k => k.GetString() == "proc-macro")) continue;
            dylib = root.GetProperty("filenames")[0].GetString();
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || dylib is null)
        {
            Console.Error.WriteLine($"error: `{cargo} build` failed (exit code {process.ExitCode})");
            return null;
        }
        return dylib;
    }
}
