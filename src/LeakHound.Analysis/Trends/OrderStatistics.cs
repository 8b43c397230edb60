using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.Trends;

/// <summary>Medians and robust spreads over spans, in linear expected time (quickselect, no sorting).</summary>
public static class OrderStatistics
{
    /// <summary>
    /// The median of <paramref name="values"/> (the mean of the two middle values for an even
    /// count); 0 for an empty span. Reorders the span.
    /// </summary>
    public static double MedianInPlace(Span<double> values)
    {
        int n = values.Length;
        if (n == 0) return 0;
        int mid = n / 2;
        double upper = Select(values, mid);
        if ((n & 1) == 1) return upper;
        // After selecting, everything left of mid is <= values[mid]: the lower middle is their maximum.
        double lower = double.NegativeInfinity;
        foreach (double v in values[..mid]) if (v > lower) lower = v;
        return (lower + upper) / 2;
    }

    /// <summary>The median of a copy of <paramref name="values"/>; the input is left alone.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        if (values.Length == 0) return 0;
        double[] copy = values.ToArray();
        return MedianInPlace(copy);
    }

    /// <summary>
    /// A robust standard deviation of the noise around a trend: the median absolute deviation of
    /// the successive differences (scaled by 1.4826 to estimate a normal σ), divided by √2 because a
    /// difference carries the noise of two points. A linear trend only shifts the differences, and
    /// a single jump (a cache filling up) is one outlier among them, so neither inflates it.
    /// </summary>
    public static double DifferenceScatter(ReadOnlySpan<double> y)
    {
        if (y.Length < 3) return 0;
        var d = new double[y.Length - 1];
        for (int i = 0; i < d.Length; i++) d[i] = y[i + 1] - y[i];
        double center = MedianInPlace(d);
        for (int i = 0; i < d.Length; i++) d[i] = Math.Abs(d[i] - center);
        return 1.4826 * MedianInPlace(d) / Math.Sqrt(2);
    }

    /// <summary>Moves the k-th smallest value to index k (smaller ones before it, larger after) and returns it.</summary>
    // Runs millions of times on the first call: compiled optimized at once, not after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Select(Span<double> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, values.Length);
        int lo = 0, hi = values.Length - 1;
        while (hi > lo)
        {
            // Median of three as the pivot keeps sorted and reversed inputs (common: growing series) linear.
            int mid = lo + (hi - lo) / 2;
            if (values[mid] < values[lo]) Swap(values, mid, lo);
            if (values[hi] < values[lo]) Swap(values, hi, lo);
            if (values[hi] < values[mid]) Swap(values, hi, mid);
            double pivot = values[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    Swap(values, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else break;
        }
        return values[k];
    }

    private static void Swap(Span<double> v, int a, int b) => (v[a], v[b]) = (v[b], v[a]);
}
