using System.Text.RegularExpressions;
using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Text;

/// <summary>
/// pprof's tree report (-tree), and -peek RX which is the tree limited to the nodes whose name
/// matches: each node with its callers above and its callees below, edge weights and their share
/// of the node's cumulative value.
/// </summary>
public static class TreeReport
{
    private const string Separator = "----------------------------------------------------------+-------------";
    private const string Legend = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

    public static void Write(Report rpt, TextWriter w, IReadOnlyList<string> activeFilters, Regex? symbol = null)
    {
        var o = rpt.Options;
        var ln = LocationNodes.Build(rpt.Profile, o.Granularity, o.NoInlines, fileName: Source.SourcePaths.Trimmer(o.TrimPath, o.SourcePath));
        var g = TrimmedGraph.Build(rpt.Profile, ln, rpt.GraphOptions(EdgeScope.All));
        rpt.SelectOutputUnit(g);
        // pprof builds the report in a buffer and drops it on this error: nothing is written then.
        if (symbol is not null && !g.Order.Any(n => symbol.IsMatch(ln.Infos[n].PrintableName())))
            throw new UsageException($"no matches found for regexp: {symbol}");
        w.Write(string.Join('\n', rpt.ReportLabels(g, droppedEdges: 0, activeFilters, fullHeaders: false)));
        w.Write('\n');
        w.Write(Separator + "\n");
        w.Write(Legend + "\n");

        var (into, outOf) = EdgesByNode(g);
        var names = new Dictionary<int, string>();
        string Name(int n)
        {
            if (!names.TryGetValue(n, out var s)) names[n] = s = ln.Infos[n].PrintableName();
            return s;
        }

        long flatSum = 0;
        foreach (int n in g.Order)
        {
            string name = Name(n);
            if (symbol is not null && !symbol.IsMatch(name)) continue;
            long flat = g.Values.FlatValue(n), cum = g.Values.CumValue(n);
            w.Write(Separator + "\n");
            foreach (int e in Sorted(g.Edges!, into[n], Name))
                WriteEdge(w, rpt, g.Edges!, e, cum, Name(g.Edges!.Src(e)));
            flatSum += flat;
            w.Write($"{GoFormat.Pad(rpt.FormatValue(flat), 10)} {Measurement.Percentage(flat, rpt.Total)} {Measurement.Percentage(flatSum, rpt.Total)} {GoFormat.Pad(rpt.FormatValue(cum), 10)} {Measurement.Percentage(cum, rpt.Total)}                | {name}\n");
            foreach (int e in Sorted(g.Edges!, outOf[n], Name))
                WriteEdge(w, rpt, g.Edges!, e, cum, Name(g.Edges!.Dst(e)));
        }
        if (g.Order.Length > 0) w.Write(Separator + "\n");
    }

    private static void WriteEdge(TextWriter w, Report rpt, EdgeTable edges, int e, long cum, string name)
    {
        string inline = edges.Inline(e) ? " (inline)" : "";
        w.Write($"{GoFormat.Pad(rpt.FormatValue(edges.Weight(e)), 50)} {Measurement.Percentage(edges.Weight(e), cum)} |   {name}{inline}\n");
    }

    /// <summary>
    /// The live edges into and out of each node. As in pprof, a graph node keeps its edges into nodes
    /// that were never selected (of value 0: with -mean, samples of value 0 and a non-zero divisor).
    /// </summary>
    public static (List<int>[] Into, List<int>[] OutOf) EdgesByNode(TrimmedGraph g)
    {
        int count = g.Nodes.NodeCount;
        var into = new List<int>[count];
        var outOf = new List<int>[count];
        for (int i = 0; i < count; i++)
        {
            into[i] = [];
            outOf[i] = [];
        }
        var edges = g.Edges!;
        for (int e = 0; e < edges.Count; e++)
        {
            if (edges.Removed(e)) continue;
            into[edges.Dst(e)].Add(e);
            outOf[edges.Src(e)].Add(e);
        }
        return (into, outOf);
    }

    /// <summary>pprof's edge order: |weight| descending, then source name, then destination name.</summary>
    public static List<int> Sorted(EdgeTable edges, List<int> list, Func<int, string> name)
    {
        var sorted = new List<int>(list);
        sorted.Sort((a, b) =>
        {
            if (edges.Weight(a) != edges.Weight(b)) return Math.Abs(edges.Weight(b)).CompareTo(Math.Abs(edges.Weight(a)));
            int c = string.CompareOrdinal(name(edges.Src(a)), name(edges.Src(b)));
            return c != 0 ? c : string.CompareOrdinal(name(edges.Dst(a)), name(edges.Dst(b)));
        });
        return sorted;
    }
}
