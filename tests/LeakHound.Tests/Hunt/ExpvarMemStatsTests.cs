using System.Text;
using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Tests.Hunt;

public class ExpvarMemStatsTests
{
    // Shaped as Go's expvar handler writes it: one top-level key per line, memstats as one object.
    private const string Page = """
        {
        "cmdline": ["/srv/shop","-port","8080"],
        "goroutines": 12,
        "memstats": {"Alloc":5242880,"TotalAlloc":73400320,"Sys":25165824,"Lookups":0,"Mallocs":120034,"Frees":98311,"HeapAlloc":5242880,"HeapSys":16121856,"HeapIdle":9183232,"HeapInuse":6938624,"HeapReleased":7856128,"HeapObjects":21723,"StackInuse":655360,"NextGC":8388608,"PauseTotalNs":1213004,"PauseNs":[30112,41234,0,0],"PauseEnd":[1700000000000000000,0],"NumGC":23,"NumForcedGC":2,"GCCPUFraction":1.2e-05,"EnableGC":true,"DebugGC":false,"BySize":[{"Size":0,"Mallocs":0,"Frees":0},{"Size":8,"Mallocs":1204,"Frees":1100}]},
        "work_requests": 4000
        }

        """;

    [Fact]
    public void MemStatsFieldsBecomeSnapshotMetrics()
    {
        var m = ExpvarMemStats.Parse(Encoding.UTF8.GetBytes(Page), "vars");
        Assert.Equal(new ExpvarMemStats(6938624, 5242880, 21723, 25165824, 73400320, 23), m);
        var metrics = new Dictionary<string, double>();
        HuntMetrics.AddExpvar(m, metrics);
        Assert.Equal(6938624, metrics[MetricNames.HeapInuseBytes]);
        Assert.Equal(5242880, metrics[MetricNames.HeapAllocBytes]);
        Assert.Equal(21723, metrics[MetricNames.HeapObjects]);
        Assert.Equal(73400320, metrics[MetricNames.TotalAllocBytes]);
        Assert.Equal(23, metrics[MetricNames.NumGC]);
        Assert.Equal(25165824, metrics[HuntMetrics.SysBytes]);
        Assert.Equal(6, metrics.Count);
    }

    [Fact]
    public void ExpvarWinsOverPrometheusForTheRuntimesOwnNumbers()
    {
        var metrics = new Dictionary<string, double>();
        HuntMetrics.AddExpvar(ExpvarMemStats.Parse(Encoding.UTF8.GetBytes(Page), "vars"), metrics);
        HuntMetrics.AddPrometheus(PrometheusText.Parse("go_memstats_heap_inuse_bytes 1\ngo_goroutines 9\n", "metrics"), metrics);
        Assert.Equal(6938624, metrics[MetricNames.HeapInuseBytes]);
        Assert.Equal(9, metrics[MetricNames.Goroutines]);
    }

    [Fact]
    public void WithoutMemStatsEverythingIsNull()
    {
        var m = ExpvarMemStats.Parse("{\"cmdline\":[\"x\"],\"memstats\":null,\"hits\":3}"u8, "vars");
        Assert.Equal(new ExpvarMemStats(null, null, null, null, null, null), m);
    }

    [Theory]
    [InlineData("<html>not found</html>", "not valid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("{\"memstats\": {\"HeapInuse\": 1", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    public void NotExpvarIsAnInputError(string text, string problem)
    {
        var e = Assert.Throws<InputException>(() => ExpvarMemStats.Parse(Encoding.UTF8.GetBytes(text), "http://svc/debug/vars"));
        Assert.StartsWith("http://svc/debug/vars: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
