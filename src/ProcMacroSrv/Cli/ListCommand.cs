using System.CommandLine;
using ProcMacroSrv.Bridge.Expansion;

namespace ProcMacroSrv.Cli;

/// <summary><c>list LIB</c>: one macro per line with its kind.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var lib = CommandLine.LibraryArgument();
        var json = CommandLine.JsonOption();
        var command = new Command("list", "List a dylib's macros, one per line: name, kind, and a derive's helper attributes.") { lib, json };
        command.SetAction(parse => Run(parse.GetValue(lib)!, parse.GetValue(json)));
        return command;
    }

    /// <summary>How the human commands name a kind of macro.</summary>
    public static string KindName(ProcMacroKind kind) => kind switch
    {
        ProcMacroKind.CustomDerive => "derive",
        ProcMacroKind.Attr => "attribute",
        _ => "function-like",
    };

    /// <summary>One line for a macro: <c>name kind [helpers: a, b]</c>.</summary>
    public static string Describe(ProcMacroDescriptor m)
    {
        var kind = KindName(m.Kind);
        return m.Helpers.Count == 0 ? $"{m.Name} {kind}" : $"{m.Name} {kind} (helpers: {string.Join(", ", m.Helpers)})";
    }

    private static int Run(FileInfo file, bool json)
    {
        ProcMacroLibrary library;
        try
        {
            library = ProcMacroLibrary.Load(file.FullName);
        }
        catch (Exception e) when (LibraryErrors.IsLibraryError(e))
        {
            return LibraryErrors.Report(e);
        }
        if (json)
        {
            using var writer = JsonOutput.CreateWriter();
            writer.WriteStartObject();
            JsonOutput.WriteMacros(writer, "macros", library.Macros);
            writer.WriteEndObject();
            writer.Flush();
            Console.Out.WriteLine();
        }
        else
        {
            foreach (var m in library.Macros) Console.WriteLine(Describe(m));
        }
        return 0;
    }
}
