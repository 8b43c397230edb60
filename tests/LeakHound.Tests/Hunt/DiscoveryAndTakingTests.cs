using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Hunt;
using LeakHound.Hunt.Http;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Tests.Hunt;

/// <summary>Endpoint discovery and single snapshots against a <see cref="FakeService"/>.</summary>
public class DiscoveryAndTakingTests
{
    internal const string PprofIndex = """
        <html><head><title>/debug/pprof/</title></head><body>
        /debug/pprof/<br><br>Types of profiles available:
        <table><tr><td>1</td><td><a href="allocs?debug=1">allocs</a></td></tr>
        <tr><td>9</td><td><a href="goroutine?debug=1">goroutine</a></td></tr>
        <tr><td>2</td><td><a href="heap?debug=1">heap</a></td></tr></table>
        <a href="goroutine?debug=2">full goroutine stack dump</a></body></html>
        """;

    internal const string Vars = """
        {"cmdline": ["svc"], "memstats": {"HeapInuse": 8192000, "HeapAlloc": 6000000, "HeapObjects": 900, "Sys": 20000000, "TotalAlloc": 50000000, "NumGC": 12}}
        """;

    internal const string Metrics = "# TYPE go_goroutines gauge\ngo_goroutines 17\nprocess_start_time_seconds 1.7e9\nprocess_resident_memory_bytes 3e7\n";

    /// <summary>A Go service's pprof, expvar and Prometheus endpoints under <paramref name="prefix"/>.</summary>
    internal static Func<string, FakeResponse?> GoService(string prefix = "", Func<string>? metrics = null) => target =>
    {
        if (!target.StartsWith(prefix + "/", StringComparison.Ordinal)) return null;
        return target[prefix.Length..] switch
        {
            "/debug/pprof/" => FakeResponse.Text(PprofIndex),
            "/debug/pprof/heap?gc=1" => new FakeResponse(200, SnapshotStoreTests.Profile("heap.pb.gz")),
            "/debug/pprof/goroutine" => new FakeResponse(200, SnapshotStoreTests.Profile("goroutine.pb.gz")),
            "/debug/vars" => FakeResponse.Text(Vars),
            "/metrics" => FakeResponse.Text(metrics?.Invoke() ?? Metrics),
            _ => null,
        };
    };

    private static async Task<ServiceEndpoints> Discover(FakeService svc, string? pprofPath = null, string path = "")
    {
        using var client = new ServiceClient();
        return await ServiceEndpoints.DiscoverAsync(new Uri(svc.BaseUrl, path), pprofPath, client, CancellationToken.None);
    }

    [Fact]
    public async Task FindsEverythingAtTheUsualPlaces()
    {
        using var svc = new FakeService(GoService());
        var e = await Discover(svc);
        Assert.Equal(new Uri(svc.BaseUrl, "/debug/pprof/"), e.PprofIndex);
        Assert.Equal(new Uri(svc.BaseUrl, "/debug/pprof/heap?gc=1"), e.HeapProfile);
        Assert.Equal(new Uri(svc.BaseUrl, "/debug/pprof/goroutine"), e.GoroutineProfile);
        Assert.Equal(new Uri(svc.BaseUrl, "/debug/vars"), e.Vars);
        Assert.True(e.VarsHasMemStats);
        Assert.Equal(new Uri(svc.BaseUrl, "/metrics"), e.Metrics);
        Assert.Equal(["go_goroutines", "process_resident_memory_bytes", "process_start_time_seconds"], e.MetricsFound);
        Assert.Empty(e.Notes);
        var lines = e.Describe().ToList();
        Assert.Equal($"pprof:      {svc.BaseUrl}debug/pprof/ (heap?gc=1, goroutine)", lines[0]);
        Assert.Equal($"expvar:     {svc.BaseUrl}debug/vars (memstats)", lines[1]);
    }

    [Fact]
    public async Task FindsPprofMountedUnderAnotherPrefixWhenTheDefault404s()
    {
        // As gin's pprof.RouteRegister(router.Group("/admin")) serves it.
        using var svc = new FakeService(GoService("/admin"));
        var e = await Discover(svc);
        Assert.Equal(new Uri(svc.BaseUrl, "/admin/debug/pprof/"), e.PprofIndex);
        Assert.Equal(1, svc.Hits("/debug/pprof/")); // the default was tried first
        Assert.Equal(new Uri(svc.BaseUrl, "/admin/debug/vars"), e.Vars);
        Assert.Equal(new Uri(svc.BaseUrl, "/admin/metrics"), e.Metrics);
    }

    [Fact]
    public async Task TakesThePrefixFromTheBaseUrlsPath()
    {
        using var svc = new FakeService(GoService("/ops/v2"));
        var e = await Discover(svc, path: "/ops/v2/");
        Assert.Equal(new Uri(svc.BaseUrl, "/ops/v2/debug/pprof/"), e.PprofIndex);
    }

    [Fact]
    public async Task UsesThePprofPathGiven()
    {
        using var svc = new FakeService(GoService("/x/y"));
        var e = await Discover(svc, "/x/y/debug/pprof");
        Assert.Equal(new Uri(svc.BaseUrl, "/x/y/debug/pprof/"), e.PprofIndex);
        Assert.Equal(0, svc.Hits("/debug/pprof/"));

        var bad = await Assert.ThrowsAsync<InputException>(() => Discover(svc, "/nope/"));
        Assert.Equal($"{svc.BaseUrl}nope/: not a pprof index (--pprof-path): HTTP 404 Not Found", bad.Message);
    }

    [Fact]
    public async Task ACatchAllPageIsNotMistakenForAnything()
    {
        using var svc = new FakeService(_ => FakeResponse.Text("<html><body>Welcome to the shop</body></html>\n"));
        var e = await Assert.ThrowsAsync<InputException>(() => Discover(svc));
        Assert.Contains("no pprof index, /debug/vars or /metrics found", e.Message);
        Assert.Contains("is not expvar JSON", e.Message);
        Assert.Contains("is not the Prometheus text format: line 1", e.Message);
    }

    [Fact]
    public async Task OnlyMetricsIsEnoughToHuntWithAndSaysWhatIsMissing()
    {
        using var svc = new FakeService(t => t == "/metrics" ? FakeResponse.Text(Metrics) : null);
        var e = await Discover(svc);
        Assert.Null(e.PprofIndex);
        Assert.Null(e.HeapProfile);
        Assert.Contains(e.Notes, n => n.StartsWith("no pprof index found (tried /debug/pprof/, /admin/debug/pprof/", StringComparison.Ordinal));
        Assert.Contains("no /debug/vars (expvar)", e.Notes);
    }

    [Fact]
    public async Task AServiceThatIsNotThereIsAnInputError()
    {
        int port;
        using (var svc = new FakeService(_ => null)) port = svc.Port;
        using var client = new ServiceClient();
        var e = await Assert.ThrowsAsync<InputException>(() => ServiceEndpoints.DiscoverAsync(new Uri($"http://127.0.0.1:{port}/"), null, client, CancellationToken.None));
        Assert.Equal($"http://127.0.0.1:{port}/: connection refused", e.Message);
    }

    private static async Task<TakenSnapshot> Take(FakeService svc, TimeSpan? budget = null)
    {
        using var client = new ServiceClient();
        var endpoints = await ServiceEndpoints.DiscoverAsync(svc.BaseUrl, null, client, CancellationToken.None);
        return await new SnapshotTaker(client, endpoints).TakeAsync(budget ?? TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    [Fact]
    public async Task ASnapshotHasBothProfilesAndTheMetricsOfBothPages()
    {
        using var svc = new FakeService(GoService());
        var s = await Take(svc);
        Assert.Equal(SnapshotStatus.Ok, s.Status);
        Assert.Null(s.Error);
        Assert.Equal(SnapshotStoreTests.Profile("heap.pb.gz"), s.Heap);
        Assert.Equal(SnapshotStoreTests.Profile("goroutine.pb.gz"), s.Goroutines);
        Assert.Equal(8192000, s.Metrics[MetricNames.HeapInuseBytes]);
        Assert.Equal(12, s.Metrics[MetricNames.NumGC]);
        Assert.Equal(17, s.Metrics[MetricNames.Goroutines]);
        Assert.Equal(1.7e9, s.Metrics[MetricNames.ProcessStartSeconds]);
        Assert.Equal(3e7, s.Metrics[MetricNames.RssBytes]);
        Assert.False(s.Metrics.ContainsKey(HuntMetrics.ProfileInuseBytes)); // the service has the real number
    }

    [Fact]
    public async Task FiveHundredsAreTriedAgain()
    {
        int heapCalls = 0;
        var inner = GoService();
        using var svc = new FakeService(t => t.EndsWith("heap?gc=1", StringComparison.Ordinal) && Interlocked.Increment(ref heapCalls) <= 2
            ? FakeResponse.Text("busy", 503)
            : inner(t));
        // A roomy budget (backoff 0.5 s, then 1 s): the third try must start before it runs out,
        // also on a loaded machine.
        var s = await Take(svc, TimeSpan.FromSeconds(10));
        Assert.True(s.Status == SnapshotStatus.Ok, $"{s.Status}: {s.Error}");
        Assert.Equal(3, svc.Hits("/debug/pprof/heap?gc=1"));
        Assert.NotNull(s.Heap);
    }

    [Fact]
    public async Task AFetchThatKeepsFailingLeavesAPartialSnapshot()
    {
        var inner = GoService();
        using var svc = new FakeService(t => t.EndsWith("heap?gc=1", StringComparison.Ordinal) ? FakeResponse.Text("boom", 500) : inner(t));
        var s = await Take(svc, TimeSpan.FromSeconds(10));
        Assert.Equal(SnapshotStatus.Partial, s.Status);
        Assert.Equal("heap profile: HTTP 500 Internal Server Error (3 tries)", s.Error);
        Assert.Null(s.Heap);
        Assert.NotNull(s.Goroutines);
        Assert.Equal(17, s.Metrics[MetricNames.Goroutines]);
        Assert.Equal(3, svc.Hits("/debug/pprof/heap?gc=1"));
    }

    [Fact]
    public async Task AServiceTooSlowForTheIntervalLeavesAGap()
    {
        var inner = GoService();
        bool slow = false;
        using var svc = new FakeService(t => slow && t != "/" ? (inner(t) ?? FakeResponse.Text("")) with { Delay = TimeSpan.FromSeconds(3) } : inner(t));
        using var client = new ServiceClient();
        var endpoints = await ServiceEndpoints.DiscoverAsync(svc.BaseUrl, null, client, CancellationToken.None);
        slow = true;
        var s = await new SnapshotTaker(client, endpoints).TakeAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(SnapshotStatus.Gap, s.Status);
        Assert.StartsWith("heap profile: no answer within ", s.Error); // about 1 s: what was left of the budget
        Assert.Contains("; expvar: ", s.Error);
        Assert.Contains("; metrics: ", s.Error);
        Assert.False(s.Refused);
        Assert.InRange(s.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task ARefusedConnectionIsAGapAndEndsTheRound()
    {
        using var svc = new FakeService(GoService());
        using var client = new ServiceClient();
        var endpoints = await ServiceEndpoints.DiscoverAsync(svc.BaseUrl, null, client, CancellationToken.None);
        svc.StopListening();
        var s = await new SnapshotTaker(client, endpoints).TakeAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Equal(SnapshotStatus.Gap, s.Status);
        Assert.True(s.Refused);
        Assert.Equal("heap profile: connection refused (3 tries)", s.Error);
        Assert.Empty(s.Metrics);
    }

    [Fact]
    public async Task WithoutMetricsTheProfilesGiveGoroutinesAndHeap()
    {
        var inner = GoService();
        using var svc = new FakeService(t => t.StartsWith("/debug/pprof/", StringComparison.Ordinal) ? inner(t) : null);
        var s = await Take(svc);
        Assert.Equal(SnapshotStatus.Ok, s.Status);
        var g = ProfileReader.Read(SnapshotStoreTests.Profile("goroutine.pb.gz"), "g", new ProfileReadOptions());
        Assert.Equal(Enumerable.Range(0, g.SampleCount).Sum(i => g.SampleValues(i)[0]), s.Metrics[MetricNames.Goroutines]);
        var h = ProfileReader.Read(SnapshotStoreTests.Profile("heap.pb.gz"), "h", new ProfileReadOptions());
        int inuse = h.SampleIndexByName("inuse_space");
        Assert.Equal(Enumerable.Range(0, h.SampleCount).Sum(i => h.SampleValues(i)[inuse]), s.Metrics[HuntMetrics.ProfileInuseBytes]);
        Assert.True(s.Metrics[HuntMetrics.ProfileAllocBytes] >= s.Metrics[HuntMetrics.ProfileInuseBytes]);
    }

    [Fact]
    public async Task AnHtmlPageInsteadOfAProfileIsNotStored()
    {
        var inner = GoService();
        using var svc = new FakeService(t => t == "/debug/pprof/heap?gc=1" ? FakeResponse.Text("<html>login</html>") : inner(t));
        var s = await Take(svc);
        Assert.Equal(SnapshotStatus.Partial, s.Status);
        Assert.Null(s.Heap);
        Assert.Equal("heap profile: the answer is not a profile", s.Error);
    }
}
