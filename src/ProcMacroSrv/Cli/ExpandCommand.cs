using System.CommandLine;
using System.Text.Json;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Cli;

/// <summary><c>expand LIB MACRO</c>: runs one macro on text given by hand and prints the result as Rust text.</summary>
internal static class ExpandCommand
{
    public static Command Create()
    {
        var lib = CommandLine.LibraryArgument();
        var name = new Argument<string>("MACRO") { Description = "The macro: a derive's trait name, or an attribute or function-like macro's name." };
        var input = new Option<string?>("--input") { Description = "The macro input as Rust text: the item for a derive or attribute, the tokens inside the delimiters for a function-like macro." };
        var inputFile = new Option<FileInfo?>("--input-file") { Description = "Read the macro input from a file." };
        var attr = new Option<string?>("--attr") { Description = "An attribute macro's arguments (the text inside #[name(...)])." };
        var env = new Option<string[]>("--env") { Description = "Set an environment variable while the macro runs (K=V; repeatable).", AllowMultipleArgumentsPerToken = false };
        var cwd = new Option<DirectoryInfo>("--cwd") { Description = "Working directory while the macro runs (must exist)." };
        cwd.AcceptExistingOnly();
        var json = CommandLine.JsonOption();
        var command = new Command("expand", "Expand one macro and print the expansion as Rust text. A panic is reported on stderr with exit code 1.")
        {
            lib, name, input, inputFile, attr, env, cwd, json,
        };
        command.Validators.Add(result =>
        {
            var hasText = result.GetValue(input) is not null;
            var hasFile = result.GetValue(inputFile) is not null;
            if (hasText == hasFile) result.AddError("give the macro input with exactly one of --input TEXT or --input-file FILE");
            foreach (var pair in result.GetValue(env) ?? [])
            {
                if (pair.IndexOf('=') <= 0) result.AddError($"--env wants K=V, got `{pair}`");
            }
        });
        command.SetAction(parse =>
        {
            var file = parse.GetValue(inputFile);
            string text;
            try
            {
                text = file is null ? parse.GetValue(input)! : File.ReadAllText(file.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot read {file!.FullName}: {e.Message}");
                return CommandLine.LibraryError;
            }
            var variables = (parse.GetValue(env) ?? []).Select(p =>
            {
                var at = p.IndexOf('=');
                return new KeyValuePair<string, string>(p[..at], p[(at + 1)..]);
            }).ToArray();
            return Run(parse.GetValue(lib)!, parse.GetValue(name)!, text, file?.FullName, parse.GetValue(attr), variables, parse.GetValue(cwd)?.FullName, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(FileInfo lib, string macroName, string text, string? inputPath, string? attrText,
        KeyValuePair<string, string>[] variables, string? cwd, bool json)
    {
        ProcMacroLibrary library;
        try
        {
            library = ProcMacroLibrary.Load(lib.FullName);
        }
        catch (Exception e) when (LibraryErrors.IsLibraryError(e))
        {
            return LibraryErrors.Report(e);
        }

        var source = SourceTextInput.TryLex(text, inputPath, attrText, static line => Console.Error.WriteLine("error: " + line));
        if (source is null) return CommandLine.LibraryError;

        ExpansionResult result;
        try
        {
            var request = source.Request(macroName);
            result = library.Expand(new ExpansionRequest(macroName, request.Input, request.Spans)
            {
                Attributes = request.Attributes,
                Environment = variables,
                CurrentDirectory = cwd,
            });
        }
        catch (UnknownMacroException e)
        {
            return LibraryErrors.Report(e);
        }

        foreach (var d in result.Diagnostics) Console.Error.WriteLine($"{d.Level.ToString().ToLowerInvariant()}: {d.Message}");
        // As the macro's rustc would print the stream (`TokenStream::to_string`).
        var printed = result.Output is null ? null
            : TokenPrinter.Print(result.Output, PrintOptions.ForRustc(library.Info.RustcVersion.Major, library.Info.RustcVersion.Minor));
        if (json)
        {
            using var writer = JsonOutput.CreateWriter();
            writer.WriteStartObject();
            writer.WriteString("macro", macroName);
            writer.WriteBoolean("ok", result.Succeeded);
            if (printed is not null) writer.WriteString("output", printed);
            if (result.PanicMessage is not null) writer.WriteString("panic", result.PanicMessage);
            writer.WriteStartArray("diagnostics");
            foreach (var d in result.Diagnostics)
            {
                writer.WriteStartObject();
                writer.WriteString("level", d.Level.ToString().ToLowerInvariant());
                writer.WriteString("message", d.Message);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            Console.Out.WriteLine();
        }
        else if (printed is not null)
        {
            Console.WriteLine(printed);
        }
        if (result.PanicMessage is not null)
        {
            Console.Error.WriteLine($"error: proc macro `{macroName}` panicked: {result.PanicMessage}");
            return CommandLine.MacroPanicked;
        }
        return 0;
    }
}
