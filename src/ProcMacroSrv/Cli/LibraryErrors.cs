using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Cli;

/// <summary>Turns the failures of loading a dylib into one line for the user.</summary>
internal static class LibraryErrors
{
    /// <summary>True for the exceptions that mean "this dylib or macro cannot be used".</summary>
    public static bool IsLibraryError(Exception e) =>
        ProcMacroLibrary.IsLoadError(e) || e is UnknownMacroException;

    /// <summary>Writes the error to stderr and returns the exit code.</summary>
    public static int Report(Exception e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return CommandLine.LibraryError;
    }
}
