using LeakHound.Analysis.Trends;

namespace LeakHound.Tests.Trends;

/// <summary>Classification of synthetic series, one snapshot a minute.</summary>
public class TrendClassifierTests
{
    private static readonly LeakAnalyzerOptions Options = LeakAnalyzerOptions.Default;

    private static double[] Minutes(int n) => Enumerable.Range(0, n).Select(i => (double)i).ToArray();

    /// <summary>Deterministic noise in [−amplitude, amplitude].</summary>
    private static double[] Noise(int n, double amplitude, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * amplitude).ToArray();
    }

    private static TrendFit Classify(double[] y, double floor = 1) => TrendClassifier.Classify(Minutes(y.Length), y, floor, Options);

    [Fact]
    public void SteadyGrowthIsGrowthAtItsRate()
    {
        var noise = Noise(10, 20, 1);
        var y = Enumerable.Range(0, 10).Select(i => 1000 + 100.0 * i + noise[i]).ToArray();
        var fit = Classify(y);
        Assert.Equal(TrendKind.Growth, fit.Kind);
        Assert.InRange(fit.SlopePerMinute, 90, 110);
        Assert.True(fit.Confidence > 0.9, $"confidence {fit.Confidence}");
        Assert.Equal(10, fit.Points);
    }

    [Fact]
    public void ABoundedCacheFillingUpIsPlateau()
    {
        var noise = Noise(12, 10, 2);
        var y = Enumerable.Range(0, 12).Select(i => Math.Min(100.0 * i, 500) + noise[i]).ToArray();
        var fit = Classify(y);
        Assert.Equal(TrendKind.Plateau, fit.Kind);
        Assert.InRange(fit.Level, 480, 520);
        Assert.Equal(0, fit.Confidence);
        // Already full before the hunt began: nothing grows at all.
        Assert.Equal(TrendKind.Flat, Classify(Enumerable.Range(0, 12).Select(i => 500 + noise[i]).ToArray()).Kind);
    }

    [Fact]
    public void NoiseIsFlatOrAtLeastNeverASureTrend()
    {
        // α = 0.05 on each side: about one noise series in ten passes the trend test. The effect
        // threshold rejects most of them, and the confidence of those left stays below a leak's.
        int notFlat = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var y = Noise(20, 50, seed).Select(v => 1000 + v).ToArray();
            var fit = Classify(y);
            if (fit.Kind != TrendKind.Flat) notFlat++;
            Assert.True(fit.Confidence < Options.LeakConfidence, $"seed {seed}: {fit}");
        }
        Assert.True(notFlat <= 10, $"{notFlat} of 200 noise series were not Flat");
    }

    [Fact]
    public void GrowthWithinTheNoiseIsFlat()
    {
        // Monotone, so the trend test is sure, but 1 % over the window is below RelativeNoise (5 %)…
        var y = Enumerable.Range(0, 10).Select(i => 1000 + 1.0 * i).ToArray();
        Assert.Equal(TrendKind.Flat, Classify(y).Kind);
        // … and 40 over the window is below a sampling-noise floor of 100.
        var z = Enumerable.Range(0, 10).Select(i => 100 + 4.0 * i).ToArray();
        Assert.Equal(TrendKind.Flat, Classify(z, floor: 100).Kind);
        Assert.Equal(TrendKind.Growth, Classify(z, floor: 10).Kind);
    }

    [Fact]
    public void ShrinkingIsDecline()
    {
        var noise = Noise(8, 20, 3);
        var fit = Classify(Enumerable.Range(0, 8).Select(i => 2000 - 150.0 * i + noise[i]).ToArray());
        Assert.Equal(TrendKind.Decline, fit.Kind);
        Assert.InRange(fit.SlopePerMinute, -170, -130);
    }

    [Fact]
    public void GrowthThatStartedLateIsGrowthAtTheLateRate()
    {
        // Flat for 14 minutes, then +100 a minute for 6: the whole window's slope is small, the last half's is not.
        var noise = Noise(20, 5, 4);
        var y = Enumerable.Range(0, 20).Select(i => 1000 + Math.Max(0, i - 13) * 100.0 + noise[i]).ToArray();
        var fit = Classify(y);
        Assert.True(fit.Kind == TrendKind.Growth, $"{fit}");
        Assert.True(fit.SlopePerMinute > 70, $"{fit}");
    }

    [Fact]
    public void TooFewPointsIsFlat()
    {
        Assert.Equal(TrendKind.Flat, Classify([1, 100]).Kind);
        Assert.Equal(0, Classify([]).Points);
    }

    [Fact]
    public void ConfidenceGrowsWithSnapshotsAndEffect()
    {
        var five = Classify(Enumerable.Range(0, 5).Select(i => 100.0 * i).ToArray());
        var ten = Classify(Enumerable.Range(0, 10).Select(i => 100.0 * i).ToArray());
        Assert.Equal(TrendKind.Growth, five.Kind);
        Assert.True(ten.Confidence > five.Confidence);
        // Five perfectly increasing points of a large effect: p = 0.0143 (Z = 9/4.08), (1 − 1/10), effect ≫ 1.
        Assert.InRange(five.Confidence, 0.85, 0.9);
        var small = Classify(Enumerable.Range(0, 10).Select(i => 100.0 * i).ToArray(), floor: 450);
        Assert.True(small.Confidence < ten.Confidence);
    }

    [Fact]
    public void AWanderOfAFewSampledObjectsIsNotGrowth()
    {
        // Sampled objects of a bounded site over eleven snapshots: successive profiles see mostly
        // the same objects, so Mann–Kendall takes the wander for a trend (p = 0.0008). As counts it
        // is nothing: the fitted line (slope 1/3, start the median of y − x/3 = 2) goes from 2 to
        // 5.33 objects, z = 3.33/√7.33 = 1.23, p = 0.11 (worked by hand).
        double[] k = [2, 3, 2, 3, 3, 4, 4, 3, 5, 5, 6];
        var x = Minutes(k.Length);
        Assert.True(MannKendall.Test(k).PIncreasing < 0.001);
        Assert.Equal(TrendKind.Growth, TrendClassifier.Classify(x, k, 1, Options).Kind);
        var counted = TrendClassifier.Classify(x, k, 1, Options, countUnit: 1);
        Assert.NotEqual(TrendKind.Growth, counted.Kind);
        Assert.Equal(0, counted.Confidence);
        // Ten times as many objects, the same shape: now the counts say it too (z = 33.3/√73.3 = 3.9).
        var many = TrendClassifier.Classify(x, k.Select(v => v * 10).ToArray(), 1, Options, countUnit: 1);
        Assert.Equal(TrendKind.Growth, many.Kind);
        Assert.Equal(NormalDistribution.UpperTail(100 / 3.0 / Math.Sqrt(220 / 3.0)), many.CountP, 9);
        // A caller that compares many sites can ask for more: the same growth, held to 1e-6, is not Growth.
        Assert.NotEqual(TrendKind.Growth, TrendClassifier.Classify(x, k.Select(v => v * 10).ToArray(), 1, Options, countUnit: 1, countSignificance: 1e-6).Kind);
    }
}
