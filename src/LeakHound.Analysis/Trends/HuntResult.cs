namespace LeakHound.Analysis.Trends;

public enum Verdict
{
    Leak,
    NoLeak,
    Inconclusive,
}

/// <summary>How a series behaves over the hunt.</summary>
public enum TrendKind
{
    /// <summary>Grows steadily to the end.</summary>
    Growth,
    /// <summary>Grew, then levelled off (a bounded cache that filled up).</summary>
    Plateau,
    /// <summary>No trend beyond what sampling noise explains.</summary>
    Flat,
    /// <summary>Allocated fast but not kept: high allocation rate, flat in use.</summary>
    Churn,
    /// <summary>Shrinks.</summary>
    Decline,
}

/// <summary>One point of a series: Unix seconds and a value.</summary>
public readonly record struct SeriesPoint(double UnixSeconds, double Value);

/// <summary>
/// A site whose memory, or a goroutine group whose count, grows: where it is (its first frame
/// outside the Go runtime and standard library, and the whole stack, leaf first), how fast, how
/// big now, how sure we are, and its series for charts.
/// </summary>
public sealed record Suspect(
    int Rank,
    string Kind,            // "heap" or "goroutines"
    string Function,
    string File,
    int Line,
    IReadOnlyList<string> Stack,
    string Metric,          // "inuse_space", "inuse_objects" or "goroutines"
    string Unit,            // "bytes", "objects" or "goroutines"
    double GrowthPerMinute,
    double Current,
    double Confidence,      // 0..1
    TrendKind Trend,
    IReadOnlyList<SeriesPoint> Series);

/// <summary>The outcome of analysing a hunt.</summary>
public sealed record HuntResult(
    Verdict Verdict,
    string Reason,
    int Snapshots,
    double DurationSeconds,
    IReadOnlyList<Suspect> Suspects,
    IReadOnlyDictionary<string, IReadOnlyList<SeriesPoint>> Series,
    IReadOnlyList<double> Restarts,          // Unix seconds at which a new segment started
    IReadOnlyDictionary<string, TrendKind> GlobalTrends);
