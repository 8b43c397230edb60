using LeakHound.Analysis.Trends;

namespace LeakHound.Hunt.Metrics;

/// <summary>
/// How a service's expvar and Prometheus numbers become a snapshot's metrics, named as
/// <see cref="MetricNames"/> says whatever endpoint they came from, plus the few extra names a
/// hunt records (<see cref="SysBytes"/>, and the heap profile's own totals when the service has
/// no memory metrics).
/// </summary>
public static class HuntMetrics
{
    /// <summary>Bytes obtained from the OS by the Go runtime (MemStats.Sys).</summary>
    public const string SysBytes = "sys_bytes";

    /// <summary>inuse_space summed over the heap profile: used only when the service serves no memory metrics.</summary>
    public const string ProfileInuseBytes = "profile_inuse_bytes";

    /// <summary>alloc_space summed over the heap profile (cumulative since the process started): the restart signal of last resort.</summary>
    public const string ProfileAllocBytes = "profile_alloc_bytes";

    /// <summary>Prometheus metric → snapshot metric, for the client_golang and process collector names.</summary>
    public static readonly IReadOnlyList<(string Prometheus, string Metric)> PrometheusNames =
    [
        ("go_goroutines", MetricNames.Goroutines),
        ("go_memstats_heap_inuse_bytes", MetricNames.HeapInuseBytes),
        ("go_memstats_heap_alloc_bytes", MetricNames.HeapAllocBytes),
        ("go_memstats_heap_objects", MetricNames.HeapObjects),
        ("go_memstats_alloc_bytes_total", MetricNames.TotalAllocBytes),
        ("go_gc_duration_seconds_count", MetricNames.NumGC),
        ("go_memstats_sys_bytes", SysBytes),
        ("process_resident_memory_bytes", MetricNames.RssBytes),
        ("process_start_time_seconds", MetricNames.ProcessStartSeconds),
    ];

    /// <summary>
    /// Adds what the page has to <paramref name="into"/>, without replacing values already there
    /// (expvar's memstats are taken first: they are the runtime's own numbers).
    /// </summary>
    public static void AddPrometheus(PrometheusExposition page, IDictionary<string, double> into)
    {
        foreach (var (prom, metric) in PrometheusNames)
            if (!into.ContainsKey(metric) && page.TryGetValue(prom, out double v) && !double.IsNaN(v))
                into[metric] = v;
    }

    public static void AddExpvar(ExpvarMemStats m, IDictionary<string, double> into)
    {
        Add(into, MetricNames.HeapInuseBytes, m.HeapInuse);
        Add(into, MetricNames.HeapAllocBytes, m.HeapAlloc);
        Add(into, MetricNames.HeapObjects, m.HeapObjects);
        Add(into, MetricNames.TotalAllocBytes, m.TotalAlloc);
        Add(into, MetricNames.NumGC, m.NumGC);
        Add(into, SysBytes, m.Sys);
    }

    private static void Add(IDictionary<string, double> into, string name, double? value)
    {
        if (value is double v && !double.IsNaN(v) && !into.ContainsKey(name)) into[name] = v;
    }

    /// <summary>Prometheus names LeakHound asks for (the parser keeps only these).</summary>
    public static IEnumerable<string> WantedPrometheusNames => PrometheusNames.Select(p => p.Prometheus);
}
