namespace ProcMacroSrv.Conformance.Tests;

/// <summary>
/// The documented differences (known-differences.txt, explained in CONFORMANCE.md): cases where
/// our answer differs from rustc's for a reason we accept. Each line is
/// <c>TOOLCHAIN CASE-ID REASON</c>; <c>*</c> as toolchain means every toolchain. The tests
/// require the differing cases to be exactly these, so a fixed difference must be removed too.
/// </summary>
public static class KnownDifferences
{
    /// <summary>The pinned case ids of <paramref name="toolchain"/>, with their reasons.</summary>
    public static IReadOnlyDictionary<string, string> For(string toolchain)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "known-differences.txt");
        var pinned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3) throw new FormatException($"known-differences.txt: `{line}` is not TOOLCHAIN CASE-ID REASON");
            if (parts[0] == "*" || parts[0] == toolchain) pinned[parts[1]] = parts[2];
        }
        return pinned;
    }
}
