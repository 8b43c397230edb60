using System.Globalization;
using LeakHound.Analysis.Trends;

namespace LeakHound.Bench;

/// <summary>
/// <c>simulate-bounded [trials] [leak] [cut]</c>: how often a heap site of a bounded FIFO cache (the
/// lrucache sample: every request inserts an entry and evicts the oldest) is classified Growth with
/// the confidence of a suspect (≥ 0.5) or of a leak (≥ 0.8), by sampling alone. Each trial draws a
/// hunt: the cache's objects are sampled at allocation as the runtime does (probability
/// 1 − e^(−size/4096)), and each snapshot sees the sampled objects alive. Printed per cache shape,
/// once with Mann–Kendall alone and once with the counting test held to <c>cut</c> (default
/// 0.05/171, what Benjamini–Hochberg asks of a lone discovery among 171 sites, a sample service's
/// profile). With <c>leak</c> &gt; 0, that many further objects a snapshot are kept for ever: how
/// often a real leak of that size is found.
/// </summary>
internal static class BoundedSiteSimulation
{
    public static void Run(int trials, double leakPerSnapshot, double cut)
    {
        var o = LeakAnalyzerOptions.Default;
        var rng = new Random(7);
        const double R = 4096;
        Console.WriteLine($"{trials} hunts per row; leak {leakPerSnapshot} objects a snapshot; counting cut-off {cut:G3}");
        Console.WriteLine("capacity  size  inserts/snapshot  snapshots  sampled alive   MK alone ≥0.5  ≥0.8   with counting ≥0.5  ≥0.8");
        foreach (int n in new[] { 11, 30 })
        foreach (int capacity in new[] { 256, 2048 })
        foreach (double size in new[] { 48.0, 208, 4096 })
        foreach (int perSnap in new[] { 10, 30, 60, 120, 400 })
        {
            double p = 1 - Math.Exp(-size / R);
            var counts = new int[4];
            var x = new double[n];
            var y = new double[n];
            var k = new double[n];
            for (int i = 0; i < n; i++) x[i] = i * 0.05;
            var ring = new bool[capacity];
            for (int trial = 0; trial < trials; trial++)
            {
                int live = 0, pos = 0, kept = 0;
                for (int i = 0; i < capacity; i++) { ring[i] = rng.NextDouble() < p; if (ring[i]) live++; }
                for (int t = 0; t < n; t++)
                {
                    int inserts = Math.Max(1, (int)(perSnap * (0.5 + rng.NextDouble())));
                    for (int a = 0; a < inserts; a++)
                    {
                        if (ring[pos]) live--;
                        ring[pos] = rng.NextDouble() < p;
                        if (ring[pos]) live++;
                        pos = (pos + 1) % capacity;
                    }
                    int leaked = (int)Math.Round(leakPerSnapshot * (0.5 + rng.NextDouble()));
                    for (int a = 0; a < leaked; a++) if (rng.NextDouble() < p) kept++;
                    k[t] = live + kept;
                    y[t] = k[t] * size / p;
                }
                // The analyzer's noise floor (LeakAnalyzer.ClassifyHeapSites).
                double perSample = k.Sum() > 0 ? y.Sum() / k.Sum() : R;
                double floor = Math.Max(R, o.SamplingNoiseZ * perSample * Math.Sqrt(Math.Max(1, k.Max())));
                if (y.Max() - y.Min() < Math.Max(floor, o.RelativeNoise * y.Max())) continue;
                Count(TrendClassifier.Classify(x, y, floor, o), 0);
                Count(TrendClassifier.Classify(x, y, floor, o, perSample, cut), 2);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{capacity,8} {size,5} {perSnap,17} {n,10} {capacity * p,14:F1}   {Share(0),13} {Share(1),5}   {Share(2),18} {Share(3),5}"));

            void Count(TrendFit fit, int column)
            {
                if (fit.Kind != TrendKind.Growth) return;
                if (fit.Confidence >= o.SuspectMinConfidence) counts[column]++;
                if (fit.Confidence >= o.LeakConfidence) counts[column + 1]++;
            }
            string Share(int column) => (100.0 * counts[column] / trials).ToString("F2", CultureInfo.InvariantCulture) + "%";
        }
    }
}
