using System.Buffers;
using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// The Theil–Sen slope: the median of the slopes between all pairs of points. Up to 29% of the
/// points can be wild (a GC that had not finished, a burst of requests in flight) without moving
/// it, unlike least squares, and it needs no assumption about the noise's distribution.
/// O(n²) pairs, which for the few hundred snapshots of a hunt is a few thousand to 20,000 slopes.
/// </summary>
public static class TheilSen
{
    /// <summary>
    /// The median of (y[j] − y[i]) / (x[j] − x[i]) over all pairs i &lt; j with x[i] ≠ x[j]
    /// (pairs taken at the same moment say nothing about a slope); 0 when there is no such pair.
    /// </summary>
    // Runs millions of times on the first call: compiled optimized at once, not after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Slope(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
        int n = x.Length;
        if (n < 2) return 0;
        int pairs = n * (n - 1) / 2;
        double[] buffer = ArrayPool<double>.Shared.Rent(pairs);
        try
        {
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                double xi = x[i], yi = y[i];
                for (int j = i + 1; j < n; j++)
                {
                    double dx = x[j] - xi;
                    if (dx != 0) buffer[count++] = (y[j] - yi) / dx;
                }
            }
            return count == 0 ? 0 : OrderStatistics.MedianInPlace(buffer.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}
