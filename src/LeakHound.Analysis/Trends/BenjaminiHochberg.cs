namespace LeakHound.Analysis.Trends;

/// <summary>
/// The Benjamini–Hochberg procedure: which of many tests to believe so that, on average, at most a
/// share q of those believed are false. Sort the m p-values ascending; the cut-off is the largest
/// p_(i) with p_(i) ≤ i/m × q, and every test at or below it is a discovery.
/// </summary>
public static class BenjaminiHochberg
{
    /// <summary>
    /// The cut-off for <paramref name="m"/> tests at false-discovery rate <paramref name="q"/>, of which
    /// <paramref name="p"/> holds those with a p-value below 1 (the others need not be listed); 0 when
    /// there is no discovery.
    /// </summary>
    public static double Cutoff(ReadOnlySpan<double> p, int m, double q)
    {
        if (p.Length > m) throw new ArgumentException($"{p.Length} p-values for {m} tests");
        var sorted = p.ToArray();
        Array.Sort(sorted);
        for (int i = sorted.Length; i >= 1; i--)
            if (sorted[i - 1] <= i * q / m) return sorted[i - 1];
        return 0;
    }
}
