using System.Text.Json;
using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Hunt;
using LeakHound.Hunt.Store;
using LeakHound.Tests.Support;
using Microsoft.Data.Sqlite;

namespace LeakHound.Tests.Hunt;

public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lh-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string NewPath(string name = "t.hunt") => Path.Combine(_dir, name);

    internal static byte[] Profile(string name) => File.ReadAllBytes(Path.Combine(TestPaths.CommittedProfiles, "cacheleak", name));

    internal static ServiceEndpoints Endpoints(string baseUrl = "http://127.0.0.1:1234/") => new()
    {
        BaseUrl = new Uri(baseUrl),
        PprofIndex = new Uri(new Uri(baseUrl), "/debug/pprof/"),
        Metrics = new Uri(new Uri(baseUrl), "/metrics"),
        MetricsFound = ["go_goroutines"],
    };

    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_763_712_000_123);

    private static TakenSnapshot Ok(int second, double processStart, double numGc, string heap = "heap.pb.gz") => new(
        T0.AddSeconds(second), TimeSpan.FromMilliseconds(12), SnapshotStatus.Ok, null, false,
        Profile(heap), Profile("goroutine.pb.gz"),
        new Dictionary<string, double>
        {
            [MetricNames.HeapInuseBytes] = 1_000_000 + second,
            [MetricNames.Goroutines] = 7,
            [MetricNames.ProcessStartSeconds] = processStart,
            [MetricNames.NumGC] = numGc,
        });

    private static TakenSnapshot Gap(int second) => new(
        T0.AddSeconds(second), TimeSpan.FromMilliseconds(350), SnapshotStatus.Gap, "heap profile: connection refused (3 tries)", true,
        null, null, new Dictionary<string, double>());

    [Fact]
    public void SnapshotsReadBackAsWritten()
    {
        string path = NewPath();
        var options = new HuntOptions { Interval = TimeSpan.FromSeconds(15), MaxSnapshots = 3, PprofPath = "/admin/debug/pprof/" };
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1234/")))
        {
            Assert.Equal(1, store.BeginSession(Endpoints(), options.ToJson()));
            var first = store.Append(Ok(0, 100, 3), null);
            Assert.Equal((1, 0), (first.Sequence, first.Segment));
            var gap = store.Append(Gap(15), "a gap never starts a segment");
            Assert.Equal((2, 0), (gap.Sequence, gap.Segment));
            var after = store.Append(Ok(30, 200, 1, "heap2.pb.gz"), "process start time changed (100 → 200)");
            Assert.Equal((3, 1), (after.Sequence, after.Segment));
        }
        Assert.False(File.Exists(path + "-wal")); // closed cleanly: one self-contained file

        using (var store = SnapshotStore.Open(path, readOnly: true))
        {
            Assert.Equal(new Uri("http://127.0.0.1:1234/"), store.Target);
            Assert.Equal((3, 1), store.Count());
            var all = store.ReadAll().ToList();
            Assert.Equal([1, 2, 3], all.Select(s => s.Sequence));
            Assert.Equal([0, 0, 1], all.Select(s => s.Segment));
            Assert.Equal([SnapshotStatus.Ok, SnapshotStatus.Gap, SnapshotStatus.Ok], all.Select(s => s.Status));
            Assert.Equal([T0, T0.AddSeconds(15), T0.AddSeconds(30)], all.Select(s => s.Time));
            Assert.Equal(Profile("heap.pb.gz"), all[0].HeapProfile);
            Assert.Equal(Profile("heap2.pb.gz"), all[2].HeapProfile);
            Assert.Equal(Profile("goroutine.pb.gz"), all[2].GoroutineProfile);
            Assert.Equal(TimeSpan.FromMilliseconds(12), all[0].Duration);
            Assert.Equal(1_000_030, all[2].Metrics[MetricNames.HeapInuseBytes]);
            Assert.Equal(200, all[2].Metrics[MetricNames.ProcessStartSeconds]);
            Assert.Equal(4, all[0].Metrics.Count);

            Assert.Null(all[1].HeapProfile);
            Assert.Empty(all[1].Metrics);
            Assert.True(all[1].Refused);
            Assert.Equal("heap profile: connection refused (3 tries)", all[1].Error);

            var snapshots = store.ReadSnapshots().ToList();
            Assert.Equal(2, snapshots.Count);
            Assert.Equal([0, 1], snapshots.Select(s => s.Segment));
            Assert.True(snapshots[1].Heap!.Load().SampleCount > 0);
            Assert.Contains(snapshots[1].Heap!.Load().SampleTypes, t => t.Type == "inuse_space");
            Assert.True(snapshots[0].Goroutines!.TotalGoroutines > 0);
            Assert.Equal(3, store.ReadSnapshots(includeGaps: true).Count());

            var segments = store.ReadSegments();
            Assert.Equal(2, segments.Count);
            Assert.Equal("hunt started", segments[0].Reason);
            Assert.Equal(new StoredSegment(1, T0.AddSeconds(30), 3, "process start time changed (100 → 200)"), segments[1]);

            var session = Assert.Single(store.ReadSessions());
            Assert.Equal(new Uri("http://127.0.0.1:1234/debug/pprof/"), session.PprofIndex);
            Assert.Null(session.Vars);
            Assert.Contains("prometheus: http://127.0.0.1:1234/metrics (go_goroutines)", session.Endpoints);
            using var json = JsonDocument.Parse(session.Options);
            Assert.Equal(15, json.RootElement.GetProperty("interval_seconds").GetDouble());
            Assert.Equal("/admin/debug/pprof/", json.RootElement.GetProperty("pprof_path").GetString());
        }
    }

    [Fact]
    public void EachSnapshotIsCommittedAsItArrives()
    {
        string path = NewPath();
        using var writer = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1234/"));
        writer.BeginSession(Endpoints(), "{}");
        writer.Append(Ok(0, 100, 1), null);
        writer.Append(Ok(15, 100, 2), null);
        // The writer is still open (as in a hunt that crashes now): another reader sees both.
        using var reader = SnapshotStore.Open(path, readOnly: true);
        Assert.Equal([1, 2], reader.ReadAll().Select(s => s.Sequence));
        Assert.Equal(2, reader.ReadSnapshots().Count());
    }

    [Fact]
    public void OpeningAgainResumesNumberingSegmentsAndRestartState()
    {
        string path = NewPath();
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1234/")))
        {
            store.BeginSession(Endpoints(), "{}");
            store.Append(Ok(0, 100, 1), null);
            store.Append(Ok(15, 200, 1), "restart");
            store.Append(Gap(30), null);
        }
        using (var store = SnapshotStore.Open(path))
        {
            Assert.Equal(3, store.LastSequence);
            Assert.Equal(1, store.CurrentSegment);
            Assert.True(store.RefusedSinceLastData);
            Assert.Equal(200, store.LastMetrics![MetricNames.ProcessStartSeconds]);
            Assert.Equal(2, store.BeginSession(Endpoints(), "{}"));
            var next = store.Append(Ok(45, 200, 2), null);
            Assert.Equal((4, 2, 1), (next.Sequence, next.Session, next.Segment));
            Assert.False(store.RefusedSinceLastData);
        }
        using (var store = SnapshotStore.Open(path, readOnly: true))
        {
            Assert.Equal([1, 1, 1, 2], store.ReadAll().Select(s => s.Session));
            Assert.Equal(2, store.ReadSessions().Count);
        }
    }

    [Fact]
    public void APartialSnapshotLeavesTheLastKnownValuesForRestartDetection()
    {
        string path = NewPath();
        var partial = new TakenSnapshot(T0.AddSeconds(15), TimeSpan.Zero, SnapshotStatus.Partial, "metrics: HTTP 503 Service Unavailable (3 tries)", false,
            Profile("heap.pb.gz"), null, new Dictionary<string, double> { [MetricNames.NumGC] = 9 });
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1234/")))
        {
            store.BeginSession(Endpoints(), "{}");
            store.Append(Ok(0, 100, 3), null);
            store.Append(partial, null);
            Assert.Equal(100, store.LastMetrics![MetricNames.ProcessStartSeconds]);
            Assert.Equal(9, store.LastMetrics[MetricNames.NumGC]);
        }
        using (var store = SnapshotStore.Open(path))
        {
            Assert.Equal(100, store.LastMetrics![MetricNames.ProcessStartSeconds]);
            Assert.Equal(9, store.LastMetrics[MetricNames.NumGC]);
        }
    }

    [Fact]
    public void AnExistingFileIsNotOverwritten()
    {
        string path = NewPath();
        File.WriteAllText(path, "precious");
        var e = Assert.Throws<InputException>(() => SnapshotStore.Create(path, new Uri("http://127.0.0.1:1/")));
        Assert.Contains("already exists", e.Message);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void AStoreThatCannotBeCreatedIsAnInputError()
    {
        string path = Path.Combine(_dir, "no-such-folder", "t.hunt");
        var e = Assert.Throws<InputException>(() => SnapshotStore.Create(path, new Uri("http://127.0.0.1:1/")));
        Assert.Equal($"{path}: cannot create the hunt store: cannot open the file", e.Message);
    }

    [Fact]
    public void AMissingOrEmptyFileIsAnInputError()
    {
        Assert.Equal($"{NewPath("none.hunt")}: no such file", Assert.Throws<InputException>(() => SnapshotStore.Open(NewPath("none.hunt"))).Message);
        File.WriteAllBytes(NewPath("empty.hunt"), []);
        Assert.Contains("an empty file", Assert.Throws<InputException>(() => SnapshotStore.Open(NewPath("empty.hunt"))).Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("sqlite-header")]
    public void AFileThatIsNotSQLiteIsAnInputError(string kind)
    {
        string path = NewPath();
        var rng = new Random(7);
        var bytes = new byte[8192];
        rng.NextBytes(bytes);
        if (kind == "text") bytes = "hello, this is not a database\n"u8.ToArray();
        if (kind == "sqlite-header") "SQLite format 3\0"u8.CopyTo(bytes);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InputException>(() => Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AForeignSQLiteDatabaseIsAnInputError()
    {
        string path = NewPath("foreign.db");
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hi');";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<InputException>(() => Read(path));
        Assert.Equal($"{path}: an SQLite database, but not a LeakHound hunt store", e.Message);
    }

    [Fact]
    public void AStoreOfANewerVersionIsAnInputError()
    {
        string path = NewPath();
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1/"))) { }
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA user_version=2";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<InputException>(() => Read(path));
        Assert.Contains("newer than this LeakHound reads", e.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void ATruncatedStoreIsAnInputError(double keep)
    {
        string path = NewPath();
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1/")))
        {
            store.BeginSession(Endpoints(), "{}");
            for (int i = 0; i < 6; i++) store.Append(Ok(i * 15, 100, i), null);
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<InputException>(() => Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ADamagedProfileNamesTheSnapshot()
    {
        string path = NewPath();
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1/")))
        {
            store.BeginSession(Endpoints(), "{}");
            var s = Ok(0, 100, 1);
            var heap = s.Heap![..(s.Heap!.Length / 2)]; // a gzip stream cut in the middle
            store.Append(s with { Heap = heap }, null);
        }
        var e = Assert.Throws<InputException>(() => Read(path));
        Assert.StartsWith($"{path} snapshot 1 heap profile: ", e.Message);
    }

    [Fact]
    public void AnalyzeOfAStoreWithADamagedHeapProfileIsOneLine()
    {
        // Eight snapshots, so the analysis parses every heap profile (in parallel, a few at a time);
        // the sixth is cut in the middle of its gzip stream.
        string path = NewPath();
        using (var store = SnapshotStore.Create(path, new Uri("http://127.0.0.1:1/")))
        {
            store.BeginSession(Endpoints(), "{}");
            for (int i = 0; i < 8; i++)
            {
                var s = Ok(i * 15, 100, i + 1);
                store.Append(i == 5 ? s with { Heap = s.Heap![..(s.Heap!.Length / 2)] } : s, null);
            }
        }
        var r = LeakHoundCli.Run("analyze", path);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith($"leakhound: {path} snapshot 6 heap profile: ", lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    private static void Read(string path)
    {
        using var store = SnapshotStore.Open(path, readOnly: true);
        // Heap profiles are parsed when the analysis reads them.
        foreach (var s in store.ReadSnapshots(includeGaps: true)) _ = s.Heap?.Load();
    }
}
