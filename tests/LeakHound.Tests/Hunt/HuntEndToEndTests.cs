using System.Text.RegularExpressions;
using LeakHound.Analysis.Trends;
using LeakHound.Cli.Commands;
using LeakHound.Core;
using LeakHound.Hunt;
using LeakHound.Hunt.Store;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Hunt;

/// <summary>
/// Hunts against the real sample services (samples/bin, 127.0.0.1 only): a target killed and
/// restarted on the same port mid-hunt, cancellation, and the <c>hunt</c> command's output.
/// </summary>
[Collection(LiveServices.Name)]
public sealed partial class HuntEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lh-hunt-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store(string name = "e2e.hunt") => Path.Combine(_dir, name);

    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task AHuntSurvivesItsTargetBeingKilledAndRestartedOnTheSamePort()
    {
        var first = SampleService.Start("cacheleak");
        SampleService? second = null;
        bool killed = false;
        try
        {
            first.Drive(200);
            int port = first.Port;
            // Two seconds a snapshot: each snapshot's fetches must finish within the interval, and the
            // first (JIT-cold, beside the other test classes on two cores) took over one second in CI.
            using var hunter = await Hunter.StartAsync(new Uri(first.BaseUrl), Store(), new HuntOptions { Interval = 2 * Second, MaxSnapshots = 9 }, CancellationToken.None);
            var seen = new List<HuntProgress>();
            var summary = await hunter.RunAsync(new HunterTests.SyncProgress(p =>
            {
                seen.Add(p);
                if (p.Sequence == 3)
                {
                    first.Dispose(); // killed: nothing listens on the port
                    killed = true;
                }
                if (p.Sequence == 5) second = SampleService.Start("cacheleak", port);
            }), CancellationToken.None);

            Assert.True((summary.Taken, summary.Gaps, summary.Restarts) == (9, 2, 1),
                $"taken {summary.Taken}, gaps {summary.Gaps}, restarts {summary.Restarts}; errors: {string.Join(" | ", seen.Select(p => p.Error))}");
            SnapshotStatus[] expected =
                [SnapshotStatus.Ok, SnapshotStatus.Ok, SnapshotStatus.Ok, SnapshotStatus.Gap, SnapshotStatus.Gap,
                 SnapshotStatus.Ok, SnapshotStatus.Ok, SnapshotStatus.Ok, SnapshotStatus.Ok];
            Assert.True(expected.SequenceEqual(seen.Select(p => p.Status)),
                $"statuses {string.Join(", ", seen.Select(p => p.Status))}; errors: {string.Join(" | ", seen.Select(p => p.Error))}");
            Assert.Contains("connection refused", seen[3].Error);
            Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], seen.Select(p => p.Segment));
            Assert.StartsWith("process start time changed", seen[5].NewSegmentReason);
            hunter.Dispose();

            using var store = SnapshotStore.Open(Store(), readOnly: true);
            var rows = store.ReadAll().ToList();
            Assert.Equal(Enumerable.Range(1, 9), rows.Select(r => r.Sequence));
            Assert.All(rows.Where(r => r.Status == SnapshotStatus.Gap), r => Assert.True(r.Refused && r.HeapProfile is null));
            var snapshots = store.ReadSnapshots().ToList();
            Assert.Equal(7, snapshots.Count);
            Assert.All(snapshots, s =>
            {
                Assert.NotNull(s.Heap);
                Assert.True(s.Goroutines!.TotalGoroutines > 0);
                Assert.True(s.Metrics[MetricNames.HeapInuseBytes] > 0);
            });
            // Before the kill the cache held 200 entries (Go may publish a heap profile's newest
            // allocations a GC later, so look at the last snapshot of the first process); the new
            // process starts empty.
            // (One CI run found no main.newEntry in the third snapshot, with only profiling and
            // expvar frames in it, as in the new process's profiles: the failure lists every
            // snapshot's segment, time and whether the cache is in it, to tell which it was.)
            Assert.Equal([0, 0, 0, 1, 1, 1, 1], snapshots.Select(s => s.Segment));
            bool HasCache(Snapshot s) => s.Heap!.Load().Functions.Any(f => f.Name == "main.newEntry");
            Assert.True(HasCache(snapshots[2]),
                string.Join("; ", snapshots.Select(s => $"segment {s.Segment} at {s.Time:HH:mm:ss.fff}: {(HasCache(s) ? "cache" : "no cache")}")) +
                "; functions of the third: " + string.Join(", ", snapshots[2].Heap!.Load().Functions.Select(f => f.Name)));
            Assert.True(snapshots[0].Metrics[MetricNames.TotalAllocBytes] > snapshots[3].Metrics[MetricNames.TotalAllocBytes]);
            var restart = store.ReadSegments()[1];
            Assert.Equal(6, restart.FirstSnapshot);
            Assert.Equal(rows[5].Time, restart.Started);
        }
        finally
        {
            if (!killed) first.Dispose();
            second?.Dispose();
        }
    }

    [Fact]
    public async Task CancellingAHuntLeavesAStoreThatReadsBackCompletely()
    {
        using var svc = SampleService.Start("goroutineleak");
        svc.Drive(50);
        using var cts = new CancellationTokenSource();
        using var hunter = await Hunter.StartAsync(new Uri(svc.BaseUrl), Store(), new HuntOptions { Interval = Second }, CancellationToken.None);
        var summary = await hunter.RunAsync(new HunterTests.SyncProgress(p =>
        {
            if (p.Sequence == 3) cts.CancelAfter(TimeSpan.FromMilliseconds(400)); // while waiting for the fourth
        }), cts.Token);
        Assert.True(summary.Cancelled);
        Assert.Equal(3, summary.Taken);
        hunter.Dispose();
        Assert.False(File.Exists(Store() + "-wal")); // closed cleanly: one self-contained file

        using var store = SnapshotStore.Open(Store(), readOnly: true);
        var snapshots = store.ReadSnapshots().ToList();
        Assert.Equal(3, snapshots.Count);
        Assert.All(snapshots, s =>
        {
            Assert.True(s.Goroutines!.TotalGoroutines >= 50); // the leaked main.produce goroutines
            Assert.Equal(s.Goroutines.TotalGoroutines, s.Metrics[MetricNames.Goroutines], tolerance: 5);
            Assert.Contains(s.Heap!.Load().SampleTypes, t => t.Type == "inuse_space");
        });
        store.Dispose();

        // And `leakhound analyze` reads it: three snapshots are too few for a verdict, and it says so.
        var analyze = LeakHoundCli.Run("analyze", "--json", Store());
        Assert.True(analyze.ExitCode == 0, analyze.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(analyze.Stdout);
        Assert.Equal("inconclusive", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("snapshots").GetInt32());
    }

    [Fact]
    public void TheCommandPrintsALinePerSnapshotAndTheStoreAndResumes()
    {
        using var svc = SampleService.Start("lrucache");
        var stdout = new StringWriter();
        string store = HuntCommand.RunHunt(["--interval", "1s", "--snapshots", "2", "--store", Store(), svc.BaseUrl], stdout, TextWriter.Null, live: false);
        Assert.Equal(Store(), store);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"hunting {svc.BaseUrl}/ every 1s, 2 snapshots; Ctrl-C stops", lines[0]);
        Assert.StartsWith($"pprof:      {svc.BaseUrl}/debug/pprof/ (heap?gc=1, goroutine)", lines[1]);
        Assert.StartsWith("expvar:     ", lines[2]);
        Assert.StartsWith("prometheus: ", lines[3]);
        Assert.Equal("store:      " + Store(), lines[4]);
        Assert.Matches(SnapshotLine(), lines[5]);
        Assert.StartsWith("snapshot 2 ", lines[6]);
        Assert.Matches(@"^done: 2 snapshots \(0 gaps, 0 restarts\) in \d", lines[7]);

        var resumed = new StringWriter();
        Assert.Equal(0, HuntCommand.Run(["--resume", Store(), "--snapshots", "1", "--interval", "1s"], resumed, TextWriter.Null));
        var text = resumed.ToString();
        Assert.StartsWith($"resuming the hunt on {svc.BaseUrl}/ every 1s, 1 snapshot", text);
        Assert.Contains("\nsnapshot 3 ", text);
        Assert.Contains($"\nstore: {Store()}\n", text.ReplaceLineEndings("\n"));
        // Then the analysis of what the store holds: three snapshots are too few for a verdict.
        Assert.Contains("\nVerdict: INCONCLUSIVE", text);
    }

    [Fact]
    public void OnATerminalTheProgressLineIsRewrittenInPlace()
    {
        using var svc = SampleService.Start("lrucache");
        var stdout = new StringWriter();
        HuntCommand.RunHunt(["--interval", "1s", "--snapshots", "2", "--store", Store(), svc.BaseUrl], stdout, TextWriter.Null, live: true);
        var text = stdout.ToString();
        Assert.Contains("\rsnapshot 1  ", text);
        Assert.Contains("\rsnapshot 2  ", text);
        Assert.DoesNotContain("snapshot 1 20", text); // not the one-line-per-snapshot form
    }

    [Theory]
    [InlineData(new[] { "http://127.0.0.1:1", "--duration", "1m", "--snapshots", "3" }, "give either --duration or --snapshots")]
    [InlineData(new[] { "--resume", "a.hunt", "--store", "b.hunt" }, "--resume continues an existing store")]
    [InlineData(new[] { "--interval", "1s" }, "usage: leakhound hunt URL")]
    [InlineData(new[] { "http://127.0.0.1:1", "--interval", "soon" }, "not a duration")]
    [InlineData(new[] { "ftp://127.0.0.1:1" }, "not an http:// URL")]
    public void BadCommandLinesAreUsageErrors(string[] args, string message)
    {
        var e = Assert.Throws<UsageException>(() => HuntCommand.RunHunt(args, TextWriter.Null, TextWriter.Null, live: false));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AServiceThatIsDownIsOneLineAndNoStore()
    {
        int port;
        using (var svc = new FakeService(_ => null)) port = svc.Port;
        var e = Assert.Throws<InputException>(() => HuntCommand.RunHunt([$"127.0.0.1:{port}", "--store", Store()], TextWriter.Null, TextWriter.Null, live: false));
        Assert.Equal($"http://127.0.0.1:{port}/: connection refused", e.Message);
        Assert.False(File.Exists(Store()));
    }

    [Fact]
    public void TheDefaultStoreIsNamedAfterTheHostAndTheTime()
    {
        string path = HuntCommand.DefaultStorePath(new Uri("http://127.0.0.1:8080/"));
        Assert.Matches(@"^leakhound-127\.0\.0\.1-\d{8}-\d{6}(-\d+)?\.hunt$", path);
        Assert.Matches(@"^leakhound-__1-\d{8}-\d{6}(-\d+)?\.hunt$", HuntCommand.DefaultStorePath(new Uri("http://[::1]:8080/")));
    }

    [GeneratedRegex(@"^snapshot 1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ok heap [0-9.]+[kMG]?B \d+ goroutines \(0 gaps, 0 restarts\)$")]
    private static partial Regex SnapshotLine();
}
