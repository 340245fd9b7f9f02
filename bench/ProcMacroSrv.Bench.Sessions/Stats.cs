namespace ProcMacroSrv.Bench.Sessions;

/// <summary>Order statistics of a sample.</summary>
internal static class Stats
{
    /// <summary>The q-quantile (0..1) by linear interpolation between order statistics.</summary>
    public static double Quantile(IReadOnlyCollection<double> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    public static double Median(IReadOnlyCollection<double> values) => Quantile(values, 0.5);

    public static double P90(IReadOnlyCollection<double> values) => Quantile(values, 0.9);
}
