using ProcMacroSrv.Bridge.Native;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// Gives an expansion its environment variables and working directory: while it runs, the
/// process has the server's own environment with the request's variables on top, in the
/// request's directory. Macros read the C environment (<c>getenv</c>), which .NET's
/// <see cref="System.Environment"/> does not update, so variables go through libc.
/// </summary>
/// <remarks>
/// What an expansion set is left in place when it ends and changed only where the next
/// expansion differs: requests for one crate carry the same cargo variables every time, and
/// each <c>setenv</c> scans the whole C environment. A variable the next request does not have
/// gets back the server's own value (or is unset), and the server's own directory comes back
/// after each expansion; so every expansion sees exactly what its request asks for, and the
/// server's own requests resolve relative paths as before. A macro that changes the environment
/// itself (<c>std::env::set_var</c>) leaves the C environment's entries different from how
/// <see cref="Apply"/> left them; then every request variable is set again, as the reference
/// does each time. Variables a macro adds persist, as in the reference.
/// Expansions are serialised by the caller, which is what makes this process-wide state safe.
/// </remarks>
internal static class ProcessEnvironment
{
    // The request variables in force (a null value: in force but possibly changed since by a
    // macro, so set again next time), and the server's own value of each (null: unset).
    private static readonly Dictionary<string, string?> Applied = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string?> Own = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> Wanted = new(StringComparer.Ordinal);
    private static readonly List<string> Stale = new();
    // The C environment's entries as Apply left them: when a macro changes the environment
    // (std::env::set_var), they differ, and every request variable is set again.
    private static nint[] _entries = new nint[64];
    private static int _entryCount = -1;
    private static string? _ownDirectory;
    private static string? _appliedDirectory;

    /// <summary>
    /// Puts the process in the environment and directory of one expansion; disposing the result
    /// gives the server its own directory back (relative paths in later requests are the
    /// server's), while the variables stay until the next expansion changes them.
    /// </summary>
    public static DirectoryScope Apply(IReadOnlyList<KeyValuePair<string, string>> variables, string? directory)
    {
        Wanted.Clear();
        foreach (var (name, value) in variables)
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0') || value.Contains('\0')) continue;
            // A later duplicate wins, as when each was set in turn.
            Wanted[name] = value;
        }

        var changed = _entryCount < 0 || !LibC.EnvironEquals(_entries.AsSpan(0, _entryCount));
        if (changed)
        {
            // A macro changed the environment: what it did to our variables is unknown.
            foreach (var name in Applied.Keys.ToArray()) Applied[name] = null;
        }

        Stale.Clear();
        foreach (var name in Applied.Keys)
        {
            if (!Wanted.ContainsKey(name)) Stale.Add(name);
        }
        foreach (var name in Stale)
        {
            if (Own[name] is { } own) LibC.SetEnv(name, own, 1);
            else LibC.UnsetEnv(name);
            Applied.Remove(name);
            changed = true;
        }
        foreach (var (name, value) in Wanted)
        {
            if (Applied.TryGetValue(name, out var current) && current == value) continue;
            if (!Own.ContainsKey(name)) Own[name] = LibC.ReadEnv(name);
            LibC.SetEnv(name, value, 1);
            Applied[name] = value;
            changed = true;
        }

        // Copied again only after a change: a request like the previous one leaves it as it was.
        if (changed) _entryCount = LibC.CopyEnvironEntries(ref _entries);
        ChangeDirectory(directory);
        return default;
    }

    /// <summary>Restores the server's own working directory when disposed.</summary>
    public readonly struct DirectoryScope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => ChangeDirectory(null);
    }

    private static void ChangeDirectory(string? directory)
    {
        if (directory == _appliedDirectory) return;
        _ownDirectory ??= System.Environment.CurrentDirectory;
        var target = directory ?? _ownDirectory;
        try
        {
            System.Environment.CurrentDirectory = target;
            _appliedDirectory = directory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (directory is not null)
            {
                // As rust-analyzer does: the macro still runs, in the server's own directory.
                Console.Error.WriteLine($"proc-macro-srv: cannot change the working directory to {directory}: {e.Message}");
                ChangeDirectory(null);
            }
            else
            {
                Console.Error.WriteLine($"proc-macro-srv: cannot change the working directory back to {target}: {e.Message}");
            }
        }
    }
}
