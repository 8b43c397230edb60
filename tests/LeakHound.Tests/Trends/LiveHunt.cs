using System.Globalization;
using System.Net;
using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Formats.Pprof;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Trends;

/// <summary>
/// Hunts a running sample service as the tool would: a snapshot (heap profile taken with gc=1,
/// proto goroutine profile, Prometheus metrics) before any load and after every round of load.
/// Talks to 127.0.0.1 only, without a proxy.
/// </summary>
internal static class LiveHunt
{
    /// <summary>The metrics the samples' /metrics serves, by the names snapshots use.</summary>
    private static readonly Dictionary<string, string> PrometheusNames = new(StringComparer.Ordinal)
    {
        ["go_goroutines"] = MetricNames.Goroutines,
        ["go_memstats_heap_inuse_bytes"] = MetricNames.HeapInuseBytes,
        ["go_memstats_heap_alloc_bytes"] = MetricNames.HeapAllocBytes,
        ["go_memstats_heap_objects"] = MetricNames.HeapObjects,
        ["process_resident_memory_bytes"] = MetricNames.RssBytes,
        ["process_start_time_seconds"] = MetricNames.ProcessStartSeconds,
    };

    public static List<Snapshot> Take(SampleService service, int snapshots, int requestsBetween, bool metrics = true)
    {
        var baseUri = new Uri(service.BaseUrl);
        if (baseUri.Host != "127.0.0.1") throw new InvalidOperationException($"refusing to hunt {service.BaseUrl}: not 127.0.0.1");
        using var handler = new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var result = new List<Snapshot>(snapshots);
        for (int i = 0; i < snapshots; i++)
        {
            if (i > 0) service.Drive(requestsBetween);
            var time = DateTimeOffset.UtcNow;
            string heapUrl = service.BaseUrl + "/debug/pprof/heap?gc=1";
            string goroutineUrl = service.BaseUrl + "/debug/pprof/goroutine";
            var heap = ProfileReader.Read(Get(http, heapUrl), heapUrl, new ProfileReadOptions());
            var goroutines = GoroutineDumpReader.Read(Get(http, goroutineUrl), goroutineUrl, Limits.Default);
            var values = metrics ? ParseMetrics(Get(http, service.BaseUrl + "/metrics")) : new Dictionary<string, double>();
            result.Add(new Snapshot(time, 0, heap, goroutines, values));
        }
        return result;
    }

    private static byte[] Get(HttpClient http, string url)
    {
        using var response = http.GetAsync(url).GetAwaiter().GetResult();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode}");
        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    /// <summary>Unlabelled samples of the Prometheus text format ("name value" lines).</summary>
    private static Dictionary<string, double> ParseMetrics(byte[] text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in System.Text.Encoding.UTF8.GetString(text).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !PrometheusNames.TryGetValue(parts[0], out var name)) continue;
            if (double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) values[name] = v;
        }
        return values;
    }
}
