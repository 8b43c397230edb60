using System.Text;
using LeakHound.Analysis.Trends;
using LeakHound.Hunt;
using LeakHound.Hunt.Store;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Hunt;

/// <summary>
/// The hunt end to end, as a user runs it, against every sample: each service started fresh and
/// warmed up, then hunted for 30 s at a 3 s interval (11 snapshots) under steady load, all nine at
/// once. Every leaking sample's leak must be among its top 3 suspects with the verdict leak; every
/// control must be no-leak with none of its bounded or churning sites a suspect.
/// </summary>
[Collection(LiveServices.Name)]
public sealed class SampleHuntsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lh-hunts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Sample → functions one of which must be among the top 3 suspects (null for controls).</summary>
    private static readonly (string Sample, string[]? Leak)[] Expectations =
    [
        ("cacheleak", ["main.newEntry", "main.cacheStore"]),
        ("metricleak", ["main.newHistogram", "main.newMetric", "main.instrument", "main.newMiddleware", "main.registerMetric"]),
        ("goroutineleak", ["main.produce", "main.render", "main.startLookup"]),
        ("tickerleak", ["main.poll", "main.newPollState", "main.startPoller"]),
        ("substringleak", ["main.buildDocument", "main.rememberKey"]),
        ("finalizercycle", ["main.newNode", "main.makeCycle"]),
        ("lrucache", null),
        ("garbage", null),
        ("workerpool", null),
    ];

    [Fact]
    public async Task EveryLeakIsFoundAndNoControlIsBlamed()
    {
        var hunts = Expectations.Select(e => Task.Run(() => HuntOne(e.Sample))).ToArray();
        var results = await Task.WhenAll(hunts);
        var failures = new StringBuilder();
        for (int i = 0; i < Expectations.Length; i++)
        {
            var (sample, leak) = Expectations[i];
            var r = results[i];
            string top = string.Join(", ", r.Suspects.Take(3).Select(s => $"{s.Kind}:{s.Function}"));
            if (leak is not null)
            {
                if (r.Verdict != Verdict.Leak) failures.AppendLine($"{sample}: verdict {r.Verdict} ({r.Reason}), expected leak");
                if (!r.Suspects.Take(3).Any(s => leak.Contains(s.Function))) failures.AppendLine($"{sample}: top suspects [{top}] miss {string.Join("/", leak)}");
            }
            else
            {
                if (r.Verdict != Verdict.NoLeak) failures.AppendLine($"{sample}: verdict {r.Verdict} ({r.Reason}), expected no-leak; suspects [{top}]");
                var userSites = r.Suspects.Where(s => s.Function.StartsWith("main.", StringComparison.Ordinal)).Select(s => s.Function).ToList();
                if (userSites.Count > 0) failures.AppendLine($"{sample}: its own sites blamed: {string.Join(", ", userSites)}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    private async Task<HuntResult> HuntOne(string sample)
    {
        using var svc = SampleService.Start(sample);
        svc.Drive(300); // warm up: caches fill, pools start, the first goroutines park
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            // Steady load: 20 requests every 500 ms until the hunt ends.
            while (!stop.IsCancellationRequested)
            {
                svc.Drive(20);
                try { await Task.Delay(500, stop.Token); } catch (TaskCanceledException) { }
            }
        });
        string store = Path.Combine(_dir, sample + ".hunt");
        try
        {
            using var hunter = await Hunter.StartAsync(new Uri(svc.BaseUrl), store,
                new HuntOptions { Interval = TimeSpan.FromSeconds(3), Duration = TimeSpan.FromSeconds(30) }, CancellationToken.None);
            await hunter.RunAsync(null, CancellationToken.None);
        }
        finally
        {
            stop.Cancel();
            await load;
        }
        using var s = SnapshotStore.Open(store, readOnly: true);
        return LeakAnalyzer.Analyze(s.ReadSnapshots(includeGaps: false).ToList(), new LeakAnalyzerOptions());
    }
}
