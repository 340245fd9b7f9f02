namespace ProcMacroSrv.TokenModel.Unicode;

/// <summary>Lookups in the generated range tables: sorted inclusive (start, end) pairs.</summary>
internal static class CodePointSet
{
    /// <summary>True when <paramref name="codePoint"/> lies in one of the pairs.</summary>
    internal static bool Contains(ReadOnlySpan<int> ranges, int codePoint) => IndexOf(ranges, codePoint) >= 0;

    /// <summary>The index of the pair containing <paramref name="codePoint"/> (for a table of values per pair), or -1.</summary>
    internal static int IndexOf(ReadOnlySpan<int> ranges, int codePoint)
    {
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (codePoint < ranges[2 * mid]) hi = mid - 1;
            else if (codePoint > ranges[2 * mid + 1]) lo = mid + 1;
            else return mid;
        }
        return -1;
    }
}
