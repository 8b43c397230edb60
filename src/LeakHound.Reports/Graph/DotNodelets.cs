using System.Text;
using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Graph;

/// <summary>
/// The small boxes pprof hangs under a node for its tags: its heaviest label sets (at most four),
/// and under each, or under the node for samples without labels, its numeric tags, collapsed into
/// at most four ranges ("1kB..4kB") when there are more. Internal nodes show flat weights, leaves
/// cumulative ones.
/// </summary>
internal sealed class DotNodelets(Report rpt, NodeTags tags)
{
    /// <summary>A tag to show: a label set, a numeric tag, or a group of numeric tags.</summary>
    private readonly record struct Shown(string Name, long Flat, long FlatDiv, long Cum, long CumDiv, long Value, string Unit, int LabelSet = 0)
    {
        public long FlatValue => FlatDiv == 0 ? Flat : Flat / FlatDiv;
        public long CumValue => CumDiv == 0 ? Cum : Cum / CumDiv;
    }

    /// <summary>Writes the node's nodelets; returns whether there were any.</summary>
    public bool Write(TextWriter w, int node, int id, bool flatTags)
    {
        var labelTags = new List<Shown>();
        var numeric = new Dictionary<int, List<Shown>>(); // label set → its numeric tags
        foreach (int t in tags.Of(node))
        {
            if (tags.Removed[t]) continue;
            var shown = new Shown(tags.Name[t], tags.Flat[t], tags.FlatDiv[t], tags.Cum[t], tags.CumDiv[t], tags.Value[t],
                tags.IsNumeric[t] ? tags.Unit : "", tags.LabelSet[t]);
            if (!tags.IsNumeric[t]) labelTags.Add(shown);
            else if (numeric.TryGetValue(tags.LabelSet[t], out var list)) list.Add(shown);
            else numeric[tags.LabelSet[t]] = [shown];
        }

        var sb = new StringBuilder();
        Sort(labelTags, flatTags);
        for (int i = 0; i < Math.Min(labelTags.Count, VisualGraph.MaxNodelets); i++)
        {
            var t = labelTags[i];
            long weight = flatTags ? t.FlatValue : t.CumValue;
            if (weight == 0) continue;
            string value = rpt.FormatValue(weight);
            sb.Append($"N{id}_{i} [label = \"{t.Name}\" id=\"N{id}_{i}\" fontsize=8 shape=box3d tooltip=\"{value}\"]\n");
            sb.Append($"N{id} -> N{id}_{i} [label=\" {value}\" weight=100 tooltip=\"{value}\" labeltooltip=\"{value}\"]\n");
            if (numeric.TryGetValue(t.LabelSet, out var under))
                NumericNodelets(sb, under, flatTags, $"N{id}_{i}");
        }
        if (numeric.TryGetValue(0, out var unlabelled)) NumericNodelets(sb, unlabelled, flatTags, $"N{id}");
        w.Write(sb.ToString());
        return sb.Length != 0;
    }

    private void NumericNodelets(StringBuilder sb, List<Shown> numeric, bool flatTags, string source)
    {
        var collapsed = Collapse(numeric, VisualGraph.MaxNodelets, flatTags);
        for (int j = 0; j < collapsed.Count; j++)
        {
            var t = collapsed[j];
            long weight = t.CumValue;
            string style = " style=\"dotted\"";
            if (flatTags || t.FlatValue == t.CumValue)
            {
                weight = t.FlatValue;
                style = "";
            }
            if (weight == 0) continue;
            string value = rpt.FormatValue(weight);
            sb.Append($"N{source}_{j} [label = \"{t.Name}\" id=\"N{source}_{j}\" fontsize=8 shape=box3d tooltip=\"{value}\"]\n");
            sb.Append($"{source} -> N{source}_{j} [label=\" {value}\" weight=100 tooltip=\"{value}\" labeltooltip=\"{value}\"{style}]\n");
        }
    }

    /// <summary>
    /// pprof's collapsedTags: the heaviest tags seed the groups, every other joins the group whose
    /// seed is nearest in value; each group is named by its smallest and largest value.
    /// </summary>
    private static List<Shown> Collapse(List<Shown> ts, int count, bool flatTags)
    {
        Sort(ts, flatTags);
        if (ts.Count <= count) return ts;
        var groups = new List<Shown>[count];
        for (int i = 0; i < count; i++) groups[i] = [ts[i]];
        foreach (var t in ts.Skip(count))
        {
            int best = 0;
            double d = Distance(t, groups[0][0]);
            for (int i = 1; i < count; i++)
            {
                double nd = Distance(t, groups[i][0]);
                if (nd < d)
                {
                    best = i;
                    d = nd;
                }
            }
            groups[best].Add(t);
        }
        var collapsed = groups.Select(GroupTag).ToList();
        Sort(collapsed, flatTags);
        return collapsed;
    }

    private static double Distance(Shown t, Shown u)
    {
        double v = Measurement.Scale(u.Value, u.Unit, t.Unit).Value;
        return v < t.Value ? t.Value - v : v - t.Value;
    }

    private static Shown GroupTag(List<Shown> g)
    {
        if (g.Count == 1)
        {
            var t = g[0];
            return new Shown(Measurement.Label(t.Value, t.Unit), t.FlatValue, 0, t.CumValue, 0, t.Value, t.Unit);
        }
        Shown min = g[0], max = g[0];
        long f = min.Flat, df = min.FlatDiv, c = min.Cum, dc = min.CumDiv;
        foreach (var t in g.Skip(1))
        {
            if (GoMath.ToInt64(Measurement.Scale(t.Value, t.Unit, min.Unit).Value) < min.Value) min = t;
            if (GoMath.ToInt64(Measurement.Scale(t.Value, t.Unit, max.Unit).Value) > max.Value) max = t;
            f += t.Flat;
            df += t.FlatDiv;
            c += t.Cum;
            dc += t.CumDiv;
        }
        if (df != 0) f /= df;
        if (dc != 0) c /= dc;
        // Ranges are labelled in the values' own units: in the report's unit small sizes would read "0..0".
        string name = Measurement.Label(min.Value, min.Unit) + ".." + Measurement.Label(max.Value, max.Unit);
        return new Shown(name, f, 0, c, 0, 0, "");
    }

    /// <summary>pprof's tag order: by |cum| unless flat, then |flat|, then name.</summary>
    private static void Sort(List<Shown> ts, bool flat) => ts.Sort((a, b) =>
    {
        if (!flat && a.Cum != b.Cum) return GoMath.Abs(b.Cum).CompareTo(GoMath.Abs(a.Cum));
        if (a.Flat != b.Flat) return GoMath.Abs(b.Flat).CompareTo(GoMath.Abs(a.Flat));
        return string.CompareOrdinal(a.Name, b.Name);
    });
}
