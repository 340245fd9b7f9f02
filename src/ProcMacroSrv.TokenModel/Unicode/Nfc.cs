using System.Buffers;
using System.Text;

namespace ProcMacroSrv.TokenModel.Unicode;

/// <summary>
/// Unicode Normalization Form C (UAX #15) from the generated <see cref="NormalizationTables"/>,
/// so that identifiers are normalized as rustc normalizes them without ICU: the server runs with
/// invariant globalization, where <see cref="string.Normalize()"/> cannot be used.
/// </summary>
/// <remarks>
/// The algorithm is the standard one: full canonical decomposition (one-step mappings applied
/// recursively, Hangul syllables arithmetically), canonical ordering of each run of non-starters
/// by combining class, then canonical composition of primary composites. A string that the NFC
/// quick check accepts is returned as it is, without allocating.
/// </remarks>
internal static class Nfc
{
    // Hangul syllable arithmetic (The Unicode Standard, section 3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28;
    private const int NCount = VCount * TCount, SCount = LCount * NCount;

    // Short inputs (nearly every identifier) are worked on in stack buffers of this many elements.
    private const int StackLength = 128;

    // A run of non-starters longer than this is sorted with a stable O(n log n) sort instead of an
    // insertion sort, so that a hostile run of thousands of marks cannot make normalization quadratic.
    private const int InsertionSortLimit = 32;

    private enum QuickCheck : byte
    {
        Yes = 0,
        Maybe = 1,
        No = 2,
    }

    /// <summary>
    /// The NFC form of <paramref name="text"/>, which must be well-formed UTF-16 (the caller checks
    /// for lone surrogates). Returns <paramref name="text"/> itself when it is already in NFC.
    /// </summary>
    internal static string Normalize(string text)
    {
        var start = FirstNotInert(text);
        if (start < 0) return text;
        if (QuickCheckFrom(text, start) == QuickCheck.Yes) return text;
        return Compute(text);
    }

    /// <summary>The canonical combining class of <paramref name="codePoint"/> (0 for starters).</summary>
    internal static int CombiningClass(int codePoint)
    {
        if (codePoint < NormalizationTables.FirstNonStarter) return 0;
        var run = CodePointSet.IndexOf(NormalizationTables.CombiningClassRanges, codePoint);
        return run < 0 ? 0 : NormalizationTables.CombiningClassValues[run];
    }

    /// <summary>
    /// The primary composite of <paramref name="first"/> and <paramref name="second"/>, or -1 when
    /// the pair does not compose.
    /// </summary>
    internal static int Compose(int first, int second)
    {
        // L + V → LV syllable.
        if ((uint)(first - LBase) < LCount && (uint)(second - VBase) < VCount)
            return SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
        // LV + T → LVT syllable (T index 0 means "no trailing consonant" and is not a T jamo).
        if ((uint)(first - SBase) < SCount && (first - SBase) % TCount == 0 && (uint)(second - TBase - 1) < TCount - 1)
            return first + (second - TBase);
        var index = NormalizationTables.CompositionPairs.BinarySearch(((long)first << 21) | (uint)second);
        return index < 0 ? -1 : NormalizationTables.CompositionResults[index];
    }

    /// <summary>
    /// Appends the full canonical decomposition of <paramref name="codePoint"/> to
    /// <paramref name="buffer"/>. The recursion follows the data (at most four levels), not the input.
    /// </summary>
    private static void Decompose(int codePoint, ref CodePointBuffer buffer)
    {
        if (codePoint < NormalizationTables.FirstDecomposable)
        {
            buffer.Append(codePoint);
            return;
        }

        var s = codePoint - SBase;
        if ((uint)s < SCount)
        {
            buffer.Append(LBase + s / NCount);
            buffer.Append(VBase + s % NCount / TCount);
            if (s % TCount != 0) buffer.Append(TBase + s % TCount);
            return;
        }

        var index = NormalizationTables.DecompositionKeys.BinarySearch(codePoint);
        if (index < 0)
        {
            buffer.Append(codePoint);
            return;
        }

        Decompose(NormalizationTables.DecompositionFirst[index], ref buffer);
        var second = NormalizationTables.DecompositionSecond[index];
        if (second != 0) Decompose(second, ref buffer);
    }

    /// <summary>The index of the first char that is not below <see cref="NormalizationTables.FirstNotInert"/>, or -1.</summary>
    private static int FirstNotInert(string text)
    {
        // Everything below U+0300 is a starter that no following character composes with: ASCII
        // and Latin-1 text (nearly every identifier) is NFC, and this loop is all it costs.
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] >= NormalizationTables.FirstNotInert) return i;
        }
        return -1;
    }

    /// <summary>
    /// The NFC quick check (UAX #15, "Detecting Normalization Forms") from <paramref name="start"/>;
    /// the characters before it are inert, so they neither need ordering nor change anything.
    /// </summary>
    private static QuickCheck QuickCheckFrom(string text, int start)
    {
        var result = QuickCheck.Yes;
        var lastClass = 0;
        var i = start;
        while (i < text.Length)
        {
            int codePoint = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(text[i], text[i + 1]);
                i += 2;
            }
            else
            {
                i++;
            }

            if (codePoint < NormalizationTables.FirstNotInert)
            {
                lastClass = 0;
                continue;
            }

            var combiningClass = CombiningClass(codePoint);
            if (combiningClass != 0 && lastClass > combiningClass) return QuickCheck.No;
            var check = QuickCheckOf(codePoint);
            if (check == QuickCheck.No) return QuickCheck.No;
            if (check == QuickCheck.Maybe) result = QuickCheck.Maybe;
            lastClass = combiningClass;
        }
        return result;
    }

    private static QuickCheck QuickCheckOf(int codePoint)
    {
        var run = CodePointSet.IndexOf(NormalizationTables.QuickCheckRanges, codePoint);
        return run < 0 ? QuickCheck.Yes : (QuickCheck)NormalizationTables.QuickCheckValues[run];
    }

    /// <summary>Decomposes, orders and composes the whole string.</summary>
    private static string Compute(string text)
    {
        var buffer = new CodePointBuffer(stackalloc int[StackLength]);
        char[]? rentedChars = null;
        try
        {
            foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, ref buffer);
            var codePoints = buffer.Written;
            SortCanonically(codePoints);
            var length = ComposeInPlace(codePoints);

            var utf16Length = 0;
            foreach (var codePoint in codePoints[..length]) utf16Length += codePoint >= 0x10000 ? 2 : 1;
            Span<char> chars = utf16Length <= StackLength
                ? stackalloc char[StackLength]
                : (rentedChars = ArrayPool<char>.Shared.Rent(utf16Length));
            var written = 0;
            foreach (var codePoint in codePoints[..length])
                written += new Rune(codePoint).EncodeToUtf16(chars[written..]);
            var result = chars[..written];
            // A Maybe from the quick check often turns out to be NFC after all (a base letter and a
            // mark that do not compose): keep the caller's string then.
            return result.SequenceEqual(text) ? text : new string(result);
        }
        finally
        {
            buffer.Dispose();
            if (rentedChars is not null) ArrayPool<char>.Shared.Return(rentedChars);
        }
    }

    /// <summary>Canonical ordering: each run of non-starters sorted stably by combining class.</summary>
    private static void SortCanonically(Span<int> codePoints)
    {
        var i = 0;
        while (i < codePoints.Length)
        {
            if (CombiningClass(codePoints[i]) == 0)
            {
                i++;
                continue;
            }

            var end = i + 1;
            while (end < codePoints.Length && CombiningClass(codePoints[end]) != 0) end++;
            if (end - i > 1) SortRun(codePoints[i..end]);
            i = end;
        }
    }

    private static void SortRun(Span<int> run)
    {
        if (run.Length <= InsertionSortLimit)
        {
            for (var j = 1; j < run.Length; j++)
            {
                var item = run[j];
                var itemClass = CombiningClass(item);
                var k = j - 1;
                while (k >= 0 && CombiningClass(run[k]) > itemClass)
                {
                    run[k + 1] = run[k];
                    k--;
                }
                run[k + 1] = item;
            }
            return;
        }

        // Keys (class, position, code point) are distinct, so an unstable sort of them is stable
        // in the combining class.
        var keys = new long[run.Length];
        for (var j = 0; j < run.Length; j++)
            keys[j] = ((long)CombiningClass(run[j]) << 53) | ((long)j << 21) | (uint)run[j];
        Array.Sort(keys);
        for (var j = 0; j < run.Length; j++) run[j] = (int)(keys[j] & 0x1FFFFF);
    }

    /// <summary>
    /// Canonical composition (UAX #15, section 3.11 of the standard) in place; returns the new
    /// length. A character composes with the last starter unless a character between them is
    /// blocking it: a starter, or a non-starter of the same or a higher combining class.
    /// </summary>
    private static int ComposeInPlace(Span<int> codePoints)
    {
        if (codePoints.IsEmpty) return 0;
        var starterIndex = 0;
        var starter = codePoints[0];
        // A string that begins with a non-starter has no starter to compose with until the next
        // one: 256 is above every class, so nothing counts as unblocked.
        var lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        var length = 1;
        for (var i = 1; i < codePoints.Length; i++)
        {
            var codePoint = codePoints[i];
            var combiningClass = CombiningClass(codePoint);
            // lastClass == 0 means the previous character kept is the starter itself (adjacent).
            var composite = lastClass < combiningClass || lastClass == 0 ? Compose(starter, codePoint) : -1;
            if (composite >= 0)
            {
                codePoints[starterIndex] = composite;
                starter = composite;
                continue;
            }

            if (combiningClass == 0)
            {
                starterIndex = length;
                starter = codePoint;
            }
            lastClass = combiningClass;
            codePoints[length++] = codePoint;
        }
        return length;
    }

    /// <summary>A growable list of code points: a stack buffer first, then pooled arrays.</summary>
    private ref struct CodePointBuffer(Span<int> initial)
    {
        private Span<int> _span = initial;
        private int[]? _rented;
        private int _length;

        public readonly Span<int> Written => _span[.._length];

        public void Append(int codePoint)
        {
            if (_length == _span.Length) Grow();
            _span[_length++] = codePoint;
        }

        private void Grow()
        {
            var larger = ArrayPool<int>.Shared.Rent(Math.Max(_span.Length * 2, 16));
            _span[.._length].CopyTo(larger);
            if (_rented is not null) ArrayPool<int>.Shared.Return(_rented);
            _rented = larger;
            _span = larger;
        }

        public void Dispose()
        {
            if (_rented is not null) ArrayPool<int>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
