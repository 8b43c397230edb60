namespace LeakHound.Analysis.Trends;

/// <summary>What <see cref="TrendClassifier"/> found for one series (rates per minute, values in the series' unit).</summary>
/// <param name="Kind">The classification.</param>
/// <param name="SlopePerMinute">The rate reported: the whole window's Theil–Sen slope, or the last half's when that is more
/// than 1/ContinuationRatio times steeper (growth that started late or speeds up);
/// 0 for a Plateau or Flat series whose trend test left no slope to compute.</param>
/// <param name="LastSlopePerMinute">The Theil–Sen slope of the last half (0 when not computed).</param>
/// <param name="Change">The fitted change over the window judged (see <see cref="TrendClassifier.WindowChange"/>; 0 when no slope was computed).</param>
/// <param name="Noise">The smallest change that is not noise (see <see cref="TrendClassifier.Noise"/>).</param>
/// <param name="Effect">|Change| / Noise.</param>
/// <param name="PValue">The Mann–Kendall one-sided p-value, in the direction of the trend, of the window judged.</param>
/// <param name="Tau">Kendall's tau of the window judged.</param>
/// <param name="Points">Points in the window judged.</param>
/// <param name="Confidence">For Growth and Decline, how sure we are that the series moves so (see <see cref="TrendClassifier.Confidence"/>); 0 otherwise.</param>
/// <param name="Level">The median of the last half: where a Plateau levelled off.</param>
/// <param name="Rise">Level minus the early level (the median of the first quarter).</param>
public readonly record struct TrendFit(
    TrendKind Kind, double SlopePerMinute, double LastSlopePerMinute, double Change, double Noise, double Effect,
    double PValue, double Tau, int Points, double Confidence, double Level, double Rise)
{
    /// <summary>
    /// For a Growth of a series of sampled counts, the counting test's p-value
    /// (<see cref="TrendClassifier.CountingPIncrease"/>) of the window judged; 1 otherwise.
    /// </summary>
    public double CountP { get; init; } = 1;
}

/// <summary>
/// Classifies a series as Growth, Plateau, Decline or Flat (Churn needs the allocation series and
/// is decided by the caller). The rules, in order (n points, m = max(3, ⌈n/2⌉) of them in the
/// "last half", slopes by Theil–Sen, p-values by Mann–Kendall, one-sided, α = Significance,
/// κ = ContinuationRatio, "noise" as in <see cref="Noise"/>; slopes are computed only when a rule
/// needs them, since each costs O(n²)):
/// <list type="number">
/// <item>Growth: slope b &gt; 0, p &lt; α, change ≥ noise (<see cref="WindowChange"/>), and the last
/// half's slope ≥ κ × the earlier slope, the larger of b and the first half's, per minute or per
/// snapshot (it goes on to the end).</item>
/// <item>Growth that started late: the last half alone has slope &gt; 0, p &lt; α and a change ≥ noise.</item>
/// <item>Decline: b &lt; 0, p &lt; α, |change| ≥ noise.</item>
/// <item>Plateau: the last half's median is above the first quarter's median by at least the noise,
/// and the last half has stopped (its change is below the noise, or its slope is below κ × the earlier
/// slope — the first half's, or b when the trend test called for it and it is steeper — both per
/// minute and per snapshot).</item>
/// <item>Flat: anything else.</item>
/// </list>
/// </summary>
public static class TrendClassifier
{
    /// <summary>
    /// The smallest change of a series that is not noise: the largest of the caller's floor (the
    /// sampling noise of a heap site, a byte or goroutine floor), <c>RelativeNoise</c> × the largest
    /// |value|, and <c>ScatterNoiseZ</c> × the point-to-point scatter
    /// (<see cref="OrderStatistics.DifferenceScatter"/>).
    /// </summary>
    public static double Noise(ReadOnlySpan<double> y, double floor, LeakAnalyzerOptions o)
    {
        double maxAbs = 0;
        foreach (double v in y) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        double noise = Math.Max(floor, o.RelativeNoise * maxAbs);
        noise = Math.Max(noise, o.ScatterNoiseZ * OrderStatistics.DifferenceScatter(y));
        // Never 0: the effect is a change divided by it.
        return Math.Max(noise, 1e-9);
    }

    /// <summary>
    /// confidence = (1 − p) × (1 − 1/(2n)) × (1 − e^(−E/2)): the trend test's significance, the
    /// number of points (5 points at most 0.9, 8 at most 0.94, 50 at most 0.99: few points say little
    /// about whether the trend goes on), and the effect E = change / noise (a change of 2× the noise
    /// gives 0.63, 4× 0.86, 6× 0.95).
    /// </summary>
    public static double Confidence(double p, int n, double effect)
    {
        if (n < 2 || effect <= 0) return 0;
        return Math.Clamp((1 - p) * (1 - 1.0 / (2 * n)) * (1 - Math.Exp(-effect / 2)), 0, 1);
    }

    /// <param name="x">Times in minutes, increasing.</param>
    /// <param name="y">Values.</param>
    /// <param name="noiseFloor">The series' own noise floor (sampling noise, a fixed floor).</param>
    /// <param name="countUnit">When the series is a count of sampled events scaled up (a heap site: sampled
    /// objects × the bytes each stands for), the value of one event; then a Growth or Decline must
    /// also pass <see cref="CountingPIncrease"/>. 0 for other series.</param>
    /// <param name="countSignificance">The p-value the counting test must stay below for Growth;
    /// by default <c>Significance</c>. The caller lowers it to correct for the many sites it compares.</param>
    public static TrendFit Classify(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double noiseFloor, LeakAnalyzerOptions o,
        double countUnit = 0, double countSignificance = double.NaN)
    {
        if (double.IsNaN(countSignificance)) countSignificance = o.Significance;
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
        int n = y.Length;
        double last = n == 0 ? 0 : y[n - 1];
        if (n < 3) return new TrendFit(TrendKind.Flat, 0, 0, 0, 0, 0, 1, 0, n, 0, last, 0);

        double noise = Noise(y, noiseFloor, o);
        var mk = MannKendall.Test(y);

        int m = Math.Max(3, (n + 1) / 2);
        var lastX = x[(n - m)..];
        var lastY = y[(n - m)..];
        double level = OrderStatistics.Median(lastY);
        double early = OrderStatistics.Median(y[..Math.Max(1, n / 4)]);
        double rise = level - early;

        // The slopes are O(n²) each, so they are computed only when a rule needs them (most sites
        // of a large profile are decided by the Mann–Kendall test and the rise alone). NaN: not yet.
        double b = double.NaN, bLast = double.NaN, bFirst = double.NaN;
        bool growing = mk.PIncreasing < o.Significance, declining = mk.PDecreasing < o.Significance;
        if (growing || declining) b = TheilSen.Slope(x, y);
        double change = double.IsNaN(b) ? 0 : WindowChange(x, y, b);
        double effect = Math.Abs(change) / noise;
        // A count of sampled objects must also have changed by more than counting noise.
        double pUp = mk.PIncreasing, pDown = mk.PDecreasing, pCount = 1;
        if (countUnit > 0 && (growing || declining))
        {
            pCount = CountingPIncrease(x, y, b, change, countUnit);
            pUp = Math.Max(pUp, pCount);
            pDown = Math.Max(pDown, 1 - pCount);
            growing &= pCount < countSignificance;
            declining = pDown < o.Significance;
        }

        if (growing && b > 0 && effect >= 1)
        {
            bLast = TheilSen.Slope(lastX, lastY);
            bFirst = TheilSen.Slope(x[..m], y[..m]);
            // The earlier rate the last half is compared with: the whole window's, or the first
            // half's when that is steeper (a cache that filled up early pulls the whole window's
            // slope up less than it pulls the first half's).
            // The rate reported is the whole window's, unless the last half is clearly steeper
            // (growth that started late or speeds up): then the current rate is the last half's.
            double rate = o.ContinuationRatio > 0 && bLast * o.ContinuationRatio > b ? bLast : b;
            if (Continues(x, y, m, b, bFirst, bLast, o.ContinuationRatio))
                return new TrendFit(TrendKind.Growth, rate, bLast, change, noise, effect, pUp, mk.Tau, n,
                    Confidence(pUp, n, effect), level, rise) { CountP = pCount };
        }

        var mkLast = MannKendall.Test(lastY);
        if (mkLast.PIncreasing < o.Significance)
        {
            if (double.IsNaN(bLast)) bLast = TheilSen.Slope(lastX, lastY);
            double changeLast = WindowChange(lastX, lastY, bLast);
            double effectLast = changeLast / noise;
            double pCountLast = countUnit > 0 ? CountingPIncrease(lastX, lastY, bLast, changeLast, countUnit) : 1;
            double pLast = Math.Max(mkLast.PIncreasing, pCountLast);
            if (bLast > 0 && effectLast >= 1 && (countUnit <= 0 || pCountLast < countSignificance))
                return new TrendFit(TrendKind.Growth, bLast, bLast, changeLast, noise, effectLast, pLast, mkLast.Tau, m,
                    Confidence(pLast, m, effectLast), level, rise) { CountP = pCountLast };
        }

        if (declining && b < 0 && effect >= 1)
        {
            if (double.IsNaN(bLast)) bLast = TheilSen.Slope(lastX, lastY);
            return new TrendFit(TrendKind.Decline, b, bLast, change, noise, effect, pDown, mk.Tau, n,
                Confidence(pDown, n, effect), level, rise);
        }

        if (rise >= noise)
        {
            if (double.IsNaN(bLast)) bLast = TheilSen.Slope(lastX, lastY);
            if (double.IsNaN(bFirst)) bFirst = TheilSen.Slope(x[..m], y[..m]);
            if (WindowChange(lastX, lastY, bLast) < noise || !Continues(x, y, m, b, bFirst, bLast, o.ContinuationRatio))
                return new TrendFit(TrendKind.Plateau, double.IsNaN(b) ? 0 : b, bLast, change, noise, effect, mk.PInDirection, mk.Tau, n, 0, level, rise);
        }
        return new TrendFit(TrendKind.Flat, double.IsNaN(b) ? 0 : b, double.IsNaN(bLast) ? 0 : bLast, change, noise, effect, mk.PInDirection, mk.Tau, n, 0, level, rise);
    }

    /// <summary>
    /// For a series of sampled events scaled up by <paramref name="unit"/> each (a heap site's in-use
    /// bytes: sampled objects × bytes per sampled object), the one-sided p-value that its level rose
    /// over the window by more than counting noise. The fitted line's ends (intercept the median of
    /// y − slope·x; end = start + <paramref name="change"/>) are taken as two Poisson counts k0 and k1
    /// of sampled objects, and z = (k1 − k0) / √(k0 + k1), the usual comparison of two counts.
    /// <para>The Mann–Kendall test alone is not enough for such series: successive heap profiles show
    /// largely the same sampled objects (a bounded cache replaces only part of itself between two
    /// snapshots), so a wander of a few objects — 2, 3, 2, 3, 3, 4, 4, 3, 5, 5, 6 — passes it as a
    /// trend (p = 0.0008), while as counts, 2 against 5.3 objects, it is nothing (p = 0.11).</para>
    /// </summary>
    public static double CountingPIncrease(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double slope, double change, double unit)
    {
        if (y.Length == 0 || !(unit > 0)) return 1;
        var residuals = new double[y.Length];
        for (int i = 0; i < y.Length; i++) residuals[i] = y[i] - slope * x[i];
        double start = OrderStatistics.MedianInPlace(residuals) + slope * x[0];
        double k0 = Math.Max(0, start) / unit, k1 = Math.Max(0, start + change) / unit;
        return NormalDistribution.UpperTail((k1 - k0) / Math.Sqrt(Math.Max(1, k0 + k1)));
    }

    /// <summary>
    /// The fitted change over a window: the slope in time × the window's length, or the Theil–Sen
    /// slope per snapshot × (points − 1) when that is larger in the same direction. The second is
    /// the size of the change whatever the spacing of the snapshots: when rounds of load take
    /// unequal times, the median slope in time can badly understate a rise that is plain in the
    /// values. With evenly spaced snapshots the two are equal.
    /// </summary>
    public static double WindowChange(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double slope)
    {
        if (y.Length < 2) return 0;
        double byTime = slope * (x[^1] - x[0]);
        var index = new double[y.Length];
        for (int i = 0; i < index.Length; i++) index[i] = i;
        double byIndex = TheilSen.Slope(index, y) * (y.Length - 1);
        return Math.Sign(byIndex) == Math.Sign(byTime) && Math.Abs(byIndex) > Math.Abs(byTime) ? byIndex : byTime;
    }

    /// <summary>
    /// True when the last <paramref name="m"/> points still grow at least κ times as fast as the
    /// earlier rate (the whole window's slope <paramref name="b"/>, NaN when not computed, or the
    /// first half's when steeper), per minute or per snapshot: either suffices, because rounds of
    /// unequal length (load-driven snapshots, a changed interval) make one of them misjudge it.
    /// </summary>
    private static bool Continues(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, double b, double bFirst, double bLast, double kappa)
    {
        double earlier = double.IsNaN(b) ? bFirst : Math.Max(b, bFirst);
        if (bLast >= kappa * earlier) return true;
        int n = y.Length;
        var index = new double[n];
        for (int i = 0; i < n; i++) index[i] = i;
        double bIdx = double.IsNaN(b) ? double.NegativeInfinity : TheilSen.Slope(index, y);
        double earlierIdx = Math.Max(bIdx, TheilSen.Slope(index.AsSpan(0, m), y[..m]));
        return TheilSen.Slope(index.AsSpan(n - m), y[(n - m)..]) >= kappa * earlierIdx;
    }
}
