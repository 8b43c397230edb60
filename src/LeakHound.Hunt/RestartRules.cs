using System.Globalization;
using LeakHound.Analysis.Trends;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Hunt;

/// <summary>
/// Whether the service restarted between two snapshots, so the newer one starts a new segment
/// (docs/formats/hunt-store.md, "Segments"). In order of strength:
/// <list type="number">
/// <item>process_start_seconds in both: different (by more than half a second) is a restart, equal
/// proves the same process, whatever else happened;</item>
/// <item>a counter that only grows within one process (total_alloc_bytes, num_gc,
/// profile_alloc_bytes) went down: a restart;</item>
/// <item>the service refused a connection since the previous snapshot and answers again: a
/// restart, as a refused connection means no process was listening;</item>
/// <item>the first snapshot of a resumed hunt with nothing to compare: a new segment, since the
/// time in between is unknown.</item>
/// </list>
/// </summary>
public static class RestartRules
{
    /// <summary>Start times closer than this are the same process (they are written rounded).</summary>
    public const double StartTimeToleranceSeconds = 0.5;

    private static readonly string[] Counters = [MetricNames.TotalAllocBytes, MetricNames.NumGC, HuntMetrics.ProfileAllocBytes];

    /// <summary>
    /// Why <paramref name="current"/> starts a new segment, or null when it continues the segment of
    /// <paramref name="previous"/> (the metrics of the last snapshot that was not a gap; null when
    /// there is none, so <paramref name="current"/> is the first). Gaps never start a segment.
    /// </summary>
    public static string? NewSegmentReason(
        IReadOnlyDictionary<string, double>? previous,
        IReadOnlyDictionary<string, double> current,
        bool refusedSince,
        bool resumed)
    {
        if (previous is null) return null;
        if (previous.TryGetValue(MetricNames.ProcessStartSeconds, out double before)
            && current.TryGetValue(MetricNames.ProcessStartSeconds, out double after))
        {
            return Math.Abs(after - before) > StartTimeToleranceSeconds
                ? $"process start time changed ({F(before)} → {F(after)})"
                : null;
        }

        bool comparable = false;
        foreach (var name in Counters)
        {
            if (!previous.TryGetValue(name, out double a) || !current.TryGetValue(name, out double b)) continue;
            comparable = true;
            if (b < a) return $"{name} went down ({F(a)} → {F(b)}): the counters started again";
        }
        if (refusedSince) return "the service refused connections, then answered again";
        if (resumed && !comparable) return "hunt resumed: nothing tells whether the service restarted meanwhile";
        return null;
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
