using System.Globalization;
using System.Text;
using LeakHound.Analysis.Filter;
using LeakHound.Core;

namespace LeakHound.Reports.Text;

/// <summary>pprof's tags report (-tags): for each label key, the sample value per label value.</summary>
public static class TagsReport
{
    public static void Write(Report rpt, TextWriter w)
    {
        var p = rpt.Profile;
        var units = TagFilter.NumLabelUnits(p);
        var tags = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        int nv = p.ValueCount;
        for (int s = 0; s < p.SampleCount; s++)
        {
            long v = p.Values[(long)s * nv + rpt.ValueIndex];
            foreach (var l in p.SampleLabels(s))
            {
                string key = p.Strings[l.Key];
                string value = l.IsNumeric
                    ? Measurement.ScaledLabel(l.Num, units.TryGetValue(key, out var u) ? u : "", rpt.OutputUnit)
                    : p.Strings[l.Str];
                if (!tags.TryGetValue(key, out var values)) tags[key] = values = new(StringComparer.Ordinal);
                values[value] = values.GetValueOrDefault(value) + v;
            }
        }

        var sb = new StringBuilder();
        foreach (var key in tags.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            long total = tags[key].Values.Sum();
            var (f, unit) = Measurement.Scale(total, rpt.SampleUnit, rpt.OutputUnit);
            sb.Append(key).Append(":\t Total ").Append(GoFormat.Fixed(f, 1)).Append(unit).Append('\n');
            var rows = tags[key].ToList();
            rows.Sort((a, b) =>
            {
                if (a.Value != b.Value) return Math.Abs(b.Value).CompareTo(Math.Abs(a.Value));
                return string.CompareOrdinal(a.Key, b.Key);
            });
            foreach (var (name, value) in rows)
            {
                var (fv, u) = Measurement.Scale(value, rpt.SampleUnit, rpt.OutputUnit);
                sb.Append(" \t").Append(GoFormat.Fixed(fv, 1)).Append(u);
                if (total > 0) sb.Append(" (").Append(Measurement.Percentage(value, total)).Append(')');
                sb.Append(":\t ").Append(name).Append('\n');
            }
            sb.Append('\n');
        }
        w.Write(GoTabWriter.Format(sb.ToString(), 0, 1, alignRight: true));
    }
}
