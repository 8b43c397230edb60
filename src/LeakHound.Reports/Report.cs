using LeakHound.Analysis.Graph;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Reports;

/// <summary>
/// A profile prepared for reporting: the chosen sample value, the total it is measured against,
/// its unit, and how values are printed. pprof's report.Report.
/// </summary>
public sealed class Report
{
    private Report(Profile profile, ReportOptions options, int valueIndex, int meanIndex, string sampleType, string sampleUnit, long total)
    {
        Profile = profile;
        Options = options;
        ValueIndex = valueIndex;
        MeanIndex = meanIndex;
        SampleType = sampleType;
        SampleUnit = sampleUnit;
        Total = total;
        OutputUnit = options.Unit;
    }

    public Profile Profile { get; }
    public ReportOptions Options { get; }
    public int ValueIndex { get; }
    public int MeanIndex { get; }
    public string SampleType { get; }
    public string SampleUnit { get; }
    /// <summary>The sum of |value| over all samples (over the diff base's samples, when there is one).</summary>
    public long Total { get; }
    /// <summary>The unit values are printed in; "minimum" until <see cref="SelectOutputUnit"/> picks one.</summary>
    public string OutputUnit { get; private set; }

    public static Report Create(Profile p, ReportOptions o)
    {
        if (p.SampleTypes.Length == 0) throw new UsageException("profile has no samples");
        if (o.DivideBy == 0) throw new UsageException("zero divisor specified");
        int index = p.SampleIndexByName(o.SampleIndex);
        int meanIndex = o.Mean ? 0 : -1;
        var st = p.SampleTypes[index];
        string type = o.Mean ? "mean_" + st.Type : st.Type;
        return new Report(p, o, index, meanIndex, type, st.Unit, ComputeTotal(p, index, meanIndex));
    }

    /// <summary>
    /// The same report over a filtered profile: the total stays the unfiltered one, as pprof takes
    /// it before filtering (unless -relative_percentages, which filters first).
    /// </summary>
    public Report WithProfile(Profile filtered) =>
        new(filtered, Options, ValueIndex, MeanIndex, SampleType, SampleUnit, Total);

    private static long ComputeTotal(Profile p, int index, int meanIndex)
    {
        long div = 0, total = 0, diffDiv = 0, diffTotal = 0;
        int baseKey = Array.IndexOf(p.Strings, "pprof::base");
        int trueValue = Array.IndexOf(p.Strings, "true");
        int nv = p.ValueCount;
        for (int s = 0; s < p.SampleCount; s++)
        {
            long v = p.Values[(long)s * nv + index];
            long d = meanIndex >= 0 ? p.Values[(long)s * nv + meanIndex] : 0;
            if (v < 0) v = -v;
            total += v;
            div += d;
            if (baseKey > 0 && trueValue > 0 && HasLabel(p, s, baseKey, trueValue))
            {
                diffTotal += v;
                diffDiv += d;
            }
        }
        if (diffTotal > 0)
        {
            total = diffTotal;
            div = diffDiv;
        }
        return div != 0 ? total / div : total;
    }

    private static bool HasLabel(Profile p, int sample, int key, int value)
    {
        foreach (var l in p.SampleLabels(sample))
            if (l.Key == key && l.Str == value) return true;
        return false;
    }

    /// <summary>Graph options for this report's sample value and trimming settings.</summary>
    public GraphOptions GraphOptions(EdgeScope edges) => new()
    {
        ValueIndex = ValueIndex,
        MeanIndex = MeanIndex,
        DropNegative = Options.DropNegative,
        NodeFraction = Options.NodeFraction,
        EdgeFraction = Options.EdgeFraction,
        NodeCount = Options.NodeCount,
        CumSort = Options.CumSort,
        Edges = edges,
    };

    /// <summary>A value scaled by -divide_by and printed in the output unit, as pprof's formatValue.</summary>
    public string FormatValue(long v)
    {
        double r = 1 / Options.DivideBy;
        if (r > 0 && r != 1) v = (long)(v * r);
        return Measurement.ScaledLabel(v, SampleUnit, OutputUnit);
    }

    /// <summary>
    /// With unit "minimum", picks the unit of the smallest non-zero node value, or a larger one when
    /// that keeps it at 0.01 or more and the largest value is over 100 times the smallest.
    /// </summary>
    public void SelectOutputUnit(TrimmedGraph g, bool integersOnly = false)
    {
        if (Options.Unit != "minimum" || g.Order.Length == 0) return;
        long minValue = 0;
        foreach (int n in g.Order)
        {
            long nodeMin = Math.Abs(g.Values.FlatValue(n));
            if (nodeMin == 0) nodeMin = Math.Abs(g.Values.CumValue(n));
            if (nodeMin > 0 && (minValue == 0 || nodeMin < minValue)) minValue = nodeMin;
        }
        long maxValue = Total;
        if (minValue == 0) minValue = maxValue;
        double r = 1 / Options.DivideBy;
        if (r > 0 && r != 1)
        {
            minValue = (long)(minValue * r);
            maxValue = (long)(maxValue * r);
        }
        var (_, minUnit) = Measurement.Scale(minValue, SampleUnit, "minimum");
        var (_, maxUnit) = Measurement.Scale(maxValue, SampleUnit, "minimum");
        string unit = minUnit;
        if (minUnit != maxUnit && minValue * 100 < maxValue && !integersOnly)
            (_, unit) = Measurement.Scale(100 * minValue, SampleUnit, "minimum");
        OutputUnit = unit.Length != 0 ? unit : SampleUnit;
    }

    /// <summary>The profile's own header lines: File, Build ID, comments, Type, Time, Duration.</summary>
    public List<string> ProfileLabels()
    {
        var label = new List<string>();
        var p = Profile;
        if (p.Mappings.Length > 0)
        {
            if (p.Mappings[0].File.Length != 0) label.Add("File: " + GoPath.Base(p.Mappings[0].File));
            if (p.Mappings[0].BuildId.Length != 0) label.Add("Build ID: " + p.Mappings[0].BuildId);
        }
        foreach (var c in p.Comments)
            if (!c.StartsWith('#')) label.Add(c);
        if (SampleType.Length != 0) label.Add("Type: " + SampleType);
        if (p.TimeNanos != 0) label.Add("Time: " + GoTime.ReportHeader(p.TimeNanos));
        if (p.DurationNanos != 0)
        {
            string duration = Measurement.Label(p.DurationNanos, "nanoseconds");
            var (totalNanos, totalUnit) = Measurement.Scale(Total, SampleUnit, "nanoseconds");
            string ratio = "";
            if (totalUnit == "ns" && totalNanos != 0)
                ratio = "(" + Measurement.Percentage((long)totalNanos, p.DurationNanos) + ")";
            label.Add($"Duration: {duration}, Total samples = {FormatValue(Total)} {ratio}");
        }
        return label;
    }

    /// <summary>pprof's reportLabels: the profile labels, then what the graph shows and what it dropped.</summary>
    public List<string> ReportLabels(TrimmedGraph g, int droppedEdges, IReadOnlyList<string> activeFilters, bool fullHeaders)
    {
        var label = fullHeaders || !Options.CompactLabels ? ProfileLabels() : [];
        long flatSum = 0;
        foreach (int n in g.Order) flatSum += g.Values.FlatValue(n);
        if (activeFilters.Count > 0)
        {
            label.Add("Active filters:");
            foreach (var f in activeFilters)
                label.Add("   " + (f.Length > 80 ? f[..80] + "…" : f));
        }
        label.Add($"Showing nodes accounting for {FormatValue(flatSum)}, {Measurement.Percentage(flatSum, Total).Trim()} of {FormatValue(Total)} total");
        if (Total != 0)
        {
            if (g.DroppedNodes > 0)
                label.Add(Dropped(g.DroppedNodes, "node", "cum", FormatValue(Math.Abs((long)(Total * Options.NodeFraction)))));
            if (droppedEdges > 0)
                label.Add(Dropped(droppedEdges, "edge", "freq", FormatValue(Math.Abs((long)(Total * Options.EdgeFraction)))));
            if (g.Order.Length > 0 && g.Order.Length < g.OriginalCount)
                label.Add($"Showing top {g.Order.Length} nodes out of {g.OriginalCount}");
        }
        if (fullHeaders) label.Add("\nSee https://git.io/JfYMW for how to read the graph");
        return label;
    }

    private static string Dropped(int d, string n, string l, string f) => $"Dropped {d} {n}{(d > 1 ? "s" : "")} ({l} <= {f})";
}
