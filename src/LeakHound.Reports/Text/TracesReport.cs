using System.Text;
using LeakHound.Analysis.Filter;
using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Text;

/// <summary>pprof's traces report (-traces): every sample's stack with its value and labels.</summary>
public static class TracesReport
{
    private const string Separator = "-----------+-------------------------------------------------------";

    public static void Write(Report rpt, TextWriter w)
    {
        var p = rpt.Profile;
        w.Write(string.Join('\n', rpt.ProfileLabels()));
        w.Write('\n');
        var ln = LocationNodes.Build(p, rpt.Options.Granularity, rpt.Options.NoInlines);
        var units = TagFilter.NumLabelUnits(p);
        var names = new string?[ln.NodeCount];
        var sb = new StringBuilder();
        int nv = p.ValueCount;
        for (int s = 0; s < p.SampleCount; s++)
        {
            var stack = p.SampleStack(s);
            if (stack.IsEmpty) continue;
            sb.Clear();
            sb.Append(Separator).Append('\n');
            AppendLabels(p, s, units, sb);
            long v = p.Values[(long)s * nv + rpt.ValueIndex];
            long d = rpt.MeanIndex >= 0 ? p.Values[(long)s * nv + rpt.MeanIndex] : 0;
            if (d != 0) v /= d;
            bool first = true;
            foreach (int loc in stack)
            {
                var nodes = ln.NodesOf(loc);
                for (int i = 0; i < nodes.Length; i++)
                {
                    int n = nodes[i];
                    string name = names[n] ??= ln.Infos[n].PrintableName();
                    sb.Append(GoFormat.Pad(first ? rpt.FormatValue(v) : "", 10)).Append("   ").Append(name);
                    if (i != nodes.Length - 1) sb.Append(" (inline)");
                    sb.Append('\n');
                    first = false;
                }
            }
            w.Write(sb.ToString());
        }
        w.Write(Separator + "\n");
    }

    /// <summary>String labels as "%10s:  v1 v2", then numeric ones scaled by their unit, each set sorted.</summary>
    private static void AppendLabels(LeakHound.Formats.Pprof.Profile p, int s, Dictionary<string, string> units, StringBuilder sb)
    {
        var labels = p.SampleLabels(s);
        if (labels.IsEmpty) return;
        var str = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var num = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var l in labels)
        {
            string key = p.Strings[l.Key];
            if (!l.IsNumeric)
            {
                if (!str.TryGetValue(key, out var list)) str[key] = list = [];
                list.Add(p.Strings[l.Str]);
            }
            else
            {
                if (!num.TryGetValue(key, out var list)) num[key] = list = [];
                list.Add(Measurement.Label(l.Num, units.TryGetValue(key, out var u) ? u : ""));
            }
        }
        foreach (var group in new[] { str, num })
        {
            var lines = group.Select(kv => GoFormat.Pad(kv.Key, 10) + ":  " + string.Join(' ', kv.Value) + "\n").ToList();
            lines.Sort(string.CompareOrdinal);
            foreach (var line in lines) sb.Append(line);
        }
    }
}
