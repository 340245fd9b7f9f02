using ProcMacroSrv.Bridge.Native;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// Applies an expansion's environment variables and working directory, and restores both
/// afterwards. Macros read the C environment (<c>getenv</c>), which .NET's
/// <see cref="System.Environment"/> does not update, so variables go through libc.
/// </summary>
internal sealed class ProcessEnvironment : IDisposable
{
    private readonly List<(string Name, string? Previous)> _saved = new();
    private readonly HashSet<string> _savedNames = new(StringComparer.Ordinal);
    private readonly string? _previousDirectory;

    private ProcessEnvironment(IReadOnlyList<KeyValuePair<string, string>> variables, string? directory)
    {
        foreach (var (name, value) in variables)
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0') || value.Contains('\0')) continue;
            if (_savedNames.Add(name)) _saved.Add((name, LibC.ReadEnv(name)));
            LibC.SetEnv(name, value, 1);
        }
        if (directory is not null)
        {
            var current = System.Environment.CurrentDirectory;
            try
            {
                System.Environment.CurrentDirectory = directory;
                _previousDirectory = current;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // As rust-analyzer does: the macro still runs, in the unchanged directory.
                Console.Error.WriteLine($"proc-macro-srv: cannot change the working directory to {directory}: {e.Message}");
            }
        }
    }

    /// <summary>Applies the variables and directory until disposed.</summary>
    public static ProcessEnvironment Apply(IReadOnlyList<KeyValuePair<string, string>> variables, string? directory) => new(variables, directory);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (name, previous) in _saved)
        {
            if (previous is null) LibC.UnsetEnv(name);
            else LibC.SetEnv(name, previous, 1);
        }
        if (_previousDirectory is not null)
        {
            try
            {
                System.Environment.CurrentDirectory = _previousDirectory;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"proc-macro-srv: cannot change the working directory back to {_previousDirectory}: {e.Message}");
            }
        }
    }
}
