using System.Numerics;
using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// The Mann–Kendall trend test of a series: S, its variance under "no trend", Kendall's tau, the
/// normal score and the p-values of the one-sided (increasing, decreasing) and two-sided tests.
/// </summary>
public readonly record struct MannKendallResult(
    long S, double Variance, double Tau, double Z, double PIncreasing, double PDecreasing, double PTwoSided)
{
    /// <summary>The one-sided p-value in the direction the series moves (S's sign); 0.5 when S is 0.</summary>
    public double PInDirection => S > 0 ? PIncreasing : S < 0 ? PDecreasing : 0.5;
}

/// <summary>
/// The Mann–Kendall test: S = Σ_{i&lt;j} sign(y_j − y_i). Under "no trend", S has mean 0 and
/// variance [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 (t: the sizes of groups of equal values; without
/// ties this is the textbook n(n−1)(2n+5)/18). Z = (S − sign S) / √Var (continuity correction) is
/// referred to the standard normal. The tie correction matters here: goroutine counts repeat, and
/// a site absent from the first snapshots is 0 in all of them; leaving it out would overstate the
/// variance and understate every such trend. Tau is Kendall's tau-a, S / (n(n−1)/2).
/// </summary>
public static class MannKendall
{
    // Runs millions of times on the first call: compiled optimized at once, not after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MannKendallResult Test(ReadOnlySpan<double> y)
    {
        int n = y.Length;
        if (n < 2) return new MannKendallResult(0, 0, 0, 0, 0.5, 0.5, 1);
        long s = 0;
        for (int i = 0; i < n; i++)
        {
            double yi = y[i];
            int j = i + 1;
            // Compared Vector<double>.Count at a time: the signs of noise are unpredictable, so
            // branches would mispredict half the time.
            if (Vector.IsHardwareAccelerated && n - j >= Vector<double>.Count)
            {
                var pivot = new Vector<double>(yi);
                var acc = Vector<long>.Zero;
                for (; j <= n - Vector<double>.Count; j += Vector<double>.Count)
                {
                    var v = new Vector<double>(y[j..]);
                    // Comparison masks are -1 where true: less − greater is +1 above yi, -1 below.
                    acc += Vector.LessThan(v, pivot) - Vector.GreaterThan(v, pivot);
                }
                s += Vector.Sum(acc);
            }
            for (; j < n; j++) s += (y[j] > yi ? 1 : 0) - (y[j] < yi ? 1 : 0);
        }

        double ties = 0;
        double[] sorted = y.ToArray();
        Array.Sort(sorted);
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && sorted[j] == sorted[i]) j++;
            double t = j - i;
            if (t > 1) ties += t * (t - 1) * (2 * t + 5);
            i = j;
        }
        double variance = ((double)n * (n - 1) * (2 * n + 5) - ties) / 18;
        double z = variance > 0 ? (s - Math.Sign(s)) / Math.Sqrt(variance) : 0;
        double pUp = NormalDistribution.UpperTail(z);
        double pDown = NormalDistribution.UpperTail(-z);
        double tau = s / (n * (n - 1) / 2.0);
        return new MannKendallResult(s, variance, tau, z, pUp, pDown, Math.Min(1, 2 * Math.Min(pUp, pDown)));
    }
}
