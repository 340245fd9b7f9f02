using System.Globalization;
using System.Text.RegularExpressions;

namespace ProcMacroSrv.RustAnalyzer.Tests;

/// <summary>
/// The expression figures of one <c>rust-analyzer analysis-stats</c> run, from its summary line
/// <c>exprs: N, ??ty: U (x%), ?ty: P (y%), !ty: M</c>: all expressions, those of unknown type,
/// those of partially unknown type, and type mismatches.
/// </summary>
internal sealed partial record AnalysisStats(int Exprs, int UnknownTypes, int PartiallyUnknownTypes, int TypeMismatches, string Line)
{
    /// <summary>
    /// The figures of the last summary line in <paramref name="output"/> (the progress report is
    /// mixed into the same stream, with carriage returns, so the line is found by its shape), or null.
    /// </summary>
    public static AnalysisStats? ParseLast(string output)
    {
        var matches = ExprsLine().Matches(output);
        if (matches.Count == 0)
        {
            return null;
        }

        var m = matches[^1];
        int Figure(string name) => int.Parse(m.Groups[name].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        return new AnalysisStats(Figure("exprs"), Figure("unknown"), Figure("partial"), Figure("mismatches"), m.Value);
    }

    /// <summary>The figures without the percentages, for comparing two runs.</summary>
    public (int Exprs, int UnknownTypes, int PartiallyUnknownTypes, int TypeMismatches) Figures =>
        (Exprs, UnknownTypes, PartiallyUnknownTypes, TypeMismatches);

    [GeneratedRegex(@"exprs: (?<exprs>\d+), \?\?ty: (?<unknown>\d+) \(\d+%\), \?ty: (?<partial>\d+) \(\d+%\), !ty: (?<mismatches>\d+)")]
    private static partial Regex ExprsLine();
}
