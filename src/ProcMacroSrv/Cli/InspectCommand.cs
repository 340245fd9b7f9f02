using System.CommandLine;
using System.Text.Json;
using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Cli;

/// <summary><c>inspect LIB</c>: what the dylib is, which bridge ABI serves it, and its macros.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var lib = CommandLine.LibraryArgument();
        var json = CommandLine.JsonOption();
        var command = new Command("inspect", "Show a dylib's rustc version, metadata version, bridge ABI, registrar symbol and macros.") { lib, json };
        command.SetAction(parse => Run(parse.GetValue(lib)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(FileInfo file, bool json)
    {
        DylibInfo info;
        try
        {
            info = DylibInspector.Inspect(file.FullName);
        }
        catch (DylibInspectionException e)
        {
            return LibraryErrors.Report(e);
        }

        // Macros are read only when an ABI is known (built in, or learned from the toolchain's
        // bridge sources): the registrar is not read by guessing.
        var resolved = BridgeAbiCatalog.TryResolve(info.RustcVersion, out var found, out var abiFailure) ? found : null;
        var abi = resolved?.Abi;
        IReadOnlyList<ProcMacroDescriptor>? macros = null;
        string? loadError = null;
        if (abi is not null)
        {
            try
            {
                macros = ProcMacroLibrary.Load(file.FullName).Macros;
            }
            catch (Exception e) when (LibraryErrors.IsLibraryError(e))
            {
                loadError = e.Message;
            }
        }

        if (json)
        {
            using var writer = JsonOutput.CreateWriter();
            writer.WriteStartObject();
            writer.WriteString("path", info.Path);
            writer.WriteString("rustc", info.RustcVersion.Raw);
            JsonOutput.WriteVersion(writer, "version", info.RustcVersion);
            writer.WriteNumber("metadataVersion", info.MetadataVersion);
            if (abi is null) writer.WriteNull("abi");
            else
            {
                writer.WriteStartObject("abi");
                writer.WriteString("name", abi.Name);
                writer.WriteString("source", resolved!.Origin);
                writer.WriteEndObject();
            }
            writer.WriteString("registrarSymbol", info.Registrar.Name);
            if (macros is null) writer.WriteNull("macros");
            else JsonOutput.WriteMacros(writer, "macros", macros);
            if (loadError is not null) writer.WriteString("error", loadError);
            writer.WriteEndObject();
            writer.Flush();
            Console.Out.WriteLine();
        }
        else
        {
            var v = info.RustcVersion;
            Console.WriteLine($"path:             {info.Path}");
            Console.WriteLine($"rustc:            {v.Raw}");
            Console.WriteLine($"version:          {v.Major}.{v.Minor}.{v.Patch} ({v.Channel}{(v.Commit is null ? "" : $", commit {v.Commit}")}{(v.Date is null ? "" : $", {v.Date:yyyy-MM-dd}")})");
            Console.WriteLine($"metadata version: {info.MetadataVersion}");
            Console.WriteLine($"bridge ABI:       {(abi is null ? $"none known for rustc {v.Major}.{v.Minor}.{v.Patch}: {abiFailure}" : resolved!.IsBuiltIn ? $"{abi.Name} (built-in table, {abi.Description})" : $"{abi.Name} ({resolved.Origin})")}");
            Console.WriteLine($"registrar symbol: {info.Registrar.Name}");
            if (macros is not null)
            {
                Console.WriteLine($"macros:           {macros.Count}");
                foreach (var m in macros) Console.WriteLine("  " + ListCommand.Describe(m));
            }
            if (loadError is not null) Console.WriteLine($"load error:       {loadError}");
        }
        return abi is null || loadError is not null ? CommandLine.LibraryError : 0;
    }
}
