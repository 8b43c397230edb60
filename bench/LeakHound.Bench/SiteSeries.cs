using System.Globalization;
using System.Text.RegularExpressions;
using LeakHound.Analysis.Trends;
using LeakHound.Hunt.Store;

namespace LeakHound.Bench;

/// <summary>
/// <c>sites STORE REGEX</c>: for each heap site of a stored hunt's latest segment whose reporting
/// function matches REGEX, its in-use bytes and sampled objects per snapshot and how
/// <see cref="TrendClassifier"/> judges it with the analyzer's noise floor. For studying why a site
/// was (or was not) a suspect.
/// </summary>
internal static class SiteSeries
{
    public static void Run(string store, string pattern)
    {
        using var s = SnapshotStore.Open(store, readOnly: true);
        var snaps = s.ReadSnapshots(includeGaps: false).ToList();
        int seg = snaps[^1].Segment;
        snaps = snaps.Where(x => x.Segment == seg && x.Heap is not null).ToList();
        var heap = new HeapSiteTable(snaps.Count);
        heap.AddRange(0, snaps.Select(x => x.Heap!).ToArray());
        var o = new LeakAnalyzerOptions();
        double[] x = snaps.Select(v => (v.Time - snaps[0].Time).TotalMinutes).ToArray();
        double period = heap.Period.Max();
        var re = new Regex(pattern);
        var ic = CultureInfo.InvariantCulture;
        for (int site = 0; site < heap.SiteCount; site++)
        {
            if (!re.IsMatch(heap.Function(site))) continue;
            var y = new double[heap.Snapshots];
            heap.CopyInuseSpace(site, y);
            double sum = 0, samples = 0, most = 0;
            for (int t = 0; t < y.Length; t++)
            {
                sum += y[t];
                samples += heap.SampledObjects(site, t);
                most = Math.Max(most, heap.SampledObjects(site, t));
            }
            double perSample = samples > 0 ? sum / samples : period;
            double floor = Math.Max(period, o.SamplingNoiseZ * perSample * Math.Sqrt(Math.Max(1, most)));
            var fit = TrendClassifier.Classify(x, y, floor, o, perSample);
            Console.WriteLine($"{heap.Function(site)} {heap.File(site)}:{heap.Line(site)}  [{string.Join(" < ", heap.Stack(site).Take(6))}]");
            Console.WriteLine($"  inuse kB: {string.Join(' ', y.Select(v => (v / 1024).ToString("F0", ic)))}");
            Console.WriteLine($"  sampled : {string.Join(' ', Enumerable.Range(0, y.Length).Select(t => heap.SampledObjects(site, t).ToString("F1", ic)))}");
            Console.WriteLine($"  {fit.Kind} conf={fit.Confidence:F2} p={fit.PValue:F3} E={fit.Effect:F2} noise={fit.Noise / 1024:F0}kB floor={floor / 1024:F0}kB change={fit.Change / 1024:F0}kB");
        }
    }
}
