using System.Diagnostics;
using System.Text;
using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Input;
using LeakHound.Formats.Pprof;
using LeakHound.Hunt.Http;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Hunt;

/// <summary>
/// Takes one snapshot of a service: the heap profile right after a GC (<c>heap?gc=1</c>), then
/// expvar and Prometheus metrics (read after that GC, so the heap numbers are the live heap, not
/// garbage waiting for collection), then the goroutine profile. Each fetch is tried up to
/// <see cref="Tries"/> times while its failure is transient, all within the snapshot's time
/// budget. A refused connection ends the round at once (the service is down). Profiles are kept
/// as sent; they are parsed here only when the service serves no metric for what the progress
/// line shows (goroutines, heap in use), and then only their totals (<see cref="ProfileTotals"/>).
/// </summary>
public sealed class SnapshotTaker(ServiceClient client, ServiceEndpoints endpoints, int tries = 3)
{
    public ServiceEndpoints Endpoints { get; } = endpoints;

    public int Tries { get; } = tries;

    /// <summary>Takes a snapshot within <paramref name="budget"/>; only cancellation of <paramref name="ct"/> throws.</summary>
    public async Task<TakenSnapshot> TakeAsync(TimeSpan budget, CancellationToken ct)
    {
        var time = DateTimeOffset.UtcNow;
        long started = Stopwatch.GetTimestamp();
        long deadline = started + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        var backoff = TimeSpan.FromMilliseconds(Math.Clamp(budget.TotalMilliseconds / 20, 50, 1000));
        var errors = new List<string>();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        byte[]? heap = null, goroutines = null;
        bool got = false, refused = false;

        async Task<byte[]?> Fetch(string what, Uri? url)
        {
            if (url is null || refused) return null;
            var r = await client.GetAsync(url, deadline, Tries, backoff, ct).ConfigureAwait(false);
            if (r.Ok)
            {
                got = true;
                return r.Body;
            }
            errors.Add($"{what}: {r.Error}{(r.Tries > 1 ? $" ({r.Tries} tries)" : "")}");
            if (r.Failure == FetchFailure.Refused) refused = true;
            return null;
        }

        heap = await Fetch("heap profile", Endpoints.HeapProfile).ConfigureAwait(false);
        if (heap is not null && !LooksLikeProfile(heap))
        {
            errors.Add("heap profile: the answer is not a profile");
            heap = null;
        }

        var vars = await Fetch("expvar", Endpoints.Vars).ConfigureAwait(false);
        if (vars is not null)
        {
            try
            {
                HuntMetrics.AddExpvar(ExpvarMemStats.Parse(vars, Endpoints.Vars!.ToString()), metrics);
            }
            catch (InputException e)
            {
                errors.Add("expvar: " + e.Problem);
            }
        }

        var prom = await Fetch("metrics", Endpoints.Metrics).ConfigureAwait(false);
        if (prom is not null)
        {
            try
            {
                var page = PrometheusText.Parse(Encoding.UTF8.GetString(prom), Endpoints.Metrics!.ToString(), HuntMetrics.WantedPrometheusNames);
                HuntMetrics.AddPrometheus(page, metrics);
            }
            catch (InputException e)
            {
                errors.Add("metrics: " + e.Problem);
            }
        }

        goroutines = await Fetch("goroutine profile", Endpoints.GoroutineProfile).ConfigureAwait(false);
        if (goroutines is not null && !LooksLikeProfile(goroutines))
        {
            errors.Add("goroutine profile: the answer is not a profile");
            goroutines = null;
        }

        // Without metrics, the profiles give what the progress line and restart detection need.
        if (goroutines is not null && !metrics.ContainsKey(MetricNames.Goroutines))
            AddTotals(goroutines, "goroutine profile", [("goroutine", MetricNames.Goroutines)], metrics, errors);
        if (heap is not null && !metrics.ContainsKey(MetricNames.HeapInuseBytes))
            AddTotals(heap, "heap profile", [("inuse_space", HuntMetrics.ProfileInuseBytes), ("alloc_space", HuntMetrics.ProfileAllocBytes)], metrics, errors);

        var status = !got ? SnapshotStatus.Gap : errors.Count > 0 ? SnapshotStatus.Partial : SnapshotStatus.Ok;
        return new TakenSnapshot(
            time,
            Stopwatch.GetElapsedTime(started),
            status,
            errors.Count == 0 ? null : string.Join("; ", errors),
            refused,
            heap,
            goroutines,
            metrics);
    }

    /// <summary>Gzip, profile.proto, or a legacy text profile: not an HTML page or an error message.</summary>
    private static bool LooksLikeProfile(byte[] body) =>
        InputBytes.IsGzip(body) || ProtoProfileReader.LooksLikeProto(body) || body.AsSpan().StartsWith("heap profile:"u8) || body.AsSpan().StartsWith("goroutine profile:"u8);

    private static void AddTotals(byte[] data, string what, (string Column, string Metric)[] columns, Dictionary<string, double> metrics, List<string> errors)
    {
        try
        {
            var totals = ProfileTotals.Sum(data, what, Limits.Default);
            foreach (var (column, metric) in columns)
                if (totals.TryGetValue(column, out double v)) metrics[metric] = v;
        }
        catch (InputException e)
        {
            errors.Add($"{what}: {e.Problem}");
        }
    }
}
