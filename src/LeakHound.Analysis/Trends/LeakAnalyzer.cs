using System.Globalization;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// Decides from a series of snapshots of one service whether it leaks, and ranks what grows.
/// The method (sites, fits, classification, confidence, verdict) is in docs/hunt-analysis.md; in short:
/// <list type="bullet">
/// <item>Heap profiles of the latest segment (since the last restart) become one series per
/// allocation site (<see cref="HeapSiteTable"/>), goroutine dumps one per stack group
/// (<see cref="GoroutineGroupTable"/>); each is classified by <see cref="TrendClassifier"/>, with a
/// heap site's noise taken from the number of objects the runtime actually sampled. A Flat site
/// that allocated ≥ <c>ChurnFactor</c> × its in-use size meanwhile is Churn.</item>
/// <item>Suspects are the Growth sites and groups with confidence ≥ <c>SuspectMinConfidence</c>,
/// ranked: those with confidence ≥ <c>LeakConfidence</c> first, then by growth per minute as a
/// share of the current total of their kind (heap bytes or goroutines), then by confidence.</item>
/// <item>Global series (<see cref="MetricNames.HeapInuseBytes"/>, <see cref="MetricNames.RssBytes"/>,
/// <see cref="MetricNames.Goroutines"/>, the keys of <see cref="HuntResult.Series"/> and
/// <see cref="HuntResult.GlobalTrends"/>) cover every snapshot and are classified over the latest segment.</item>
/// <item>Verdict: Inconclusive with fewer than <c>MinSnapshots</c> snapshots in the latest segment.
/// Leak when a suspect has confidence ≥ <c>LeakConfidence</c> and the global series of its kind (heap
/// in use for a heap site, the goroutine count for a group) is Growth or Plateau. Otherwise
/// Inconclusive when signals conflict: the heap (or goroutine count) grows with confidence ≥
/// <c>LeakConfidence</c> but no suspect of that kind is sure enough, or a sure suspect grew by more
/// than its global series' noise while that series did not grow. NoLeak in every other case.</item>
/// </list>
/// </summary>
public static class LeakAnalyzer
{
    private const string HeapKey = MetricNames.HeapInuseBytes;
    private const string RssKey = MetricNames.RssBytes;
    private const string GoroutinesKey = MetricNames.Goroutines;

    /// <summary>A site or group with its classification, before it becomes a <see cref="Suspect"/>.</summary>
    private sealed record Item(
        string Kind, int Index, TrendKind Trend, TrendFit Fit, double Current, double AllocPerMinute, double Share);

    public static HuntResult Analyze(IReadOnlyList<Snapshot> snapshots, LeakAnalyzerOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var snaps = snapshots.OrderBy(s => s.Time).ToArray(); // stable: equal times keep their order
        if (snaps.Length == 0)
            return new HuntResult(Verdict.Inconclusive, $"no snapshots were taken; at least {options.MinSnapshots} are needed",
                0, 0, [], new Dictionary<string, IReadOnlyList<SeriesPoint>>(), [], new Dictionary<string, TrendKind>());

        var t0 = snaps[0].Time;
        double Minutes(Snapshot s) => (s.Time - t0).TotalMinutes;
        var restarts = new List<double>();
        int latestStart = 0;
        for (int i = 1; i < snaps.Length; i++)
        {
            if (snaps[i].Segment == snaps[i - 1].Segment) continue;
            restarts.Add(UnixSeconds(snaps[i].Time));
            latestStart = i;
        }
        var latest = snaps.AsSpan(latestStart).ToArray();
        double duration = (snaps[^1].Time - t0).TotalSeconds;

        // Per-site trends, latest segment only (a restart empties the heap). Built before the
        // global series, which reuse the profiles' totals instead of parsing them again.
        bool enough = latest.Length >= options.MinSnapshots;
        var heapSnaps = enough ? latest.Where(HasHeapProfile).ToArray() : [];
        var heap = new HeapSiteTable(heapSnaps.Length);
        heap.AddRange(0, heapSnaps.Select(s => s.Heap!).ToArray());

        // Global series over the whole hunt, classified over the latest segment.
        var series = new Dictionary<string, IReadOnlyList<SeriesPoint>>(StringComparer.Ordinal);
        var globalFits = new Dictionary<string, TrendFit>(StringComparer.Ordinal);
        AddGlobal(HeapKey, snaps, latestStart, HeapValue(snaps), options.HeapNoiseFloorBytes);
        AddGlobal(RssKey, snaps, latestStart, s => s.Metrics.TryGetValue(MetricNames.RssBytes, out double v) ? v : null, options.HeapNoiseFloorBytes);
        AddGlobal(GoroutinesKey, snaps, latestStart, GoroutineValue(snaps), options.GoroutineNoiseFloor);
        var globalTrends = globalFits.ToDictionary(kv => kv.Key, kv => kv.Value.Kind, StringComparer.Ordinal);

        HuntResult Result(Verdict v, string reason, IReadOnlyList<Suspect> suspects) =>
            new(v, reason, snaps.Length, duration, suspects, series, restarts, globalTrends);

        if (!enough)
        {
            string since = restarts.Count > 0 ? $" since the restart at {latest[0].Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z" : "";
            return Result(Verdict.Inconclusive,
                $"only {latest.Length} snapshot{(latest.Length == 1 ? "" : "s")}{since}; at least {options.MinSnapshots} are needed " +
                $"(take {options.MinSnapshots - latest.Length} more)", []);
        }

        double[] heapX = heapSnaps.Select(Minutes).ToArray();
        var heapItems = ClassifyHeapSites(heap, heapX, options);

        // Per-group trends, latest segment only.
        var gSnaps = latest.Where(s => s.Goroutines is not null).ToArray();
        var groups = new GoroutineGroupTable(gSnaps.Length);
        for (int t = 0; t < gSnaps.Length; t++) groups.Add(t, gSnaps[t].Goroutines!);
        double[] gX = gSnaps.Select(Minutes).ToArray();
        var groupItems = ClassifyGroups(groups, gX, options);

        // Every candidate counts for the verdict; MaxSuspects only limits what is returned.
        var ranked = heapItems.Concat(groupItems)
            .Where(i => i.Trend == TrendKind.Growth && i.Fit.Confidence >= options.SuspectMinConfidence)
            .OrderByDescending(i => i.Fit.Confidence >= options.LeakConfidence)
            .ThenByDescending(i => i.Share)
            .ThenByDescending(i => i.Fit.Confidence)
            .ToList();
        var suspects = new List<Suspect>(Math.Min(ranked.Count, options.MaxSuspects));
        for (int r = 0; r < ranked.Count && r < options.MaxSuspects; r++)
            suspects.Add(ranked[r].Kind == "heap"
                ? ToSuspect(r + 1, ranked[r], heap, heapSnaps)
                : ToSuspect(r + 1, ranked[r], groups, gSnaps));

        var (verdict, reason) = Decide(ranked, heapItems, groupItems, heap, groups, globalFits, options);
        return Result(verdict, reason, suspects);

        void AddGlobal(string key, Snapshot[] all, int segmentStart, Func<Snapshot, double?> value, double floor)
        {
            var points = new List<SeriesPoint>();
            var x = new List<double>();
            var y = new List<double>();
            for (int i = 0; i < all.Length; i++)
            {
                // A metric that did not parse to a finite number is as good as missing.
                if (value(all[i]) is not double v || !double.IsFinite(v)) continue;
                points.Add(new SeriesPoint(UnixSeconds(all[i].Time), v));
                if (i >= segmentStart)
                {
                    x.Add(Minutes(all[i]));
                    y.Add(v);
                }
            }
            if (points.Count == 0) return;
            series[key] = points;
            globalFits[key] = TrendClassifier.Classify(x.ToArray(), y.ToArray(), floor, options);
        }
    }

    /// <summary>The heap in use: the runtime's HeapInuse when any snapshot has it (never mixed with profile sums), else the heap profile's inuse_space total.</summary>
    private static Func<Snapshot, double?> HeapValue(Snapshot[] snaps)
    {
        if (snaps.Any(s => s.Metrics.ContainsKey(MetricNames.HeapInuseBytes)))
            return s => s.Metrics.TryGetValue(MetricNames.HeapInuseBytes, out double v) ? v : null;
        // Profiles not summed yet (parsed ones, and stored ones of earlier segments) are summed
        // here, in parallel; those the site table reads are summed there.
        var pending = snaps.Where(s => HasHeapProfile(s) && double.IsNaN(s.Heap!.InuseTotal)).Select(s => s.Heap!).ToArray();
        Parallel.ForEach(pending, h => h.InuseTotal = InuseTotal(h.Load()));
        return s => HasHeapProfile(s) ? s.Heap!.InuseTotal : null;
    }

    /// <summary>A heap profile held in memory that has the heap sample types, or one to be parsed (checked then).</summary>
    private static bool HasHeapProfile(Snapshot s) =>
        s.Heap is { } h && (!h.IsParsed || HeapSiteTable.IsHeapProfile(h.Load()));

    private static Func<Snapshot, double?> GoroutineValue(Snapshot[] snaps)
    {
        if (snaps.Any(s => s.Metrics.ContainsKey(MetricNames.Goroutines)))
            return s => s.Metrics.TryGetValue(MetricNames.Goroutines, out double v) ? v : null;
        return s => s.Goroutines?.TotalGoroutines;
    }

    private static double InuseTotal(Profile p)
    {
        int i = Array.FindIndex(p.SampleTypes, t => t.Type == "inuse_space");
        double total = 0;
        for (int s = 0; s < p.SampleCount; s++) total += p.Values[s * p.ValueCount + i];
        return total;
    }

    private static List<Item> ClassifyHeapSites(HeapSiteTable heap, double[] x, LeakAnalyzerOptions o)
    {
        int n = heap.Snapshots;
        var items = new List<Item>();
        if (n == 0) return items;
        double period = OrderStatistics.Median(heap.Period);
        double total = heap.TotalInuseSpace[n - 1];
        double span = x[^1] - x[0];

        // A cheap pass over every site, snapshot by snapshot (rows are contiguous): those whose
        // in-use bytes never left their noise band are Flat (or Churn) without fitting; the others
        // are fitted, the largest movers first.
        int sites = heap.SiteCount;
        var min = new double[sites];
        var max = new double[sites];
        var sum = new double[sites];
        var samples = new double[sites];
        var mostSamples = new double[sites];
        Array.Fill(min, double.MaxValue);
        Array.Fill(max, double.MinValue);
        for (int t = 0; t < n; t++)
        {
            var row = heap.InuseSpaceRow(t);
            var sampledRow = heap.SampledObjectsRow(t);
            for (int site = 0; site < row.Length; site++)
            {
                double v = row[site];
                if (v < min[site]) min[site] = v;
                if (v > max[site]) max[site] = v;
                sum[site] += v;
                samples[site] += sampledRow[site];
                if (sampledRow[site] > mostSamples[site]) mostSamples[site] = sampledRow[site];
            }
        }
        // Rows only grow, so a site is absent (0) somewhere exactly when the first row lacks it.
        for (int site = heap.InuseSpaceRow(0).Length; site < sites; site++)
        {
            min[site] = Math.Min(min[site], 0);
            max[site] = Math.Max(max[site], 0);
        }

        var floors = new double[sites];
        var perSampleOf = new double[sites];
        var movers = new List<(int Site, double Range)>();
        for (int site = 0; site < sites; site++)
        {
            // One sampled object stands for w = sum / samples bytes; the count of sampled objects
            // is Poisson-like, so its noise is √k objects, taken at the largest count of any
            // snapshot (the level the series reaches bounds the noise anywhere in the window):
            // SamplingNoiseZ·w·√k_max bytes.
            double perSample = samples[site] > 0 ? sum[site] / samples[site] : period;
            perSampleOf[site] = perSample;
            double sampling = o.SamplingNoiseZ * perSample * Math.Sqrt(Math.Max(1, mostSamples[site]));
            floors[site] = Math.Max(period, sampling);
            double band = Math.Max(floors[site], o.RelativeNoise * Math.Max(Math.Abs(min[site]), Math.Abs(max[site])));
            if (max[site] - min[site] >= band)
            {
                movers.Add((site, max[site] - min[site]));
                continue;
            }
            double current = heap.InuseSpace(site, n - 1);
            var fit = new TrendFit(TrendKind.Flat, 0, 0, 0, band, 0, 1, 0, n, 0, current, 0);
            items.Add(WithChurn(site, fit, sum[site] / n, current));
        }

        movers.Sort((a, b) => b.Range.CompareTo(a.Range));
        // Fits are independent (O(n²) each): spread over the cores.
        int fitted = Math.Min(movers.Count, o.MaxFittedSites);
        var fits = new TrendFit[fitted];
        Parallel.For(0, fitted, () => new double[n], (i, _, y) =>
        {
            int site = movers[i].Site;
            heap.CopyInuseSpace(site, y);
            fits[i] = TrendClassifier.Classify(x, y, floors[site], o, perSampleOf[site]);
            return y;
        }, _ => { });
        // A profile has hundreds of sites, and over a short window a few bounded ones wander by
        // three or four standard deviations of counting noise by chance (a cache that replaces
        // itself several times over the hunt). So the counting tests are corrected together, as
        // many tests as the profile has sites (Benjamini–Hochberg at Significance; sites not
        // fitted count as p = 1), and a Growth whose test falls above the cut-off is judged again
        // with it: it may still be Growth that started late, or a Plateau, or Flat.
        double cutoff = BenjaminiHochberg.Cutoff(fits.Where(f => f.Kind == TrendKind.Growth).Select(f => f.CountP).ToArray(), sites, o.Significance);
        var y1 = new double[n];
        for (int i = 0; i < fitted; i++)
        {
            if (fits[i].Kind != TrendKind.Growth || fits[i].CountP <= cutoff) continue;
            int site = movers[i].Site;
            heap.CopyInuseSpace(site, y1);
            fits[i] = TrendClassifier.Classify(x, y1, floors[site], o, perSampleOf[site], cutoff);
        }
        for (int i = 0; i < movers.Count; i++)
        {
            int site = movers[i].Site;
            double current = heap.InuseSpace(site, n - 1);
            var fit = i < fitted
                ? fits[i]
                : new TrendFit(TrendKind.Flat, 0, 0, 0, floors[site], 0, 1, 0, n, 0, current, 0); // not fitted: see MaxFittedSites
            items.Add(WithChurn(site, fit, sum[site] / n, current));
        }
        return items;

        Item WithChurn(int site, TrendFit fit, double meanInuse, double current)
        {
            double allocated = heap.AllocatedFirstToLast(site);
            double perMinute = span > 0 ? allocated / span : 0;
            var trend = fit.Kind;
            if (trend == TrendKind.Flat && allocated > 0 && allocated >= o.ChurnFactor * Math.Max(meanInuse, fit.Noise))
                trend = TrendKind.Churn;
            double share = total > 0 ? fit.SlopePerMinute / total : 0;
            return new Item("heap", site, trend, fit, current, perMinute, share);
        }
    }

    private static List<Item> ClassifyGroups(GoroutineGroupTable groups, double[] x, LeakAnalyzerOptions o)
    {
        int n = groups.Snapshots;
        var items = new List<Item>();
        if (n == 0) return items;
        double total = groups.Totals[n - 1];
        for (int g = 0; g < groups.GroupCount; g++)
        {
            var counts = groups.Counts(g);
            double min = double.MaxValue, max = double.MinValue;
            foreach (double v in counts)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            double band = Math.Max(o.GoroutineNoiseFloor, o.RelativeNoise * max);
            var fit = max - min >= band
                ? TrendClassifier.Classify(x, counts, o.GoroutineNoiseFloor, o)
                : new TrendFit(TrendKind.Flat, 0, 0, 0, band, 0, 1, 0, n, 0, counts[^1], 0);
            items.Add(new Item("goroutines", g, fit.Kind, fit, counts[^1], 0, total > 0 ? fit.SlopePerMinute / total : 0));
        }
        return items;
    }

    private static Suspect ToSuspect(int rank, Item i, HeapSiteTable heap, Snapshot[] snaps)
    {
        var points = new SeriesPoint[heap.Snapshots];
        for (int t = 0; t < points.Length; t++) points[t] = new SeriesPoint(UnixSeconds(snaps[t].Time), heap.InuseSpace(i.Index, t));
        return new Suspect(rank, "heap", heap.Function(i.Index), heap.File(i.Index), heap.Line(i.Index), heap.Stack(i.Index),
            "inuse_space", "bytes", i.Fit.SlopePerMinute, i.Current, i.Fit.Confidence, i.Trend, points);
    }

    private static Suspect ToSuspect(int rank, Item i, GoroutineGroupTable groups, Snapshot[] snaps)
    {
        var counts = groups.Counts(i.Index);
        var points = new SeriesPoint[counts.Length];
        for (int t = 0; t < counts.Length; t++) points[t] = new SeriesPoint(UnixSeconds(snaps[t].Time), counts[t]);
        return new Suspect(rank, "goroutines", groups.Function(i.Index), groups.File(i.Index), groups.Line(i.Index), groups.Stack(i.Index),
            "goroutines", "goroutines", i.Fit.SlopePerMinute, i.Current, i.Fit.Confidence, i.Trend, points);
    }

    private static (Verdict, string) Decide(
        List<Item> ranked, List<Item> heapItems, List<Item> groupItems,
        HeapSiteTable heap, GoroutineGroupTable groups, Dictionary<string, TrendFit> global, LeakAnalyzerOptions o)
    {
        string GlobalKey(Item i) => i.Kind == "heap" ? HeapKey : GoroutinesKey;
        bool Rising(string key) => global.TryGetValue(key, out var f) && f.Kind is TrendKind.Growth or TrendKind.Plateau;
        string Name(Item i) => i.Kind == "heap"
            ? Where(heap.Function(i.Index), heap.File(i.Index), heap.Line(i.Index))
            : Where(groups.Function(i.Index), groups.File(i.Index), groups.Line(i.Index));
        string Amount(Item i, double v) => i.Kind == "heap" ? Bytes(v) : Count(v);

        // Leak: a sure suspect whose kind's global series rises with it.
        int leakAt = ranked.FindIndex(i => i.Fit.Confidence >= o.LeakConfidence && Rising(GlobalKey(i)));
        if (leakAt >= 0)
        {
            var top = ranked[leakAt];
            string what = top.Kind == "heap"
                ? $"{Name(top)} holds {Bytes(top.Current)} of heap and grows {Rate(top.Fit.SlopePerMinute, Bytes)}"
                : $"{Count(top.Current)} goroutines{StateText(groups.State(top.Index))} in {Name(top)}, {Rate(top.Fit.SlopePerMinute, Count)}";
            var g = global[GlobalKey(top)];
            string globalText = top.Kind == "heap"
                ? $"the heap in use {Describe(g, Bytes)}"
                : $"the goroutine count {Describe(g, Count)}";
            int others = ranked.Count(i => i.Fit.Confidence >= o.LeakConfidence) - 1;
            string more = others > 0 ? $"; {others} more suspect{(others == 1 ? "" : "s")} with confidence ≥ {Fixed2(o.LeakConfidence)}" : "";
            return (Verdict.Leak, $"leak: {what} (confidence {Fixed2(top.Fit.Confidence)}); {globalText}{more}");
        }

        var conflicts = new List<string>();
        // A sure suspect that grew by more than its global series' noise, while that series did not grow.
        foreach (var i in ranked.Where(i => i.Fit.Confidence >= o.LeakConfidence))
        {
            if (!global.TryGetValue(GlobalKey(i), out var g) || i.Fit.Change < g.Noise) continue;
            string series = i.Kind == "heap" ? "the heap in use" : "the goroutine count";
            conflicts.Add($"{Name(i)} grew by {Amount(i, i.Fit.Change)} (confidence {Fixed2(i.Fit.Confidence)}) but {series} {Describe(g, i.Kind == "heap" ? Bytes : Count)}");
        }
        // A surely growing global series that no sure suspect of its kind explains. (A global
        // series that only may grow is reported with NoLeak: HeapInuse jumps with GC timing.)
        foreach (var (key, kind, label, format) in new (string, string, string, Func<double, string>)[]
            { (HeapKey, "heap", "the heap in use", Bytes), (GoroutinesKey, "goroutines", "the goroutine count", Count) })
        {
            if (!global.TryGetValue(key, out var g) || g.Kind != TrendKind.Growth || g.Confidence < o.LeakConfidence) continue;
            var best = ranked.FirstOrDefault(i => i.Kind == kind);
            bool haveSource = kind == "heap" ? heapItems.Count > 0 || heap.Snapshots > 0 : groups.Snapshots > 0;
            if (!haveSource)
                conflicts.Add($"{label} grows {Rate(g.SlopePerMinute, format)} but there are no {(kind == "heap" ? "heap profiles" : "goroutine dumps")} to tell what grows");
            else if (best is null)
                conflicts.Add($"{label} grows {Rate(g.SlopePerMinute, format)} (confidence {Fixed2(g.Confidence)}) but no " +
                    (kind == "heap" ? "allocation site grows with it (the growth may be outside the heap profile, e.g. goroutine stacks or off-heap memory, or spread thinly over many sites)" : "goroutine group grows with it"));
            else
                conflicts.Add($"{label} grows {Rate(g.SlopePerMinute, format)} and {Name(best)} grows {Rate(best.Fit.SlopePerMinute, kind == "heap" ? Bytes : Count)}, " +
                    $"but only with confidence {Fixed2(best.Fit.Confidence)} (a leak needs {Fixed2(o.LeakConfidence)}): take more snapshots");
        }
        if (conflicts.Count > 0) return (Verdict.Inconclusive, "inconclusive: " + string.Join("; ", conflicts));

        var parts = new List<string>();
        if (global.TryGetValue(HeapKey, out var h)) parts.Add($"the heap in use {Describe(h, Bytes, weak: true)}");
        if (global.TryGetValue(GoroutinesKey, out var gr)) parts.Add($"the goroutine count {Describe(gr, Count, weak: true)}");
        if (parts.Count == 0) parts.Add("no heap or goroutine data");
        var notes = new List<string>();
        // Notes name the user's own sites first.
        bool User(Item i) => GoPackages.IsUser(i.Kind == "heap" ? heap.Function(i.Index) : groups.Function(i.Index));
        Item? Largest(IEnumerable<Item> items, Func<Item, double> by) => items.Where(User).MaxBy(by) ?? items.MaxBy(by);
        var plateau = Largest(heapItems.Where(i => i.Trend == TrendKind.Plateau), i => i.Fit.Level);
        if (plateau is not null) notes.Add($"the largest site that grew, {Name(plateau)}, levelled off at {Bytes(plateau.Fit.Level)}");
        var groupPlateau = Largest(groupItems.Where(i => i.Trend == TrendKind.Plateau), i => i.Fit.Level);
        if (groupPlateau is not null) notes.Add($"the goroutines in {Name(groupPlateau)} levelled off at {Count(groupPlateau.Fit.Level)}");
        // Only the user's own churn: the runtime's and the standard library's (the profile handler
        // compressing the very profiles of the hunt) is no news.
        var churn = heapItems.Where(i => i.Trend == TrendKind.Churn).Where(User).MaxBy(i => i.AllocPerMinute);
        if (churn is not null) notes.Add($"{Name(churn)} allocates {Rate(churn.AllocPerMinute, Bytes)} but keeps only {Bytes(churn.Current)}");
        foreach (var i in ranked.Take(3))
        {
            if (i.Fit.Confidence >= o.LeakConfidence)
                notes.Add($"{Name(i)} grows steadily but only by {Amount(i, i.Fit.Change)}, within the noise of the {(i.Kind == "heap" ? "heap" : "goroutine count")}: hunt longer if it matters");
            else
                notes.Add($"{Name(i)} may grow ({Rate(i.Fit.SlopePerMinute, i.Kind == "heap" ? Bytes : Count)}, confidence {Fixed2(i.Fit.Confidence)})");
        }
        if (global.TryGetValue(RssKey, out var rss) && rss.Kind == TrendKind.Growth && !(global.TryGetValue(HeapKey, out var hh) && hh.Kind == TrendKind.Growth))
            notes.Add($"RSS grows {Rate(rss.SlopePerMinute, Bytes)} while the heap does not: look at off-heap memory (cgo, mmap) or memory the runtime keeps");
        return (Verdict.NoLeak, "no leak: " + string.Join(", ", parts) + (notes.Count > 0 ? "; " + string.Join("; ", notes) : ""));
    }

    /// <param name="weak">Growth is said to be only possible ("may grow … confidence c"): used where no conflict was found, so the growth is not sure.</param>
    private static string Describe(TrendFit f, Func<double, string> format, bool weak = false) => f.Kind switch
    {
        TrendKind.Growth when weak => $"may grow ({Rate(f.SlopePerMinute, format)}, confidence {Fixed2(f.Confidence)})",
        TrendKind.Growth => $"grows {Rate(f.SlopePerMinute, format)}",
        TrendKind.Plateau => $"levelled off at {format(f.Level)}",
        TrendKind.Decline => $"declines {Rate(f.SlopePerMinute, format)}",
        _ => $"is flat at {format(f.Level)}",
    };

    private static string Fixed2(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static string StateText(string state) => state.Length > 0 ? $" in {state}" : "";

    private static string Where(string function, string file, int line)
    {
        if (file.Length == 0) return function;
        int slash = file.LastIndexOf('/');
        string shortFile = slash >= 0 ? "…/" + file[(slash + 1)..] : file;
        return line > 0 ? $"{function} ({shortFile}:{line.ToString(CultureInfo.InvariantCulture)})" : $"{function} ({shortFile})";
    }

    private static string Bytes(double v)
    {
        string s = Measurement.Label((long)Math.Round(v), "bytes");
        return s == "0" ? "0B" : s;
    }

    /// <summary>A count: whole numbers as such, small fractional ones (rates) with one decimal.</summary>
    private static string Count(double v) =>
        v.ToString(Math.Abs(v) >= 10 || v == Math.Round(v) ? "0" : "0.#", CultureInfo.InvariantCulture);

    private static string Rate(double perMinute, Func<double, string> format) =>
        (perMinute >= 0 ? "+" : "") + format(perMinute) + "/min";

    private static double UnixSeconds(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;
}
