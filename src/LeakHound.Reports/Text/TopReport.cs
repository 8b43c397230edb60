using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Text;

/// <summary>One row of the top report.</summary>
public sealed record TopRow(string Name, string InlineLabel, long Flat, long Cum, string FlatText, string CumText);

/// <summary>The top report: header lines and rows, computed once, then printed as text or JSON.</summary>
public sealed class TopReport
{
    public required Report Report { get; init; }
    public required List<string> Labels { get; init; }
    public required List<TopRow> Rows { get; init; }

    /// <summary>pprof's TextItems: trims the graph, picks the unit, names each node and labels inlined ones.</summary>
    public static TopReport Build(Report rpt, IReadOnlyList<string>? activeFilters = null)
    {
        var o = rpt.Options;
        var ln = LocationNodes.Build(rpt.Profile, o.Granularity, o.NoInlines, fileName: Source.SourcePaths.Trimmer(o.TrimPath, o.SourcePath));
        var g = TrimmedGraph.Build(rpt.Profile, ln, rpt.GraphOptions(EdgeScope.IntoInlined));
        rpt.SelectOutputUnit(g);
        var labels = rpt.ReportLabels(g, droppedEdges: 0, activeFilters ?? [], fullHeaders: false);

        var inline = new bool[ln.NodeCount];
        var noinline = new bool[ln.NodeCount];
        if (g.Edges is { } edges)
        {
            for (int e = 0; e < edges.Count; e++)
            {
                if (edges.Removed(e)) continue;
                if (edges.Inline(e)) inline[edges.Dst(e)] = true; else noinline[edges.Dst(e)] = true;
            }
        }

        var rows = new List<TopRow>(g.Order.Length);
        foreach (int n in g.Order)
        {
            long flat = g.Values.FlatValue(n), cum = g.Values.CumValue(n);
            string inl = !inline[n] ? "" : noinline[n] ? "(partial-inline)" : "(inline)";
            rows.Add(new TopRow(ln.Infos[n].PrintableName(), inl, flat, cum, rpt.FormatValue(flat), rpt.FormatValue(cum)));
        }
        return new TopReport { Report = rpt, Labels = labels, Rows = rows };
    }

    /// <summary>Prints the report exactly as <c>go tool pprof -top</c> does.</summary>
    public void WriteText(TextWriter w)
    {
        long total = Report.Total;
        w.Write(string.Join('\n', Labels));
        w.Write('\n');
        w.Write($"{GoFormat.Pad("flat", 10)} {GoFormat.Pad("flat", 5)}% {GoFormat.Pad("sum", 5)}% {GoFormat.Pad("cum", 10)} {GoFormat.Pad("cum", 5)}%\n");
        long flatSum = 0;
        foreach (var row in Rows)
        {
            flatSum += row.Flat;
            w.Write(GoFormat.Pad(row.FlatText, 10));
            w.Write(' ');
            w.Write(Measurement.Percentage(row.Flat, total));
            w.Write(' ');
            w.Write(Measurement.Percentage(flatSum, total));
            w.Write(' ');
            w.Write(GoFormat.Pad(row.CumText, 10));
            w.Write(' ');
            w.Write(Measurement.Percentage(row.Cum, total));
            w.Write("  ");
            w.Write(row.Name);
            if (row.InlineLabel.Length != 0) { w.Write(' '); w.Write(row.InlineLabel); }
            w.Write('\n');
        }
    }
}
