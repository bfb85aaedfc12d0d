namespace GrpcServer.Benchmarks.Reporting;

/// <summary>A point estimate with its 95 % confidence interval and the range of the values it rests on.</summary>
/// <param name="Estimate">The mean (of differences) or geometric mean (of ratios).</param>
/// <param name="Low">The interval's lower end (NaN with fewer than two values).</param>
/// <param name="High">The interval's upper end (NaN with fewer than two values).</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Count">How many values (pairs, runs).</param>
internal sealed record Interval(double Estimate, double Low, double High, double Min, double Max, int Count)
{
    public bool HasInterval => Count >= 2 && !double.IsNaN(Low);

    /// <summary>
    /// Met when the whole interval is at or below the target, missed when the whole interval is above it, and
    /// not resolved when the interval straddles it (the measurement cannot tell; the estimate says which way it leans).
    /// </summary>
    public Verdict Against(double target) =>
        !HasInterval ? (Estimate <= target ? Verdict.MetByEstimate : Verdict.MissedByEstimate)
        : High <= target ? Verdict.Met
        : Low > target ? Verdict.Missed
        : Verdict.NotResolved;
}

internal enum Verdict
{
    Met,
    Missed,
    NotResolved,
    MetByEstimate,
    MissedByEstimate,
}

/// <summary>Confidence intervals for paired repetitions (Student's t, two-sided 95 %).</summary>
internal static class Statistics
{
    // Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom.
    private static readonly double[] s_t975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    public static double T975(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= s_t975.Length ? s_t975[degreesOfFreedom - 1] : 1.96;

    /// <summary>The mean of <paramref name="values"/> with a t-interval: for paired differences, or repeated timings.</summary>
    public static Interval Mean(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return new Interval(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        var mean = list.Average();
        if (list.Count < 2)
        {
            return new Interval(mean, double.NaN, double.NaN, mean, mean, 1);
        }

        var sd = Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
        var half = T975(list.Count - 1) * sd / Math.Sqrt(list.Count);
        return new Interval(mean, mean - half, mean + half, list.Min(), list.Max(), list.Count);
    }

    /// <summary>
    /// The geometric mean with a t-interval on the logarithms: for ratios of paired repetitions (where 0.8 and 1.25 are
    /// the same distance from 1) and for times, which cannot be negative and spread by factors.
    /// </summary>
    public static Interval Geometric(IEnumerable<double> ratios)
    {
        var list = ratios.Where(r => r > 0 && double.IsFinite(r)).ToList();
        var logs = Mean(list.Select(r => Math.Log(r)));
        return logs.Count == 0
            ? logs
            : new Interval(Math.Exp(logs.Estimate), Math.Exp(logs.Low), Math.Exp(logs.High), list.Min(), list.Max(), list.Count);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
