namespace ProcMacroSrv.TokenModel.Unicode;

/// <summary>Membership tests against the generated range tables.</summary>
internal static class CodePointSet
{
    /// <summary>True when <paramref name="codePoint"/> lies in one of the sorted inclusive (start, end) pairs.</summary>
    internal static bool Contains(ReadOnlySpan<int> ranges, int codePoint)
    {
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (codePoint < ranges[2 * mid]) hi = mid - 1;
            else if (codePoint > ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }
}
