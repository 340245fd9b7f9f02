using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProcMacroSrv.TokenModel.Unicode;

namespace ProcMacroSrv.TokenModel.Tests;

/// <summary>
/// Our NFC (<see cref="Nfc"/>) against the Unicode conformance data of the tables' own version
/// (NormalizationTest.txt, committed compactly as TestData/nfc-conformance.txt by
/// scripts/gen-normalization-tables.py) and against ICU's <see cref="string.Normalize()"/>, which
/// this test project keeps (it alone is built without invariant globalization).
/// </summary>
public class NfcTests
{
    private static readonly Lazy<ConformanceData> Data = new(ConformanceData.Load);

    [Fact]
    public void PassesNormalizationTestNfcColumns()
    {
        var data = Data.Value;
        // All six parts of NormalizationTest.txt, about 20,000 lines: a truncated file fails here.
        Assert.Equal(["@Part0", "@Part1", "@Part2", "@Part3", "@Part4", "@Part5"], data.Parts);
        Assert.True(data.Tests.Count > 19_000, $"only {data.Tests.Count} tests read");

        var failures = new List<string>();
        foreach (var t in data.Tests)
        {
            // c2 == toNFC(c1) == toNFC(c2) == toNFC(c3); c4 == toNFC(c4) == toNFC(c5).
            Check(t, t.Columns[0], t.Columns[1], "c1");
            Check(t, t.Columns[1], t.Columns[1], "c2");
            Check(t, t.Columns[2], t.Columns[1], "c3");
            Check(t, t.Columns[3], t.Columns[3], "c4");
            Check(t, t.Columns[4], t.Columns[3], "c5");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures.Take(20))}");

        void Check(ConformanceTest t, string input, string expected, string column)
        {
            var actual = Nfc.Normalize(input);
            if (actual != expected)
                failures.Add($"{t.Part} line {t.Line}: toNFC({column} = {Hex(input)}) = {Hex(actual)}, expected {Hex(expected)}");
        }
    }

    [Fact]
    public void LeavesEveryCodePointNotInPart1Alone()
    {
        // NormalizationTest.txt: every code point not listed in part 1 is its own NFC.
        var data = Data.Value;
        var listed = data.Tests.Where(t => t.Part == "@Part1").Select(t => char.ConvertToUtf32(t.Columns[0], 0)).ToHashSet();
        Assert.True(listed.Count > 10_000);
        var failures = new List<string>();
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || listed.Contains(cp)) continue;
            var s = char.ConvertFromUtf32(cp);
            var actual = Nfc.Normalize(s);
            if (!ReferenceEquals(actual, s)) failures.Add($"U+{cp:X4} → {Hex(actual)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} changed:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void RunsWithIcuToCompareWith()
    {
        Assert.False(AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant) && invariant);
        Assert.Equal("\u00e9", "e\u0301".Normalize(NormalizationForm.FormC));
    }

    [Fact]
    public void AgreesWithIcuOnEveryCodePointIcuKnows()
    {
        var data = Data.Value;
        var failures = new List<string>();
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || data.IsNewerThanIcu(cp)) continue;
            var s = char.ConvertFromUtf32(cp);
            var actual = Nfc.Normalize(s);
            if (cp == 0xFFFE)
            {
                // .NET refuses this noncharacter before asking ICU; it is its own NFC.
                Assert.Throws<ArgumentException>(() => s.Normalize(NormalizationForm.FormC));
                Assert.Same(s, actual);
                continue;
            }
            var expected = s.Normalize(NormalizationForm.FormC);
            if (actual != expected) failures.Add($"U+{cp:X4}: ours {Hex(actual)}, ICU {Hex(expected)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n{string.Join("\n", failures.Take(20))}");
    }

    [Theory]
    [InlineData(1, 200_000, 8)]
    [InlineData(2, 20_000, 40)]
    public void AgreesWithIcuOnRandomStrings(int seed, int count, int maxLength)
    {
        // Mostly characters that take part in normalization (marks, decomposable characters and
        // their parts, Hangul jamo and syllables), some arbitrary ones; all known to ICU.
        var data = Data.Value;
        var pool = InterestingCodePoints().Where(cp => !data.IsNewerThanIcu(cp)).ToArray();
        var random = new Random(seed);
        var failures = new List<string>();
        var sb = new StringBuilder();
        for (var n = 0; n < count; n++)
        {
            sb.Clear();
            var length = random.Next(1, maxLength + 1);
            for (var i = 0; i < length; i++)
            {
                int cp;
                if (random.Next(10) < 8) cp = pool[random.Next(pool.Length)];
                else
                {
                    do cp = random.Next(0, 0x110000);
                    while (cp is >= 0xD800 and <= 0xDFFF or 0xFFFE || data.IsNewerThanIcu(cp));
                }
                sb.Append(char.ConvertFromUtf32(cp));
            }

            var s = sb.ToString();
            var expected = s.Normalize(NormalizationForm.FormC);
            var actual = Nfc.Normalize(s);
            if (actual != expected) failures.Add($"{Hex(s)}: ours {Hex(actual)}, ICU {Hex(expected)}");
            else if (s.IsNormalized(NormalizationForm.FormC) != ReferenceEquals(actual, s))
                failures.Add($"{Hex(s)}: ICU says normalized = {s.IsNormalized(NormalizationForm.FormC)}, ours returned {(ReferenceEquals(actual, s) ? "the input" : "a copy")}");
            else if (!ReferenceEquals(Nfc.Normalize(actual), actual))
                failures.Add($"{Hex(s)}: the result {Hex(actual)} is not stable");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n{string.Join("\n", failures.Take(20))}");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("caf\u00e9")] // Latin-1, precomposed
    [InlineData("\u4e2d\u6587")]
    [InlineData("\u0430\u0431\u0432")] // Cyrillic
    [InlineData("\uD840\uDC00x")] // a supplementary ideograph
    [InlineData("x\u0301")] // a mark with no composite for its base (quick check Maybe)
    [InlineData("\uAC01")] // an LVT syllable
    public void ReturnsTheSameInstanceWhenAlreadyNormalized(string text)
    {
        Assert.Same(text, Nfc.Normalize(text));
        Assert.Same(text, RustIdentifier.NormalizeNfc(text));
    }

    [Theory]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("\u212b", "\u00c5")] // a singleton decomposition
    [InlineData("a\u0301\u0328", "\u0105\u0301")] // reordered (ogonek 202 before acute 230), then composed
    [InlineData("\u1100\u1161\u11a8", "\uac01")] // L V T jamo → syllable
    [InlineData("\uac00\u11a8", "\uac01")] // LV syllable + T
    [InlineData("\u1100\u1161\u11a7", "\uac00\u11a7")] // U+11A7 is not a trailing consonant
    [InlineData("\u0958", "\u0915\u093c")] // a composition exclusion stays decomposed
    [InlineData("\u0f73", "\u0f71\u0f72")] // a non-starter decomposition
    [InlineData("\u0301e", "\u0301e")] // a leading mark has nothing to compose with
    [InlineData("\U0001D15F", "\U0001D158\U0001D165")] // supplementary, excluded
    [InlineData("\u1E9B\u0323", "\u1E9B\u0323")] // UAX #15 example: long s with dot above, dot below
    public void Normalizes(string input, string expected)
    {
        Assert.Equal(expected, Nfc.Normalize(input));
        Assert.Equal(expected, RustIdentifier.NormalizeNfc(input));
    }

    [Fact]
    public void IsNotQuadraticOnLongRunsOfMarks()
    {
        // 200,000 marks of descending class: an insertion sort over the run would take minutes.
        var marks = new[] { "\u0301", "\u0316", "\u0328", "\u0334", "\u0345" }; // classes 230, 220, 202, 1, 240
        var sb = new StringBuilder("a");
        for (var i = 0; i < 200_000; i++) sb.Append(marks[i % marks.Length]);
        var s = sb.ToString();
        var watch = Stopwatch.StartNew();
        var actual = Nfc.Normalize(s);
        watch.Stop();
        Assert.Equal(s.Normalize(NormalizationForm.FormC), actual);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void TablesAreOfTheIdentifierTablesUnicodeVersion() =>
        Assert.Equal(IdentifierTables.XidUnicodeVersion, NormalizationTables.UnicodeVersion);

    /// <summary>Code points that decompose, compose, reorder or are parts of those, plus Hangul and a few letters.</summary>
    private static IEnumerable<int> InterestingCodePoints()
    {
        var set = new HashSet<int>();
        var ranges = NormalizationTables.CombiningClassRanges;
        for (var i = 0; i < ranges.Length; i += 2)
            for (var cp = ranges[i]; cp <= ranges[i + 1]; cp++) set.Add(cp);
        foreach (var cp in NormalizationTables.DecompositionKeys) set.Add(cp);
        foreach (var cp in NormalizationTables.DecompositionFirst) set.Add(cp);
        foreach (var cp in NormalizationTables.DecompositionSecond) if (cp != 0) set.Add(cp);
        for (var cp = 0x1100; cp <= 0x11FF; cp++) set.Add(cp); // jamo
        for (var cp = 0xAC00; cp < 0xAC00 + 11172; cp += 97) set.Add(cp); // a spread of syllables
        foreach (var c in "aeiouAEIOU_") set.Add(c);
        return set.Order();
    }

    private static string Hex(string s) =>
        string.Join(" ", s.EnumerateRunes().Select(r => r.Value.ToString("X4", CultureInfo.InvariantCulture)));

    private sealed record ConformanceTest(string Part, int Line, string[] Columns);

    private sealed class ConformanceData
    {
        public List<string> Parts { get; } = [];
        public List<ConformanceTest> Tests { get; } = [];
        public string IcuVersion { get; private set; } = "";
        private readonly List<(int Start, int End)> _newerThanIcu = [];

        public bool IsNewerThanIcu(int cp) => _newerThanIcu.Any(r => r.Start <= cp && cp <= r.End);

        public static ConformanceData Load()
        {
            // Committed with the tests (scripts/gen-normalization-tables.py), so this never skips.
            var path = Path.Combine(AppContext.BaseDirectory, "TestData", "nfc-conformance.txt");
            var data = new ConformanceData();
            var part = "";
            var inAges = false;
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (line.Length == 0 || line[0] == '#') continue;
                if (line.StartsWith("@AssignedAfter ", StringComparison.Ordinal))
                {
                    inAges = true;
                    data.IcuVersion = line["@AssignedAfter ".Length..];
                    continue;
                }
                if (inAges)
                {
                    var bounds = line.Split("..");
                    data._newerThanIcu.Add((ParseHex(bounds[0]), ParseHex(bounds[1])));
                    continue;
                }
                if (line[0] == '@')
                {
                    part = line;
                    data.Parts.Add(line);
                    continue;
                }

                var fields = line.Split(';');
                var columns = new string[5];
                for (var i = 0; i < 5; i++)
                {
                    var field = i < fields.Length ? fields[i] : "";
                    columns[i] = field.Length == 0 ? columns[i - 1]
                        : field[0] == '=' ? columns[field[1] - '1']
                        : string.Concat(field.Split(' ').Select(h => char.ConvertFromUtf32(ParseHex(h))));
                }
                data.Tests.Add(new ConformanceTest(part, lineNumber, columns));
            }
            Assert.Equal("15.0", data.IcuVersion);
            return data;
        }

        private static int ParseHex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
