using System.Diagnostics;
using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Hunt.Http;
using LeakHound.Hunt.Metrics;
using LeakHound.Hunt.Store;

namespace LeakHound.Hunt;

/// <summary>
/// The hunt loop: every <see cref="HuntOptions.Interval"/>, take a snapshot of the service and
/// store it, until the duration or the number of snapshots is reached or the token is cancelled;
/// report each through <see cref="IProgress{T}"/>. Cancelling is a normal end: the snapshot in
/// flight is dropped, everything stored stays, and <see cref="RunAsync"/> returns. Start a new
/// hunt with <see cref="StartAsync"/>, continue a store with <see cref="ResumeAsync"/>.
/// </summary>
public sealed class Hunter : IDisposable
{
    private readonly ServiceClient _client;
    private readonly SnapshotTaker _taker;
    private readonly bool _resumed;

    private Hunter(ServiceClient client, SnapshotStore store, ServiceEndpoints endpoints, HuntOptions options, bool resumed)
    {
        _client = client;
        Store = store;
        Endpoints = endpoints;
        Options = options;
        _resumed = resumed;
        _taker = new SnapshotTaker(client, endpoints, options.Tries);
    }

    public SnapshotStore Store { get; }

    public ServiceEndpoints Endpoints { get; }

    public HuntOptions Options { get; }

    /// <summary>The store file.</summary>
    public string StorePath => Store.Path;

    /// <summary>
    /// Finds the service's endpoints, then creates the store (so a service that cannot be hunted
    /// leaves no file behind) and records the session. Bad input is an <see cref="InputException"/>.
    /// </summary>
    public static async Task<Hunter> StartAsync(Uri target, string storePath, HuntOptions options, CancellationToken ct)
    {
        Validate(options);
        if (File.Exists(storePath))
            throw new InputException(storePath, "already exists: resume it with --resume, or choose another --store");
        var client = new ServiceClient(options.MaxResponseBytes);
        try
        {
            var endpoints = await ServiceEndpoints.DiscoverAsync(target, options.PprofPath, client, ct).ConfigureAwait(false);
            var store = SnapshotStore.Create(storePath, target);
            try
            {
                store.BeginSession(endpoints, options.ToJson());
                return new Hunter(client, store, endpoints, options, resumed: false);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing store and continues its hunt on the same service (<paramref name="target"/>,
    /// when given, must be the store's). The pprof index is looked for where the last session found
    /// it unless <see cref="HuntOptions.PprofPath"/> says otherwise.
    /// </summary>
    public static async Task<Hunter> ResumeAsync(string storePath, Uri? target, HuntOptions options, CancellationToken ct)
    {
        Validate(options);
        var store = SnapshotStore.Open(storePath);
        var client = new ServiceClient(options.MaxResponseBytes);
        try
        {
            if (target is not null && !SameService(target, store.Target))
                throw new UsageException($"{storePath} hunts {store.Target}, not {target}");
            string? pprofPath = options.PprofPath ?? store.ReadSessions().LastOrDefault(s => s.PprofIndex is not null)?.PprofIndex?.ToString();
            ServiceEndpoints endpoints;
            try
            {
                endpoints = await ServiceEndpoints.DiscoverAsync(store.Target, pprofPath, client, ct).ConfigureAwait(false);
            }
            catch (InputException) when (options.PprofPath is null && pprofPath is not null)
            {
                // The service moved its pprof index: look for it again.
                endpoints = await ServiceEndpoints.DiscoverAsync(store.Target, null, client, ct).ConfigureAwait(false);
            }
            store.BeginSession(endpoints, options.ToJson());
            return new Hunter(client, store, endpoints, options, resumed: true);
        }
        catch
        {
            client.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>Runs the hunt; returns when done or cancelled (never throws for cancellation).</summary>
    public async Task<HuntSummary> RunAsync(IProgress<HuntProgress>? progress, CancellationToken ct)
    {
        long t0 = Stopwatch.GetTimestamp();
        var (total, gapsTotal) = Store.Count();
        int firstSequence = Store.LastSequence + 1;
        int taken = 0, gaps = 0, restarts = 0;
        bool cancelled = false, resumedFirst = _resumed;
        long intervalTicks = Math.Max(1, Options.Interval.Ticks);

        for (long tick = 0; ; )
        {
            var due = TimeSpan.FromTicks(intervalTicks * tick);
            if (Options.Duration is { } d && due > d) break;
            var wait = due - Stopwatch.GetElapsedTime(t0);
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                break;
            }

            var cpu0 = Environment.CpuUsage.TotalTime;
            TakenSnapshot s;
            try
            {
                s = await _taker.TakeAsync(Options.SnapshotBudget, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            bool gap = s.Status == SnapshotStatus.Gap;
            string? reason = gap ? null : RestartRules.NewSegmentReason(Store.LastMetrics, s.Metrics, Store.RefusedSinceLastData, resumedFirst);
            var stored = Store.Append(s, reason);
            var cpu = Environment.CpuUsage.TotalTime - cpu0;
            if (!gap) resumedFirst = false;

            taken++;
            total++;
            if (gap)
            {
                gaps++;
                gapsTotal++;
            }
            if (reason is not null) restarts++;
            progress?.Report(new HuntProgress(
                stored.Sequence,
                stored.Time,
                s.Status,
                s.Error,
                stored.Segment,
                reason,
                HeapInuse(s.Metrics),
                s.Metrics.TryGetValue(MetricNames.Goroutines, out double g) ? g : null,
                total,
                gapsTotal,
                Store.CurrentSegment,
                Stopwatch.GetElapsedTime(t0),
                s.Duration,
                cpu));

            if (Options.MaxSnapshots is int max && taken >= max) break;
            // The next tick not yet passed: a snapshot slower than the interval skips ticks rather than bunching up.
            long elapsed = Stopwatch.GetElapsedTime(t0).Ticks;
            tick = Math.Max(tick + 1, (elapsed + intervalTicks - 1) / intervalTicks);
        }

        return new HuntSummary(Store.Path, taken, gaps, restarts, firstSequence, Store.LastSequence, cancelled, Stopwatch.GetElapsedTime(t0));
    }

    public void Dispose()
    {
        Store.Dispose();
        _client.Dispose();
    }

    private static double? HeapInuse(IReadOnlyDictionary<string, double> m) =>
        m.TryGetValue(MetricNames.HeapInuseBytes, out double v) ? v
        : m.TryGetValue(HuntMetrics.ProfileInuseBytes, out v) ? v
        : null;

    private static void Validate(HuntOptions o)
    {
        if (o.Interval < TimeSpan.FromMilliseconds(100)) throw new UsageException("the interval must be at least 100ms");
        if (o.Duration is { } d && d < TimeSpan.Zero) throw new UsageException("the duration must not be negative");
        if (o.MaxSnapshots is int n && n < 1) throw new UsageException("the number of snapshots must be at least 1");
        if (o.Tries < 1) throw new UsageException("tries must be at least 1");
    }

    private static bool SameService(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        || (a.GetLeftPart(UriPartial.Authority) == b.GetLeftPart(UriPartial.Authority) && a.AbsolutePath.TrimEnd('/') == b.AbsolutePath.TrimEnd('/'));
}
