using LeakHound.Analysis.Trends;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Trends;

/// <summary>
/// Hunts on the real sample services (samples/bin, built by samples/build.sh): eight snapshots,
/// 150 requests of load between them. Each hunt is analysed twice: with the services' metrics
/// (HeapInuse, goroutines, RSS) and with the profiles alone.
/// </summary>
[Collection(LiveServices.Name)]
public class LiveSampleHuntTests
{
    private const int Snapshots = 8;
    private const int RequestsBetween = 150;

    private static (HuntResult WithMetrics, HuntResult ProfilesOnly) Hunt(string sample)
    {
        using var service = SampleService.Start(sample);
        var snaps = LiveHunt.Take(service, Snapshots, RequestsBetween);
        var options = LeakAnalyzerOptions.Default;
        var withMetrics = LeakAnalyzer.Analyze(snaps, options);
        var profilesOnly = LeakAnalyzer.Analyze(snaps.Select(s => s with { Metrics = new Dictionary<string, double>() }).ToList(), options);
        return (withMetrics, profilesOnly);
    }

    private static string Describe(HuntResult r) =>
        $"{r.Verdict}: {r.Reason}\n" + string.Join("\n", r.Suspects.Select(s =>
            $"#{s.Rank} {s.Kind} {s.Function} {s.Trend} confidence {s.Confidence:0.00} series {string.Join(",", s.Series.Select(p => p.Value))}"));

    [Fact]
    public void CacheLeakIsALeakAtTheCacheEntries()
    {
        var (a, b) = Hunt("cacheleak");
        foreach (var r in new[] { a, b })
        {
            Assert.True(r.Verdict == Verdict.Leak, Describe(r));
            // The 4 KB values (main.newEntry) dominate; the map buckets under main.cacheStore grow too.
            Assert.True(r.Suspects[0].Function is "main.newEntry" or "main.cacheStore", Describe(r));
            Assert.Equal("heap", r.Suspects[0].Kind);
            Assert.EndsWith("samples/cacheleak/main.go", r.Suspects[0].File);
            Assert.True(r.Suspects[0].Confidence >= 0.8, Describe(r));
            Assert.Equal(TrendKind.Growth, r.GlobalTrends[MetricNames.HeapInuseBytes]);
            Assert.Equal(Snapshots, r.Series[MetricNames.HeapInuseBytes].Count);
        }
        Assert.Equal(Snapshots, a.Series[MetricNames.RssBytes].Count);
    }

    [Fact]
    public void BoundedLruCacheIsNoLeak()
    {
        var (a, b) = Hunt("lrucache");
        foreach (var r in new[] { a, b })
        {
            Assert.True(r.Verdict == Verdict.NoLeak, Describe(r));
            // The cache fills up (256 entries of 4 KB) during the second round of load, then stays full.
            Assert.False(r.Suspects.Any(s => s.Function is "main.newEntry" or "main.(*lru).getOrLoad" or "main.randomKey"), Describe(r));
        }
    }

    [Fact]
    public void GarbageIsNoLeakButChurn()
    {
        var (a, b) = Hunt("garbage");
        foreach (var r in new[] { a, b })
        {
            Assert.True(r.Verdict == Verdict.NoLeak, Describe(r));
            Assert.False(r.Suspects.Any(s => s.Function is "main.newRecord" or "main.makeRecords" or "main.formatRecords" or "main.checksum"), Describe(r));
            Assert.Contains("main.newRecord", r.Reason);
            Assert.Contains("keeps only", r.Reason);
        }
    }

    [Fact]
    public void GoroutineLeakIsALeakOfGoroutinesInProduce()
    {
        var (a, b) = Hunt("goroutineleak");
        foreach (var r in new[] { a, b })
        {
            Assert.True(r.Verdict == Verdict.Leak, Describe(r));
            var produce = Assert.Single(r.Suspects, s => s.Kind == "goroutines");
            Assert.Equal("main.produce", produce.Function);
            Assert.Contains("runtime.chansend1", produce.Stack);
            // One goroutine leaks per request: 150 a round, none before the first.
            Assert.Equal(Enumerable.Range(0, Snapshots).Select(i => (double)(i * RequestsBetween)), produce.Series.Select(p => p.Value));
            Assert.Equal(TrendKind.Growth, r.GlobalTrends[MetricNames.Goroutines]);
        }
    }
}
