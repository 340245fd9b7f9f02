namespace ProcMacroSrv.Inspection;

/// <summary>
/// realpath(3) in managed code: an absolute path with every symbolic link and every <c>.</c> and
/// <c>..</c> resolved, component by component, so that <c>..</c> after a link leaves the link's
/// target (which Path.GetFullPath, being purely textual, gets wrong).
/// </summary>
internal static class CanonicalPath
{
    // Linux's own limit (MAXSYMLINKS) on links followed while resolving one path.
    private const int MaxLinks = 40;

    /// <summary>Resolves <paramref name="path"/> against the current directory. Components that do not exist are kept as they are.</summary>
    /// <exception cref="IOException">A cycle of symbolic links.</exception>
    public static string Resolve(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.GetFullPath(path);
        }

        string start = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var pending = new Stack<string>(Enumerable.Reverse(start.Split('/', StringSplitOptions.RemoveEmptyEntries)));
        var resolved = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string component = pending.Pop();
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            string candidate = "/" + string.Join('/', resolved.Append(component));
            string? target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(component);
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException("too many levels of symbolic links");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (string part in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            {
                pending.Push(part);
            }
        }

        return "/" + string.Join('/', resolved);
    }
}
