using LeakHound.Analysis.Trends;
using static LeakHound.Tests.Trends.SyntheticHunt;

namespace LeakHound.Tests.Trends;

/// <summary>Verdicts, suspects and series on synthetic hunts, one snapshot a minute, MemProfileRate 4096.</summary>
public class LeakAnalyzerTests
{
    private const long Rate = 4096;
    private const long Entry = 4096;

    private static readonly LeakAnalyzerOptions Options = LeakAnalyzerOptions.Default;

    /// <summary>A service that leaks 100 entries a minute at main.newEntry, with a bounded cache, garbage and a static site beside it.</summary>
    private static Snapshot Leaking(int minute, int segment = 0, long leakPerMinute = 100 * Entry) => At(minute, segment, Heap(minute,
        Rate,
        new HeapSite(LeakStack, leakPerMinute * minute, leakPerMinute * minute),
        new HeapSite(CacheStack, Math.Min(minute, 3) * 80 * Entry, (minute + 1) * 100 * Entry),
        new HeapSite(GarbageStack, 0, (minute + 1) * 50_000 * 768, 768),
        new HeapSite(StaticStack, 200 * Entry, 200 * Entry)));

    /// <summary>The same service without the leak.</summary>
    private static Snapshot Healthy(int minute, int segment = 0) => At(minute, segment, Heap(minute + 1000,
        Rate,
        new HeapSite(CacheStack, Math.Min(minute, 3) * 80 * Entry, (minute + 1) * 100 * Entry),
        new HeapSite(GarbageStack, 0, (minute + 1) * 50_000 * 768, 768),
        new HeapSite(StaticStack, 200 * Entry, 200 * Entry)));

    [Fact]
    public void AGrowingSiteIsALeakNamedByItsFirstUserFrame()
    {
        var snaps = Enumerable.Range(0, 8).Select(m => Leaking(m)).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);

        Assert.Equal(Verdict.Leak, r.Verdict);
        var top = Assert.Single(r.Suspects);
        Assert.Equal(1, top.Rank);
        Assert.Equal(("heap", "main.newEntry", "/app/main.go", LineOf("main.newEntry")), (top.Kind, top.Function, top.File, top.Line));
        Assert.Equal(LeakStack, top.Stack);
        Assert.Equal(("inuse_space", "bytes", TrendKind.Growth), (top.Metric, top.Unit, top.Trend));
        Assert.Equal(100 * Entry, top.GrowthPerMinute, 6);
        Assert.Equal(700 * Entry, top.Current);
        Assert.True(top.Confidence >= Options.LeakConfidence, $"confidence {top.Confidence}");
        // Profiles number their locations differently: the site still matched in every one.
        Assert.Equal(Enumerable.Range(0, 8).Select(m => (double)(100 * Entry * m)), top.Series.Select(p => p.Value));
        Assert.Equal(Start.ToUnixTimeSeconds() + 420, top.Series[^1].UnixSeconds);

        StringAssert(r.Reason, "main.newEntry (…/main.go:", "grows +400kB/min", "the heap in use grows");
        Assert.Equal(8, r.Snapshots);
        Assert.Equal(420, r.DurationSeconds);
        Assert.Empty(r.Restarts);
        // No metrics: the heap series is the profile's inuse_space total.
        Assert.Equal(TrendKind.Growth, r.GlobalTrends[MetricNames.HeapInuseBytes]);
        Assert.Equal(8, r.Series[MetricNames.HeapInuseBytes].Count);
        Assert.False(r.Series.ContainsKey(MetricNames.RssBytes));
        Assert.False(r.Series.ContainsKey(MetricNames.Goroutines));
    }

    [Fact]
    public void PlateauAndChurnAreNeverSuspects()
    {
        var snaps = Enumerable.Range(0, 8).Select(m => Healthy(m)).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.NoLeak, r.Verdict);
        Assert.Empty(r.Suspects);
        StringAssert(r.Reason, "main.(*lru).load (…/main.go:", "levelled off at 960kB", "main.newRecord (…/main.go:", "keeps only 0B");
    }

    /// <summary>
    /// Sampled objects of a bounded site that wandered up over a short hunt: 48-byte list elements
    /// of a 256-entry FIFO cache replaced 2.6 times over, as bench's <c>simulate-bounded</c> drew
    /// them (one hunt in a few hundred looks like this).
    /// </summary>
    private static readonly double[] Wander = [0, 0, 1, 2, 3, 5, 6, 6, 7, 9, 8];

    private static Snapshot WanderingCache(int minute, int otherSites)
    {
        double p = 1 - Math.Exp(-48.0 / Rate);
        var sites = new List<HeapSite> { new(ElementStack, (long)Math.Round(Wander[minute] / p) * 48, (minute + 1) * 60_000 * 48L, 48) };
        for (int i = 0; i < otherSites; i++)
            sites.Add(new(["runtime.mallocgc", $"main.init{i}", "main.main", "runtime.main", "runtime.goexit"], (i + 1) * Entry, (i + 1) * Entry));
        return At(minute, heap: Heap(minute, Rate, sites.ToArray()));
    }

    private static readonly string[] ElementStack = ["container/list.(*List).insertValue", "main.(*lru).getOrLoad", "main.handleWork", "net/http.HandlerFunc.ServeHTTP", "runtime.goexit"];

    [Fact]
    public void ABoundedSiteThatWanderedUpIsNoSuspectAmongManySites()
    {
        // The fitted line goes from 0 to 10 sampled objects: counting p = 0.0013 (z = √10 ≈ 3.2).
        // In a profile of 171 sites, the usual size of a sample service's, Benjamini–Hochberg asks
        // for p ≤ 0.05/171 = 0.00029 of a lone discovery: not one.
        var many = LeakAnalyzer.Analyze(Enumerable.Range(0, Wander.Length).Select(m => WanderingCache(m, 170)).ToList(), Options);
        Assert.Equal(Verdict.NoLeak, many.Verdict);
        Assert.Empty(many.Suspects);
        // Among three sites (cut-off 0.05/3), the same series is a suspect, though not a sure one.
        var few = LeakAnalyzer.Analyze(Enumerable.Range(0, Wander.Length).Select(m => WanderingCache(m, 2)).ToList(), Options);
        var s = Assert.Single(few.Suspects);
        Assert.Equal("main.(*lru).getOrLoad", s.Function);
        Assert.InRange(s.Confidence, Options.SuspectMinConfidence, Options.LeakConfidence);
    }

    [Fact]
    public void TooFewSnapshotsIsInconclusive()
    {
        var r = LeakAnalyzer.Analyze(Enumerable.Range(0, 4).Select(m => Leaking(m)).ToList(), Options);
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        StringAssert(r.Reason, "only 4 snapshots", "at least 5 are needed");
        Assert.Empty(r.Suspects);
        Assert.Equal(4, r.Series[MetricNames.HeapInuseBytes].Count);

        var eight = LeakAnalyzer.Analyze(Enumerable.Range(0, 6).Select(m => Leaking(m)).ToList(), Options with { MinSnapshots = 8 });
        Assert.Equal(Verdict.Inconclusive, eight.Verdict);
        StringAssert(eight.Reason, "at least 8 are needed");
        Assert.Equal(Verdict.Inconclusive, LeakAnalyzer.Analyze([], Options).Verdict);
    }

    [Fact]
    public void ARestartStartsOverAndOnlyTheLatestSegmentCounts()
    {
        // Six minutes of leaking, a restart, three snapshots: too few since the restart.
        var snaps = Enumerable.Range(0, 6).Select(m => Leaking(m)).Concat(Enumerable.Range(6, 3).Select(m => Healthy(m - 6, 1) with { Time = Start.AddMinutes(m) })).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        StringAssert(r.Reason, "only 3 snapshots since the restart at", "at least 5 are needed");
        Assert.Equal([Start.ToUnixTimeSeconds() + 360.0], r.Restarts);
        Assert.Equal(9, r.Series[MetricNames.HeapInuseBytes].Count);

        // Six healthy snapshots after the restart: the leak before it does not count.
        snaps = Enumerable.Range(0, 6).Select(m => Leaking(m)).Concat(Enumerable.Range(6, 6).Select(m => Healthy(m - 6, 1) with { Time = Start.AddMinutes(m) })).ToList();
        r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.NoLeak, r.Verdict);
        Assert.Empty(r.Suspects);
        Assert.Single(r.Restarts);

        // Leaking again after the restart: the suspect's series covers the latest segment only.
        snaps = Enumerable.Range(0, 6).Select(m => Healthy(m)).Concat(Enumerable.Range(6, 6).Select(m => Leaking(m - 6, 1) with { Time = Start.AddMinutes(m) })).ToList();
        r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.Leak, r.Verdict);
        Assert.Equal(6, r.Suspects[0].Series.Count);
        Assert.Equal(Start.ToUnixTimeSeconds() + 360.0, r.Suspects[0].Series[0].UnixSeconds);
    }

    [Fact]
    public void GlobalHeapGrowthThatNoSiteExplainsIsInconclusive()
    {
        // HeapInuse climbs 8 MB a minute while every site of the heap profile is steady.
        var snaps = Enumerable.Range(0, 8).Select(m => Healthy(m) with
        {
            Metrics = new Dictionary<string, double> { [MetricNames.HeapInuseBytes] = 50e6 + 8e6 * m, [MetricNames.Goroutines] = 12 },
        }).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        StringAssert(r.Reason, "the heap in use grows", "no allocation site grows with it");
        Assert.Equal(TrendKind.Growth, r.GlobalTrends[MetricNames.HeapInuseBytes]);
        Assert.Equal(TrendKind.Flat, r.GlobalTrends[MetricNames.Goroutines]);
        // The metric, not the profile's total, makes the series.
        Assert.Equal(50e6, r.Series[MetricNames.HeapInuseBytes][0].Value);
    }

    [Fact]
    public void ASiteGrowingWhileTheHeapIsFlatIsInconclusiveOrTooSmallToMatter()
    {
        var flat = new Dictionary<string, double> { [MetricNames.HeapInuseBytes] = 200e6 };
        // 100 entries a minute = 2.9 MB over 7 minutes: below the heap's noise (5 % of 200 MB).
        var small = LeakAnalyzer.Analyze(Enumerable.Range(0, 8).Select(m => Leaking(m) with { Metrics = flat }).ToList(), Options);
        Assert.Equal(Verdict.NoLeak, small.Verdict);
        StringAssert(small.Reason, "main.newEntry (…/main.go:", "within the noise of the heap", "hunt longer");
        Assert.Single(small.Suspects);

        // 1000 entries a minute = 29 MB over the hunt, while HeapInuse stays put: the signals conflict.
        var big = LeakAnalyzer.Analyze(Enumerable.Range(0, 8).Select(m => Leaking(m, leakPerMinute: 1000 * Entry) with { Metrics = flat }).ToList(), Options);
        Assert.Equal(Verdict.Inconclusive, big.Verdict);
        StringAssert(big.Reason, "main.newEntry (…/main.go:", "but the heap in use is flat");
    }

    [Fact]
    public void GrowingGoroutinesAreALeakNamedByTheirFirstUserFrame()
    {
        string[] produce = ["runtime.gopark", "runtime.chansend", "runtime.chansend1", "main.produce"];
        string[] worker = ["runtime.gopark", "runtime.selectgo", "main.worker"];
        var snaps = Enumerable.Range(0, 6).Select(m => At(m, goroutines: SyntheticHunt.Goroutines(
            ("chan send", produce, "main.startLookup", 50 * m),
            ("select", worker, "main.main", 4)))).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);

        Assert.Equal(Verdict.Leak, r.Verdict);
        var top = r.Suspects[0];
        Assert.Equal(("goroutines", "main.produce", "/app/main.go", LineOf("main.produce")), (top.Kind, top.Function, top.File, top.Line));
        Assert.Equal(("goroutines", "goroutines"), (top.Metric, top.Unit));
        Assert.Equal(produce, top.Stack);
        Assert.Equal(50, top.GrowthPerMinute, 6);
        Assert.Equal(250, top.Current);
        Assert.Single(r.Suspects);
        StringAssert(r.Reason, "250 goroutines in chan send in main.produce (…/main.go:", "+50/min", "the goroutine count grows");
        Assert.Equal(TrendKind.Growth, r.GlobalTrends[MetricNames.Goroutines]);
        Assert.Equal(1 + 4 + 250, r.Series[MetricNames.Goroutines][^1].Value);
    }

    [Fact]
    public void SuspectsAreRankedBySurenessThenByShareOfTheirTotal()
    {
        // Two leaks: 100 entries a minute at main.newEntry, 10 at main.cacheStore (a smaller share of the heap).
        string[] small = ["runtime.mallocgc", "main.cacheStore", "main.handleWork", "net/http.HandlerFunc.ServeHTTP", "runtime.goexit"];
        var snaps = Enumerable.Range(0, 10).Select(m => At(m, heap: Heap(m, Rate,
            new HeapSite(LeakStack, 100 * Entry * m, 100 * Entry * m),
            new HeapSite(small, 30 * Entry * m, 30 * Entry * m),
            new HeapSite(StaticStack, 200 * Entry, 200 * Entry)))).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(["main.newEntry", "main.cacheStore"], r.Suspects.Select(s => s.Function));
        Assert.Equal([1, 2], r.Suspects.Select(s => s.Rank));
        Assert.Single(LeakAnalyzer.Analyze(snaps, Options with { MaxSuspects = 1 }).Suspects);
    }

    [Fact]
    public void ASiteEntirelyInTheRuntimeIsNamedByItsLeaf()
    {
        var snaps = Enumerable.Range(0, 8).Select(m => At(m, heap: Heap(m, Rate,
            new HeapSite(RuntimeStack, 100 * Entry * m, 100 * Entry * m),
            new HeapSite(StaticStack, 200 * Entry, 200 * Entry)))).ToList();
        var r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.Leak, r.Verdict);
        Assert.Equal("runtime.malg", r.Suspects[0].Function);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var snaps = Enumerable.Range(0, 5).Select(m => Leaking(m)).ToList();
        Assert.Throws<ArgumentOutOfRangeException>(() => LeakAnalyzer.Analyze(snaps, Options with { LeakConfidence = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeakAnalyzer.Analyze(snaps, Options with { MinSnapshots = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeakAnalyzer.Analyze(snaps, Options with { Significance = 0 }));
    }

    [Fact]
    public void TwoHundredSnapshotsOfALargeProfileAreAnalysedQuickly()
    {
        // 10,000 samples with stacks of 10–30 frames over 2,000 locations, one profile structure,
        // values varied per snapshot (20 sites leak, the rest wobble): the size of a 1 MB profile.
        var rng = new Random(11);
        var b = new LeakHound.Formats.Pprof.ProfileBuilder(
        [
            new("alloc_objects", "count"), new("alloc_space", "bytes"), new("inuse_objects", "count"), new("inuse_space", "bytes"),
        ])
        { Period = 524288 };
        for (int f = 0; f < 2000; f++)
        {
            string name = f < 20 ? "runtime.f" + f : $"example.com/shop/pkg{f % 50}.F{f}";
            b.AddFunction(new LeakHound.Formats.Pprof.Function((ulong)f + 1, name, name, "/src/f" + f + ".go", 1));
            b.AddLocation((ulong)f + 1, 0, 0x1000 + (ulong)f * 8, false, [new LeakHound.Formats.Pprof.Line(f, 10 + f % 100)]);
        }
        var stacks = new int[10_000][];
        for (int s = 0; s < stacks.Length; s++)
        {
            stacks[s] = Enumerable.Range(0, 10 + rng.Next(20)).Select(_ => rng.Next(2000)).ToArray();
            b.AddSample([1, 64, 1, 64], stacks[s]);
        }
        var shape = b.Build();
        var snaps = new List<Snapshot>();
        for (int t = 0; t < 200; t++)
        {
            var values = new long[shape.Values.Length];
            for (int s = 0; s < stacks.Length; s++)
            {
                long objects = s % 500 == 0 ? 100 + 2000L * t : 100 + rng.Next(20);
                values[s * 4] = values[s * 4 + 2] = objects;
                values[s * 4 + 1] = values[s * 4 + 3] = objects * 64;
            }
            snaps.Add(At(t, heap: shape.With(values: values)));
        }
        // Timing is measured by the benchmark (docs/benchmarks.md), not here: this checks the
        // result at hunt scale.
        var r = LeakAnalyzer.Analyze(snaps, Options);
        Assert.Equal(Verdict.Leak, r.Verdict);
        Assert.Equal(20, r.Suspects.Count);
    }

    private static void StringAssert(string text, params string[] parts)
    {
        foreach (var part in parts) Assert.True(text.Contains(part, StringComparison.Ordinal), $"\"{part}\" is not in: {text}");
    }
}
