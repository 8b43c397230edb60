using LeakHound.Analysis.Trends;

namespace LeakHound.Tests.Trends;

/// <summary>
/// Theil–Sen, Mann–Kendall and their helpers against values worked out by hand (each derivation
/// is in the comment above its assertions), not against another implementation.
/// </summary>
public class TrendStatisticsTests
{
    [Fact]
    public void TheilSenIsTheMedianOfThePairwiseSlopes()
    {
        // x = 0..4, y = 1 3 2 5 4. The ten slopes (yj − yi)/(j − i):
        // (0,1) 2, (0,2) 0.5, (0,3) 4/3, (0,4) 0.75, (1,2) −1, (1,3) 1, (1,4) 1/3, (2,3) 3, (2,4) 1, (3,4) −1.
        // Sorted: −1 −1 1/3 0.5 0.75 | 1 1 4/3 2 3 → median (0.75 + 1) / 2 = 0.875.
        Assert.Equal(0.875, TheilSen.Slope([0, 1, 2, 3, 4], [1, 3, 2, 5, 4]), 12);
    }

    [Fact]
    public void TheilSenIgnoresAnOutlierAndPairsAtTheSameTime()
    {
        // y = 2x except y(3) = 100. Slopes: 6 pairs without x=3 have slope 2; the 4 with it are
        // (100−0)/3, (100−2)/2, (100−4)/1, (8−100)/1 = 33.3, 49, 96, −92.
        // Sorted: −92 2 2 2 2 | 2 2 33.3 49 96 → median 2.
        Assert.Equal(2, TheilSen.Slope([0, 1, 2, 3, 4], [0, 2, 4, 100, 8]), 12);
        // x = 0 1 1 2, y = 0 1 1 3: the two points at x = 1 give no slope between themselves; the
        // other five are (0,1) 1, (0,2) 1, (0,3) 1.5, (1,3) 2, (2,3) 2 → median 1.5.
        Assert.Equal(1.5, TheilSen.Slope([0, 1, 1, 2], [0, 1, 1, 3]), 12);
        Assert.Equal(0, TheilSen.Slope([5], [1]));
    }

    [Fact]
    public void MannKendallWithoutTies()
    {
        // y = 1 3 2 5 4: of the ten pairs, (3,2) and (5,4) go down, the other eight up → S = 6.
        // Var S = n(n−1)(2n+5)/18 = 5·4·15/18 = 16.6667; Z = (S − 1)/√Var = 5/4.08248 = 1.22474;
        // P(increasing) = 1 − Φ(1.22474) = 0.110336; two-sided 0.220671; tau = 6/10.
        var r = MannKendall.Test([1, 3, 2, 5, 4]);
        Assert.Equal(6, r.S);
        Assert.Equal(16.666666666666668, r.Variance, 9);
        Assert.Equal(1.224745, r.Z, 5);
        Assert.Equal(0.110336, r.PIncreasing, 5);
        Assert.Equal(0.889664, r.PDecreasing, 5);
        Assert.Equal(0.220671, r.PTwoSided, 5);
        Assert.Equal(0.6, r.Tau, 12);
    }

    [Fact]
    public void MannKendallWithTies()
    {
        // y = 1 1 2 2 3: pairs up: (1,2)×4, (1,3)×2, (2,3)×2 = 8; ties (1,1), (2,2) count 0 → S = 8.
        // Two tie groups of size 2: Σ t(t−1)(2t+5) = 2·(2·1·9) = 36; Var = (300 − 36)/18 = 14.6667;
        // Z = 7/3.82971 = 1.82782; P(increasing) = 1 − Φ(1.82782) = 0.033789.
        var r = MannKendall.Test([1, 1, 2, 2, 3]);
        Assert.Equal(8, r.S);
        Assert.Equal(14.666666666666666, r.Variance, 9);
        Assert.Equal(1.827815, r.Z, 5);
        Assert.Equal(0.033789, r.PIncreasing, 5);
        // A perfectly decreasing series of 4: S = −6, Var = 4·3·13/18 = 8.6667, Z = −5/2.94392 = −1.69842,
        // P(decreasing) = Φ(−1.69842) = 0.044715.
        var d = MannKendall.Test([4, 3, 2, 1]);
        Assert.Equal(-6, d.S);
        Assert.Equal(0.044715, d.PDecreasing, 6);
        Assert.Equal(d.PDecreasing, d.PInDirection);
    }

    [Fact]
    public void MannKendallOnLongSeriesMatchesTheScalarDefinition()
    {
        // The vectorised count must equal the definition, including ties and the tails that do not fill a vector.
        var rng = new Random(5);
        for (int n = 2; n < 40; n++)
        {
            var y = Enumerable.Range(0, n).Select(_ => (double)rng.Next(6)).ToArray();
            long s = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) s += Math.Sign(y[j] - y[i]);
            Assert.Equal(s, MannKendall.Test(y).S);
        }
    }

    [Fact]
    public void NormalTails()
    {
        // Tabulated: Φ(1.96) = 0.9750021, Φ(0) = 0.5, Φ(−3) = 0.0013499.
        Assert.Equal(0.9750021, NormalDistribution.Cdf(1.96), 6);
        Assert.Equal(0.5, NormalDistribution.Cdf(0), 7);
        Assert.Equal(0.0013499, NormalDistribution.Cdf(-3), 6);
        Assert.Equal(0.0249979, NormalDistribution.UpperTail(1.96), 6);
    }

    [Fact]
    public void MediansAndScatter()
    {
        Assert.Equal(3, OrderStatistics.Median([5, 1, 3]));
        Assert.Equal(2.5, OrderStatistics.Median([4, 1, 3, 2]));
        Assert.Equal(0, OrderStatistics.Median([]));
        var rng = new Random(9);
        for (int n = 1; n < 60; n++)
        {
            var v = Enumerable.Range(0, n).Select(_ => (double)rng.Next(20)).ToArray();
            var sorted = v.OrderBy(d => d).ToArray();
            double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            Assert.Equal(expected, OrderStatistics.Median(v));
        }
        // A straight line has no scatter around itself; one jump (a cache filling) does not make any.
        Assert.Equal(0, OrderStatistics.DifferenceScatter([1, 2, 3, 4, 5, 6]));
        Assert.Equal(0, OrderStatistics.DifferenceScatter([0, 0, 0, 10, 10, 10, 10]));
        // Differences of 0 1 0 1 0 1 0: 1 −1 1 −1 1 −1, median 0, |d| all 1 → MAD 1 → 1.4826/√2.
        Assert.Equal(1.4826 / Math.Sqrt(2), OrderStatistics.DifferenceScatter([0, 1, 0, 1, 0, 1, 0]), 12);
    }

    [Fact]
    public void ConfidenceFormula()
    {
        // (1 − p)(1 − 1/(2n))(1 − e^(−E/2)): p = 0.01, n = 10, E = 4 → 0.99 · 0.95 · (1 − e^−2) = 0.808818.
        Assert.Equal(0.99 * 0.95 * (1 - Math.Exp(-2)), TrendClassifier.Confidence(0.01, 10, 4), 12);
        Assert.Equal(0, TrendClassifier.Confidence(0.01, 10, 0));
    }

    [Fact]
    public void CountingTestComparesTheFittedEndsAsTwoCounts()
    {
        double[] x = Enumerable.Range(0, 11).Select(i => (double)i).ToArray();
        // A straight line from 3 to 7 objects: z = 4/√10 = 1.2649, P(Z > z) = 0.1030 (normal table).
        double[] wander = x.Select(i => 3 + 0.4 * i).ToArray();
        Assert.Equal(0.1030, TrendClassifier.CountingPIncrease(x, wander, 0.4, 4, 1), 4);
        // The same in bytes, 4 kB an object: the unit divides out.
        Assert.Equal(0.1030, TrendClassifier.CountingPIncrease(x, wander.Select(v => v * 4096).ToArray(), 0.4 * 4096, 4 * 4096, 4096), 4);
        // From 0 to 10 objects: z = 10/√10 = 3.1623, P(Z > z) = 0.000783.
        double[] leak = x.Select(i => i).ToArray();
        Assert.Equal(0.000783, TrendClassifier.CountingPIncrease(x, leak, 1, 10, 1), 6);
        // The start is the median of y − slope·x, so one outlier does not move it: 2 3 2 … with a 9 at the start.
        double[] outlier = [9, 2.2, 2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.6, 3.8, 4];
        Assert.Equal(NormalDistribution.UpperTail(2 / Math.Sqrt(6)), TrendClassifier.CountingPIncrease(x, outlier, 0.2, 2, 1), 9);
    }

    [Fact]
    public void BenjaminiHochbergCutoff()
    {
        // m = 4, q = 0.05: thresholds 0.0125, 0.025, 0.0375, 0.05; 0.03 ≤ 0.0375 is the largest that passes.
        Assert.Equal(0.03, BenjaminiHochberg.Cutoff([0.5, 0.03, 0.01, 0.02], 4, 0.05));
        // The same p-values among 100 tests: thresholds 0.0005, 0.001, 0.0015: none passes.
        Assert.Equal(0, BenjaminiHochberg.Cutoff([0.5, 0.03, 0.01, 0.02], 100, 0.05));
        // Step-up: 0.0009 fails its own threshold (0.0005) but the second, 0.001 ≤ 2/100 × 0.05, carries it.
        Assert.Equal(0.001, BenjaminiHochberg.Cutoff([0.0009, 0.001], 100, 0.05));
        Assert.Equal(0, BenjaminiHochberg.Cutoff([], 10, 0.05));
        Assert.Throws<ArgumentException>(() => BenjaminiHochberg.Cutoff([0.1, 0.2], 1, 0.05));
    }
}
