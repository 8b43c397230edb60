namespace LeakHound.Analysis.Trends;

/// <summary>
/// The thresholds of <see cref="LeakAnalyzer"/>. The defaults are explained in docs/hunt-analysis.md;
/// they were chosen on general grounds (sampling statistics, the test's significance level) and
/// checked against the sample services, never tuned to one of them.
/// </summary>
public sealed record LeakAnalyzerOptions
{
    public static LeakAnalyzerOptions Default { get; } = new();

    /// <summary>Snapshots needed in the latest segment (since the last restart) for a verdict.</summary>
    public int MinSnapshots { get; init; } = 5;

    /// <summary>A Growth suspect with at least this confidence makes the verdict Leak (when corroborated).</summary>
    public double LeakConfidence { get; init; } = 0.8;

    /// <summary>Growth sites and groups below this confidence are not listed as suspects.</summary>
    public double SuspectMinConfidence { get; init; } = 0.5;

    /// <summary>At most this many suspects are returned.</summary>
    public int MaxSuspects { get; init; } = 20;

    /// <summary>α: the Mann–Kendall one-sided p-value below which a trend counts.</summary>
    public double Significance { get; init; } = 0.05;

    /// <summary>
    /// κ: growth "continues to the end" when the slope over the last half is at least this share of
    /// the whole window's; below it the series is levelling off (Plateau).
    /// </summary>
    public double ContinuationRatio { get; init; } = 0.5;

    /// <summary>A change smaller than this share of the series' largest value is noise.</summary>
    public double RelativeNoise { get; init; } = 0.05;

    /// <summary>
    /// How many standard deviations of heap-profile sampling noise (√k sampled objects, k the
    /// largest count of any snapshot) a change must exceed to count.
    /// </summary>
    public double SamplingNoiseZ { get; init; } = 2;

    /// <summary>How many robust standard deviations of the point-to-point scatter a change must exceed.</summary>
    public double ScatterNoiseZ { get; init; } = 2;

    /// <summary>Changes of the global heap in use (and RSS) smaller than this many bytes are noise.</summary>
    public double HeapNoiseFloorBytes { get; init; } = 1 << 20;

    /// <summary>Changes of a goroutine count (a group's or the total) smaller than this are noise.</summary>
    public double GoroutineNoiseFloor { get; init; } = 3;

    /// <summary>
    /// A site whose in-use bytes are Flat is Churn when it allocated at least this many times its
    /// in-use size (or its noise, whichever is larger) during the window.
    /// </summary>
    public double ChurnFactor { get; init; } = 10;

    /// <summary>
    /// At most this many heap sites are fitted, those whose in-use bytes moved the most; a site that
    /// moved less than all of them cannot outrank them. Bounds the O(n²) fits on huge profiles.
    /// </summary>
    public int MaxFittedSites { get; init; } = 1000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSnapshots, 3, nameof(MinSnapshots));
        CheckFraction(LeakConfidence, nameof(LeakConfidence));
        CheckFraction(SuspectMinConfidence, nameof(SuspectMinConfidence));
        CheckFraction(RelativeNoise, nameof(RelativeNoise));
        CheckFraction(ContinuationRatio, nameof(ContinuationRatio));
        if (!(Significance > 0 && Significance < 1)) throw new ArgumentOutOfRangeException(nameof(Significance), Significance, "must be in (0, 1)");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSuspects, nameof(MaxSuspects));
        ArgumentOutOfRangeException.ThrowIfNegative(SamplingNoiseZ, nameof(SamplingNoiseZ));
        ArgumentOutOfRangeException.ThrowIfNegative(ScatterNoiseZ, nameof(ScatterNoiseZ));
        ArgumentOutOfRangeException.ThrowIfNegative(HeapNoiseFloorBytes, nameof(HeapNoiseFloorBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(GoroutineNoiseFloor, nameof(GoroutineNoiseFloor));
        ArgumentOutOfRangeException.ThrowIfNegative(ChurnFactor, nameof(ChurnFactor));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxFittedSites, nameof(MaxFittedSites));
    }

    private static void CheckFraction(double v, string name)
    {
        if (!(v >= 0 && v <= 1)) throw new ArgumentOutOfRangeException(name, v, "must be in [0, 1]");
    }
}
