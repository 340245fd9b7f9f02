namespace ProcMacroSrv.Protocol.Json;

/// <summary>
/// The fast path for the number arrays that make up most of a message (FlatTree records, span
/// tables): the compact form serde_json writes, read without a JSON token per number.
/// </summary>
/// <remarks>
/// Eight digits at a time (SWAR) measured no faster than this loop, in the micro-benchmark and
/// in the sessions (BENCHMARKS.md), so it stays a loop.
/// </remarks>
internal static class CompactU32Array
{
    /// <summary>
    /// The numbers of <paramref name="text"/>, or null when it is anything but decimal u32s
    /// without leading zeros, separated by single commas (then the general reader takes over): at
    /// the front of an array lent by <paramref name="lender"/> or, without one, in an array of
    /// their own. When the text is not compact, the lent array is given back.
    /// </summary>
    public static ArraySegment<uint>? Parse(ReadOnlySpan<byte> text, WireBuffers? lender)
    {
        if (text.IsEmpty) return ArraySegment<uint>.Empty;
        var numbers = text.Count((byte)',') + 1;
        var values = WireBuffers.Take(lender, numbers);
        var count = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            ulong value = 0;
            uint digit;
            while (i < text.Length && (digit = (uint)(text[i] - '0')) <= 9)
            {
                value = value * 10 + digit;
                i++;
            }
            var length = i - start;
            // JSON has no leading zeros; ten digits are enough for any u32.
            if (length == 0 || length > 10 || (length > 1 && text[start] == '0') || value > uint.MaxValue) return GiveUp(lender, values);
            values[count++] = (uint)value;
            // Every comma was consumed between two numbers, so all of them are read here.
            if (i == text.Length) return new ArraySegment<uint>(values, 0, count);
            if (text[i] != ',') return GiveUp(lender, values);
            i++;
        }
    }

    private static ArraySegment<uint>? GiveUp(WireBuffers? lender, uint[] values)
    {
        lender?.GiveBack(values);
        return null;
    }
}
