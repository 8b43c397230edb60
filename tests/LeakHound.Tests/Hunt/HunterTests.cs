using System.Diagnostics;
using System.Globalization;
using LeakHound.Core;
using LeakHound.Hunt;
using LeakHound.Hunt.Store;

namespace LeakHound.Tests.Hunt;

/// <summary>
/// The hunt loop against a <see cref="FakeService"/>, whose outages and restarts the test controls
/// exactly: gaps, segments, stopping rules, cancellation and resuming.
/// </summary>
public sealed class HunterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lh-hunter-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store(string name = "h.hunt") => Path.Combine(_dir, name);

    /// <summary>Calls back synchronously, in the hunt's own flow (Progress&lt;T&gt; would post elsewhere).</summary>
    internal sealed class SyncProgress(Action<HuntProgress> report) : IProgress<HuntProgress>
    {
        public void Report(HuntProgress value) => report(value);
    }

    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task RefusalsAreGapsAndAChangedStartTimeStartsASegment()
    {
        double start = 1_700_000_000;
        using var svc = new FakeService(DiscoveryAndTakingTests.GoService(metrics: () =>
            string.Create(CultureInfo.InvariantCulture, $"go_goroutines 5\nprocess_start_time_seconds {start}\n")));
        using var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { Interval = Fast, MaxSnapshots = 7 }, CancellationToken.None);
        var seen = new List<HuntProgress>();
        var summary = await hunter.RunAsync(new SyncProgress(p =>
        {
            seen.Add(p);
            if (p.Sequence == 2) svc.StopListening();
            if (p.Sequence == 4)
            {
                start += 100;
                svc.Resume();
            }
        }), CancellationToken.None);

        Assert.Equal((7, 2, 1, false), (summary.Taken, summary.Gaps, summary.Restarts, summary.Cancelled));
        Assert.Equal([SnapshotStatus.Ok, SnapshotStatus.Ok, SnapshotStatus.Gap, SnapshotStatus.Gap, SnapshotStatus.Ok, SnapshotStatus.Ok, SnapshotStatus.Ok],
            seen.Select(p => p.Status));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], seen.Select(p => p.Segment));
        Assert.Equal("process start time changed (1700000000 → 1700000100)", seen[4].NewSegmentReason);
        Assert.Equal("heap profile: connection refused (3 tries)", seen[2].Error);
        Assert.Equal((7, 2, 1), (seen[6].Snapshots, seen[6].Gaps, seen[6].Restarts));
        Assert.Equal(8192000, seen[0].HeapInuseBytes);
        Assert.Equal(5, seen[0].Goroutines);

        hunter.Dispose();
        using var store = SnapshotStore.Open(Store(), readOnly: true);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], store.ReadAll().Select(s => s.Sequence));
        Assert.Equal(5, store.ReadSnapshots().Count());
        Assert.Equal(5, store.ReadSegments()[1].FirstSnapshot);
    }

    [Fact]
    public async Task AnUnchangedStartTimeAfterRefusalsIsTheSameProcess()
    {
        using var svc = new FakeService(DiscoveryAndTakingTests.GoService());
        using var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { Interval = Fast, MaxSnapshots = 4 }, CancellationToken.None);
        var seen = new List<HuntProgress>();
        await hunter.RunAsync(new SyncProgress(p =>
        {
            seen.Add(p);
            if (p.Sequence == 1) svc.StopListening();
            if (p.Sequence == 2) svc.Resume();
        }), CancellationToken.None);
        Assert.Equal([0, 0, 0, 0], seen.Select(p => p.Segment));
        Assert.Equal(SnapshotStatus.Gap, seen[1].Status);
    }

    [Fact]
    public async Task WithoutAStartTimeComingBackAfterRefusalsIsARestart()
    {
        var inner = DiscoveryAndTakingTests.GoService();
        using var svc = new FakeService(t => t.StartsWith("/debug/pprof/", StringComparison.Ordinal) ? inner(t) : null);
        using var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { Interval = Fast, MaxSnapshots = 4 }, CancellationToken.None);
        var seen = new List<HuntProgress>();
        await hunter.RunAsync(new SyncProgress(p =>
        {
            seen.Add(p);
            if (p.Sequence == 1) svc.StopListening();
            if (p.Sequence == 2) svc.Resume();
        }), CancellationToken.None);
        Assert.Equal([0, 0, 1, 1], seen.Select(p => p.Segment));
        Assert.Equal("the service refused connections, then answered again", seen[2].NewSegmentReason);
        Assert.NotNull(seen[0].HeapInuseBytes); // from the heap profile itself
    }

    [Fact]
    public async Task ADurationIncludesBothEnds()
    {
        using var svc = new FakeService(DiscoveryAndTakingTests.GoService());
        using var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { Interval = Fast, Duration = TimeSpan.FromMilliseconds(600) }, CancellationToken.None);
        var times = new List<TimeSpan>();
        var summary = await hunter.RunAsync(new SyncProgress(p => times.Add(p.Elapsed)), CancellationToken.None);
        Assert.Equal(4, summary.Taken);
        Assert.InRange(summary.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(3));
        // On schedule: snapshot n starts at n × interval, not n × (interval + time taken).
        Assert.InRange(times[3], TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1200));
    }

    [Fact]
    public async Task CancellingStopsCleanlyAndTheStoreReadsBackCompletely()
    {
        using var svc = new FakeService(DiscoveryAndTakingTests.GoService());
        using var cts = new CancellationTokenSource();
        using var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { Interval = Fast }, CancellationToken.None);
        var summary = await hunter.RunAsync(new SyncProgress(p =>
        {
            if (p.Sequence == 3) cts.Cancel();
        }), cts.Token);
        Assert.True(summary.Cancelled);
        Assert.Equal(3, summary.Taken);
        hunter.Dispose();
        // Closed, the store is one file again: the write-ahead log went back into it.
        Assert.False(File.Exists(Store() + "-wal"));
        Assert.False(File.Exists(Store() + "-shm"));
        using (var store = SnapshotStore.Open(Store(), readOnly: true))
        {
            var snapshots = store.ReadSnapshots().ToList();
            Assert.Equal(3, snapshots.Count);
            Assert.All(snapshots, s => Assert.True(s.Heap!.Load().SampleCount > 0 && s.Goroutines!.Count > 0));
        }
        // Reading it left nothing beside it either.
        Assert.False(File.Exists(Store() + "-wal"));
        Assert.False(File.Exists(Store() + "-shm"));
    }

    [Fact]
    public async Task CancellingDuringAFetchDropsOnlyThatSnapshot()
    {
        var inner = DiscoveryAndTakingTests.GoService();
        bool slow = false;
        using var svc = new FakeService(t => slow && t == "/debug/pprof/heap?gc=1" ? inner(t)! with { Delay = TimeSpan.FromSeconds(10) } : inner(t));
        using var cts = new CancellationTokenSource();
        using var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { Interval = TimeSpan.FromSeconds(30) }, CancellationToken.None);
        var sw = Stopwatch.StartNew();
        var summary = await hunter.RunAsync(new SyncProgress(p =>
        {
            slow = true;
            cts.CancelAfter(TimeSpan.FromMilliseconds(300)); // during the wait for the next one
        }), cts.Token);
        Assert.True(summary.Cancelled);
        Assert.Equal(1, summary.Taken);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
        Assert.Equal(1, hunter.Store.Count().Snapshots);
    }

    [Fact]
    public async Task ResumingContinuesTheStore()
    {
        double start = 1_700_000_000;
        using var svc = new FakeService(DiscoveryAndTakingTests.GoService(metrics: () =>
            string.Create(CultureInfo.InvariantCulture, $"go_goroutines 5\nprocess_start_time_seconds {start}\n")));
        var options = new HuntOptions { Interval = Fast, MaxSnapshots = 2 };
        using (var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), options, CancellationToken.None))
            await hunter.RunAsync(null, CancellationToken.None);

        using (var hunter = await Hunter.ResumeAsync(Store(), null, options, CancellationToken.None))
        {
            Assert.Equal(svc.BaseUrl, hunter.Store.Target);
            var summary = await hunter.RunAsync(null, CancellationToken.None);
            Assert.Equal((3, 4, 0), (summary.FirstSequence, summary.LastSequence, summary.Restarts));
        }

        start += 3600; // restarted while nobody was hunting
        var seen = new List<HuntProgress>();
        using (var hunter = await Hunter.ResumeAsync(Store(), svc.BaseUrl, options, CancellationToken.None))
            await hunter.RunAsync(new SyncProgress(seen.Add), CancellationToken.None);
        Assert.Equal("process start time changed (1700000000 → 1700003600)", seen[0].NewSegmentReason);

        using var store = SnapshotStore.Open(Store(), readOnly: true);
        Assert.Equal([1, 1, 2, 2, 3, 3], store.ReadAll().Select(s => s.Session));
        Assert.Equal([0, 0, 0, 0, 1, 1], store.ReadAll().Select(s => s.Segment));
        Assert.Equal(3, store.ReadSessions().Count);
    }

    [Fact]
    public async Task ResumingWithCountersToCompareContinuesTheSegment()
    {
        // No start time, no expvar: the heap profile's alloc_space total is the counter compared.
        var inner = DiscoveryAndTakingTests.GoService(metrics: () => "go_goroutines 5\n");
        using var svc = new FakeService(t => t == "/debug/vars" ? null : inner(t));
        var options = new HuntOptions { Interval = Fast, MaxSnapshots = 1 };
        using (var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), options, CancellationToken.None))
            await hunter.RunAsync(null, CancellationToken.None);
        using (var hunter = await Hunter.ResumeAsync(Store(), null, options, CancellationToken.None))
            Assert.Equal(0, (await hunter.RunAsync(null, CancellationToken.None)).Restarts);
    }

    [Fact]
    public async Task ResumingWithNothingToCompareStartsASegment()
    {
        using var svc = new FakeService(t => t == "/metrics" ? FakeResponse.Text("go_goroutines 5\n") : null);
        var options = new HuntOptions { Interval = Fast, MaxSnapshots = 1 };
        using (var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), options, CancellationToken.None))
            await hunter.RunAsync(null, CancellationToken.None);
        var seen = new List<HuntProgress>();
        using (var hunter = await Hunter.ResumeAsync(Store(), null, options, CancellationToken.None))
            await hunter.RunAsync(new SyncProgress(seen.Add), CancellationToken.None);
        Assert.Equal("hunt resumed: nothing tells whether the service restarted meanwhile", seen[0].NewSegmentReason);
        Assert.Equal(1, seen[0].Segment);
    }

    [Fact]
    public async Task ResumingAnotherServicesStoreIsAUsageError()
    {
        using var svc = new FakeService(DiscoveryAndTakingTests.GoService());
        using (var hunter = await Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions { MaxSnapshots = 1 }, CancellationToken.None))
            await hunter.RunAsync(null, CancellationToken.None);
        var e = await Assert.ThrowsAsync<UsageException>(() => Hunter.ResumeAsync(Store(), new Uri("http://127.0.0.1:1/"), new HuntOptions(), CancellationToken.None));
        Assert.Equal($"{Store()} hunts {svc.BaseUrl}, not http://127.0.0.1:1/", e.Message);
    }

    [Fact]
    public async Task AStoreIsNotCreatedForAServiceThatCannotBeHunted()
    {
        using var svc = new FakeService(_ => null);
        await Assert.ThrowsAsync<InputException>(() => Hunter.StartAsync(svc.BaseUrl, Store(), new HuntOptions(), CancellationToken.None));
        Assert.False(File.Exists(Store()));
    }
}
