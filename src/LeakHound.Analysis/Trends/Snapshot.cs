using LeakHound.Formats.Goroutines;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// What was taken from the service at one moment: a heap profile (profile.proto, taken with gc=1),
/// the goroutines, and numeric metrics from expvar and Prometheus ("heap_inuse_bytes",
/// "heap_alloc_bytes", "rss_bytes", "goroutines", …). Any part may be missing (a failed fetch).
/// The heap profile may be parsed only when needed (<see cref="HeapProfileSource"/>).
/// Snapshots with the same <see cref="Segment"/> come from one run of the process; a restart
/// starts a new segment.
/// </summary>
public sealed record Snapshot(
    DateTimeOffset Time,
    int Segment,
    HeapProfileSource? Heap,
    GoroutineDump? Goroutines,
    IReadOnlyDictionary<string, double> Metrics);

/// <summary>The metric names snapshots use, whatever endpoint they came from.</summary>
public static class MetricNames
{
    public const string HeapInuseBytes = "heap_inuse_bytes";
    public const string HeapAllocBytes = "heap_alloc_bytes";
    public const string HeapObjects = "heap_objects";
    public const string RssBytes = "rss_bytes";
    public const string Goroutines = "goroutines";
    public const string TotalAllocBytes = "total_alloc_bytes";
    public const string NumGC = "num_gc";
    public const string ProcessStartSeconds = "process_start_seconds";
}
