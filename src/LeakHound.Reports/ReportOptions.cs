using LeakHound.Analysis.Graph;

namespace LeakHound.Reports;

/// <summary>
/// What a report shows and how: pprof's configuration, with its defaults. Option names follow
/// pprof's (-sample_index, -nodecount, …) so that users and tests can map one to the other.
/// </summary>
public sealed record ReportOptions
{
    /// <summary>Sample type by name or number; empty for the profile's default.</summary>
    public string SampleIndex { get; init; } = "";
    public bool Mean { get; init; }
    public double DivideBy { get; init; } = 1.0;
    /// <summary>"minimum" (pprof's default), "auto", or a unit such as "mb" or "ms".</summary>
    public string Unit { get; init; } = "minimum";
    /// <summary>-1 means the report's default (all nodes for top, 80 for graphs).</summary>
    public int NodeCount { get; init; } = -1;
    public double NodeFraction { get; init; } = 0.005;
    public double EdgeFraction { get; init; } = 0.001;
    public bool Trim { get; init; } = true;
    public bool CumSort { get; init; }
    public Granularity Granularity { get; init; } = Granularity.Functions;
    public bool NoInlines { get; init; }
    public bool DropNegative { get; init; }
    public bool CompactLabels { get; init; }
    /// <summary>pprof's -call_tree: a node per call path instead of per function. pprof honours it in DOT and callgrind output only.</summary>
    public bool CallTree { get; init; }
    /// <summary>pprof's -source_path: colon-separated folders where sources are searched (also trims recorded names, see <see cref="Source.SourcePaths.Trim"/>).</summary>
    public string SourcePath { get; init; } = "";
    /// <summary>pprof's -trim_path: colon-separated prefixes removed from recorded source names.</summary>
    public string TrimPath { get; init; } = "";
}

/// <summary>The reports, for the per-report option overrides pprof applies.</summary>
public enum ReportKind
{
    Top,
    Raw,
    Proto,
    Dot,
    Tree,
    Traces,
    Peek,
    List,
    Tags,
    TopProto,
    Callgrind,
}

public static class ReportOptionsOverrides
{
    /// <summary>
    /// pprof's applyCommandOverrides: a flat report shows every node unless a count is given,
    /// graphs default to 80; raw and proto output keep every address untrimmed; without trimming,
    /// no node or edge is dropped.
    /// </summary>
    public static ReportOptions For(this ReportOptions o, ReportKind kind)
    {
        bool trim = o.Trim;
        var granularity = o.Granularity;
        bool noInlines = o.NoInlines;
        int nodeCount = o.NodeCount;
        switch (kind)
        {
            case ReportKind.Peek:
                trim = false;
                break;
            case ReportKind.List:
                trim = false;
                granularity = Granularity.Lines;
                break;
            case ReportKind.Top or ReportKind.TopProto:
                if (nodeCount == -1) nodeCount = 0;
                break;
            default:
                if (nodeCount == -1) nodeCount = 80;
                break;
        }
        if (kind is ReportKind.Raw or ReportKind.Proto or ReportKind.Callgrind)
        {
            trim = false;
            granularity = Granularity.Addresses;
            noInlines = false;
        }
        var r = o with { Granularity = granularity, NoInlines = noInlines, NodeCount = nodeCount };
        if (!trim) r = r with { NodeCount = 0, NodeFraction = 0, EdgeFraction = 0 };
        return r;
    }
}
