using System.Text;
using LeakHound.Core;
using LeakHound.Hunt.Http;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Hunt;

/// <summary>
/// What a Go service exposes for a hunt: its net/http/pprof index (heap and goroutine profiles),
/// expvar's <c>/debug/vars</c> and a Prometheus <c>/metrics</c> page; null for what it lacks.
/// <see cref="Notes"/> say what was looked for and not found, or found but unusable.
/// </summary>
public sealed record ServiceEndpoints
{
    public required Uri BaseUrl { get; init; }

    /// <summary>The pprof index, ending in a slash (<c>…/debug/pprof/</c>); profiles are relative to it.</summary>
    public Uri? PprofIndex { get; init; }

    /// <summary>expvar's page, when it answers JSON.</summary>
    public Uri? Vars { get; init; }

    /// <summary>Whether <see cref="Vars"/> publishes runtime.MemStats (<c>memstats</c>).</summary>
    public bool VarsHasMemStats { get; init; }

    /// <summary>The Prometheus page, when it answers the text format with Go or process metrics.</summary>
    public Uri? Metrics { get; init; }

    /// <summary>The Prometheus metrics LeakHound uses that the page has (go_goroutines, …).</summary>
    public IReadOnlyList<string> MetricsFound { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The in-use heap profile, taken right after a GC (<c>heap?gc=1</c>).</summary>
    public Uri? HeapProfile => PprofIndex is null ? null : new Uri(PprofIndex, "heap?gc=1");

    /// <summary>The goroutine profile as profile.proto: stacks with counts.</summary>
    public Uri? GoroutineProfile => PprofIndex is null ? null : new Uri(PprofIndex, "goroutine");

    /// <summary>Prefixes tried, in order, when the pprof index is not at /debug/pprof/ (routers mounted under a group).</summary>
    public static readonly IReadOnlyList<string> CommonPrefixes = ["", "/admin", "/internal", "/api", "/_", "/ops", "/private", "/management", "/system"];

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Finds the endpoints of the service at <paramref name="baseUrl"/>. The pprof index is looked
    /// for at <paramref name="pprofPath"/> when given (a path such as <c>/admin/debug/pprof/</c>, or
    /// a whole URL), otherwise under the base URL's own path, then at <c>/debug/pprof/</c>, then
    /// under <see cref="CommonPrefixes"/>; expvar and Prometheus under the prefix where pprof was
    /// found, then at the root. A service that cannot be reached, a <paramref name="pprofPath"/>
    /// that is not a pprof index, or a service with none of the three is an <see cref="InputException"/>.
    /// </summary>
    public static async Task<ServiceEndpoints> DiscoverAsync(Uri baseUrl, string? pprofPath, ServiceClient client, CancellationToken ct)
    {
        if (baseUrl.Scheme is not ("http" or "https"))
            throw new InputException(baseUrl.ToString(), "not an http:// or https:// URL");
        var root = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + "/");
        var notes = new List<string>();

        // Reachable at all? A refused connection here is a clear, early error.
        var first = await client.GetOnceAsync(baseUrl, ProbeTimeout, ct).ConfigureAwait(false);
        if (first.Failure is FetchFailure.Refused or FetchFailure.Timeout or FetchFailure.Network)
            throw new InputException(baseUrl.ToString(), first.Error ?? "unreachable");

        Uri? pprof = null;
        string? foundPrefix = null;
        if (pprofPath is not null)
        {
            var candidate = Absolute(root, pprofPath);
            var why = await ProbePprofAsync(candidate, client, ct).ConfigureAwait(false);
            if (why is not null) throw new InputException(candidate.ToString(), "not a pprof index (--pprof-path): " + why);
            pprof = candidate;
            foundPrefix = PrefixOf(candidate);
        }
        else
        {
            var tried = new List<string>();
            foreach (var prefix in PprofPrefixes(baseUrl))
            {
                var candidate = new Uri(root, prefix + "/debug/pprof/");
                if (tried.Contains(candidate.AbsolutePath)) continue;
                tried.Add(candidate.AbsolutePath);
                if (await ProbePprofAsync(candidate, client, ct).ConfigureAwait(false) is null)
                {
                    pprof = candidate;
                    foundPrefix = prefix;
                    break;
                }
            }
            if (pprof is null)
                notes.Add($"no pprof index found (tried {string.Join(", ", tried)}); give its path with --pprof-path");
        }

        var prefixes = foundPrefix is null or "" ? new[] { "" } : [foundPrefix, ""];

        Uri? vars = null;
        bool memstats = false;
        int notesBefore = notes.Count;
        foreach (var prefix in prefixes)
        {
            var candidate = new Uri(root, prefix + "/debug/vars");
            var r = await client.GetOnceAsync(candidate, ProbeTimeout, ct).ConfigureAwait(false);
            if (!r.Ok) continue;
            try
            {
                var m = ExpvarMemStats.Parse(r.Body!, candidate.ToString());
                vars = candidate;
                memstats = m.HeapInuse is not null;
                if (!memstats) notes.Add($"{candidate} has no memstats");
                break;
            }
            catch (InputException e)
            {
                notes.Add($"{candidate} is not expvar JSON: {e.Problem}");
            }
        }
        if (vars is null && notes.Count == notesBefore) notes.Add("no /debug/vars (expvar)");

        Uri? metrics = null;
        var found = new List<string>();
        notesBefore = notes.Count;
        foreach (var prefix in prefixes)
        {
            var candidate = new Uri(root, prefix + "/metrics");
            var r = await client.GetOnceAsync(candidate, ProbeTimeout, ct).ConfigureAwait(false);
            if (!r.Ok) continue;
            try
            {
                var page = PrometheusText.Parse(Encoding.UTF8.GetString(r.Body!), candidate.ToString(), HuntMetrics.WantedPrometheusNames);
                foreach (var (prom, _) in HuntMetrics.PrometheusNames)
                    if (page.TryGetValue(prom, out _)) found.Add(prom);
                if (found.Count == 0)
                {
                    notes.Add($"{candidate} has none of the Go or process metrics LeakHound reads");
                    continue;
                }
                metrics = candidate;
                break;
            }
            catch (InputException e)
            {
                notes.Add($"{candidate} is not the Prometheus text format: {e.Problem}");
            }
        }
        if (metrics is null && notes.Count == notesBefore) notes.Add("no /metrics (Prometheus)");

        if (pprof is null && vars is null && metrics is null)
            throw new InputException(baseUrl.ToString(), "no pprof index, /debug/vars or /metrics found: nothing to hunt with (" + string.Join("; ", notes) + ")");

        return new ServiceEndpoints
        {
            BaseUrl = baseUrl,
            PprofIndex = pprof,
            Vars = vars,
            VarsHasMemStats = memstats,
            Metrics = metrics,
            MetricsFound = found,
            Notes = notes,
        };
    }

    /// <summary>One line per endpoint, found or not, for the user.</summary>
    public IEnumerable<string> Describe()
    {
        yield return PprofIndex is null ? "pprof:      none (no heap or goroutine profiles)" : $"pprof:      {PprofIndex} (heap?gc=1, goroutine)";
        yield return Vars is null ? "expvar:     none" : $"expvar:     {Vars}{(VarsHasMemStats ? " (memstats)" : " (no memstats)")}";
        yield return Metrics is null ? "prometheus: none" : $"prometheus: {Metrics} ({string.Join(", ", MetricsFound)})";
        foreach (var n in Notes) yield return "note:       " + n;
    }

    private static IEnumerable<string> PprofPrefixes(Uri baseUrl)
    {
        string own = baseUrl.AbsolutePath.TrimEnd('/');
        if (own.EndsWith("/debug/pprof", StringComparison.Ordinal)) own = own[..^"/debug/pprof".Length];
        if (own.Length > 0) yield return own;
        foreach (var p in CommonPrefixes) yield return p;
    }

    private static Uri Absolute(Uri root, string path)
    {
        if (Uri.TryCreate(path, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https")
            return abs.AbsolutePath.EndsWith('/') ? abs : new Uri(abs + "/");
        if (!path.StartsWith('/')) path = "/" + path;
        if (!path.EndsWith('/')) path += "/";
        return new Uri(root, path);
    }

    private static string PrefixOf(Uri pprofIndex)
    {
        string p = pprofIndex.AbsolutePath.TrimEnd('/');
        return p.EndsWith("/debug/pprof", StringComparison.Ordinal) ? p[..^"/debug/pprof".Length] : "";
    }

    /// <summary>Null when <paramref name="index"/> is a pprof index (or at least serves heap profiles); else why not.</summary>
    private static async Task<string?> ProbePprofAsync(Uri index, ServiceClient client, CancellationToken ct)
    {
        var r = await client.GetOnceAsync(index, ProbeTimeout, ct).ConfigureAwait(false);
        if (r.Ok)
        {
            // net/http/pprof's index links every profile as "heap?debug=1"; a catch-all page does not.
            string html = Encoding.UTF8.GetString(r.Body!);
            if (html.Contains("heap?debug=1", StringComparison.Ordinal) && html.Contains("goroutine?debug=1", StringComparison.Ordinal))
                return null;
        }
        // Some routers mount only the profiles, not the index.
        var heap = await client.GetOnceAsync(new Uri(index, "heap?debug=1"), ProbeTimeout, ct).ConfigureAwait(false);
        if (heap.Ok && heap.Body!.AsSpan().StartsWith("heap profile:"u8)) return null;
        return r.Ok ? "the page does not list heap and goroutine profiles" : r.Error;
    }
}
