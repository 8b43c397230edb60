using System.Text;
using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Graph;

/// <summary>
/// The call graph in Graphviz DOT, exactly as <c>go tool pprof -dot</c> writes it: a legend with the
/// report's header lines; one box per node, sized by its flat share and coloured by its cumulative
/// share; tag boxes ("nodelets") under nodes whose samples carry labels or byte sizes; edges
/// heaviest first, thick and dark by weight, dotted where they stand for a path through dropped
/// nodes. With -call_tree, the same over the call tree (<see cref="CallTreeGraph"/>): a node per
/// call path.
/// </summary>
public static class DotReport
{
    /// <param name="numLabelUnits">Units of numeric labels, from the profile before filtering (pprof's NumLabelUnits).</param>
    public static void Write(Report rpt, TextWriter w, IReadOnlyList<string> activeFilters, IReadOnlyDictionary<string, string> numLabelUnits)
    {
        var o = rpt.Options;
        var ln = LocationNodes.Build(rpt.Profile, o.Granularity, o.NoInlines);
        // Tag names are formatted with the unit asked for, before the report picks its own.
        string tagUnit = numLabelUnits.TryGetValue("bytes", out var u) ? u : "bytes";
        var tagOptions = new NodeTagOptions
        {
            NumericUnit = tagUnit,
            NumericName = v => Measurement.ScaledLabel(v, tagUnit, o.Unit),
        };
        var (g, tags) = o.CallTree
            ? CallTreeGraph.BuildVisual(CallTree.Build(rpt.Profile, ln, rpt.ValueIndex, rpt.MeanIndex), rpt.GraphOptions(EdgeScope.All), tagOptions)
            : VisualGraph.Build(rpt.Profile, ln, rpt.GraphOptions(EdgeScope.All), tagOptions);
        rpt.SelectOutputUnit(g);
        var labels = rpt.ReportLabels(g, g.DroppedEdges, activeFilters, fullHeaders: true);
        Compose(w, rpt, g, tags, labels, Title(rpt));
    }

    /// <summary>The graph's name: the main binary's base name, as pprof titles it.</summary>
    public static string Title(Report rpt)
    {
        var mappings = rpt.Profile.Mappings;
        return mappings.Length > 0 && mappings[0].File.Length != 0 ? GoPath.Base(mappings[0].File) : "";
    }

    private static void Compose(TextWriter w, Report rpt, TrimmedGraph g, NodeTags tags, List<string> labels, string title)
    {
        w.Write($"digraph \"{(title.Length != 0 ? title : "unnamed")}\" {{\n");
        w.Write("node [style=filled fillcolor=\"#f8f8f8\"]\n");
        WriteLegend(w, labels, title);
        if (g.Order.Length > 0)
        {
            var edges = g.Edges!;
            var id = new int[g.Nodes.NodeCount]; // 0 for nodes not shown, as pprof numbers them
            long maxFlat = GoMath.Abs(g.Values.FlatValue(g.Order[0]));
            for (int i = 0; i < g.Order.Length; i++)
            {
                id[g.Order[i]] = i + 1;
                maxFlat = Math.Max(maxFlat, GoMath.Abs(g.Values.FlatValue(g.Order[i])));
            }
            var hasOut = new bool[g.Nodes.NodeCount];
            var shown = new List<int>();
            for (int e = 0; e < edges.Count; e++)
            {
                if (edges.Removed(e) || id[edges.Src(e)] == 0) continue;
                hasOut[edges.Src(e)] = true;
                shown.Add(e);
            }
            var hasNodelets = new bool[g.Nodes.NodeCount];
            var nodelets = new DotNodelets(rpt, tags);
            foreach (int n in g.Order)
            {
                WriteNode(w, rpt, g, n, id[n], maxFlat);
                hasNodelets[n] = nodelets.Write(w, n, id[n], flatTags: hasOut[n]);
            }
            var names = new Dictionary<int, string>();
            string Name(int n)
            {
                if (!names.TryGetValue(n, out var s)) names[n] = s = g.Nodes.Infos[n].PrintableName();
                return s;
            }
            foreach (int e in EdgeOrder.Sorted(edges, shown, Name))
                WriteEdge(w, rpt, edges, e, id, hasNodelets[edges.Src(e)], Name);
        }
        w.Write("}\n");
    }

    private static void WriteLegend(TextWriter w, List<string> labels, string title)
    {
        if (labels.Count == 0) return;
        w.Write($"subgraph cluster_L {{ \"{DotText.Escape(labels[0])}\" [shape=box fontsize=16");
        w.Write($" label=\"{string.Join(@"\l", labels.Select(DotText.Escape))}\\l\"");
        if (title.Length != 0) w.Write($" tooltip=\"{title}\"");
        w.Write("] }\n");
    }

    private static void WriteNode(TextWriter w, Report rpt, TrimmedGraph g, int n, int id, long maxFlat)
    {
        long flat = g.Values.FlatValue(n), cum = g.Values.CumValue(n);
        var label = new StringBuilder(DotText.MultilineName(g.Nodes.Infos[n]));
        string flatValue = rpt.FormatValue(flat);
        if (flat != 0) label.Append(flatValue).Append(" (").Append(Measurement.Percentage(flat, rpt.Total).Trim()).Append(')');
        else label.Append('0');
        string cumValue = flatValue;
        if (cum != flat)
        {
            label.Append(flat != 0 ? @"\n" : " ");
            cumValue = rpt.FormatValue(cum);
            label.Append("of ").Append(cumValue).Append(" (").Append(Measurement.Percentage(cum, rpt.Total).Trim()).Append(')');
        }

        // Font sizes grow from 8 to 24 with the square root of the flat share of the largest.
        int fontSize = 8;
        if (maxFlat != 0 && flat != 0 && GoMath.Abs(flat) <= maxFlat)
            fontSize += (int)Math.Ceiling(16.0 * Math.Sqrt((double)GoMath.Abs(flat) / maxFlat));

        double share = (double)cum / GoMath.Abs(rpt.Total);
        w.Write($"N{id} [label=\"{label}\" id=\"node{id}\" fontsize={fontSize} shape=box");
        w.Write($" tooltip=\"{DotText.Escape(g.Nodes.Infos[n].PrintableName())} ({cumValue})\"");
        w.Write($" color=\"{DotText.Color(share, false)}\" fillcolor=\"{DotText.Color(share, true)}\"]\n");
    }

    private static void WriteEdge(TextWriter w, Report rpt, EdgeTable edges, int e, int[] id, bool sourceHasNodelets, Func<int, string> name)
    {
        long weight = edges.WeightValue(e);
        string value = rpt.FormatValue(weight);
        var attr = new StringBuilder();
        attr.Append("label=\" ").Append(value).Append(edges.Inline(e) ? @"\n (inline)" : "").Append('"');
        long total = rpt.Total;
        if (total != 0)
        {
            // An edge can outweigh the total in a diff; weights and widths are capped.
            long scaled = Math.Min(GoMath.Abs(unchecked(weight * 100) / total), 100);
            if (scaled + 1 > 1) attr.Append(" weight=").Append(scaled + 1);
            long width = Math.Min(GoMath.Abs(unchecked(weight * 5) / total), 5);
            if (width + 1 > 1) attr.Append(" penwidth=").Append(width + 1);
            attr.Append(" color=\"").Append(DotText.Color((double)weight / GoMath.Abs(total), false)).Append('"');
        }
        string arrow = edges.Residual(e) ? "..." : "->";
        string tooltip = $"\"{DotText.Escape(name(edges.Src(e)))} {arrow} {DotText.Escape(name(edges.Dst(e)))} ({value})\"";
        attr.Append(" tooltip=").Append(tooltip).Append(" labeltooltip=").Append(tooltip);
        if (edges.Residual(e)) attr.Append(" style=\"dotted\"");
        if (sourceHasNodelets) attr.Append(" minlen=2");
        w.Write($"N{id[edges.Src(e)]} -> N{id[edges.Dst(e)]} [{attr}]\n");
    }
}
