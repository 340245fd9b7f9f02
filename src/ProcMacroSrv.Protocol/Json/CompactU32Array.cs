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
    /// without leading zeros, separated by single commas (then the general reader takes over):
    /// in an array lent by <paramref name="lender"/>
    /// (at least <paramref name="count"/> long, the number of values) or, without one, a new array
    /// of exactly <paramref name="count"/>. When the text is not compact (null), the array is given
    /// back to the lender.
    /// </summary>
    public static uint[]? Parse(ReadOnlySpan<byte> text, WireBuffers? lender, out int count)
    {
        count = 0;
        if (text.IsEmpty) return [];
        var numbers = text.Count((byte)',') + 1;
        var values = WireBuffers.Take(lender, numbers);
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
            if (i == text.Length) return values;
            if (text[i] != ',') return GiveUp(lender, values);
            i++;
        }
    }

    private static uint[]? GiveUp(WireBuffers? lender, uint[] values)
    {
        lender?.GiveBack(values);
        return null;
    }
}
