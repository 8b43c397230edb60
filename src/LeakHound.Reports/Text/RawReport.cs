using System.Globalization;
using System.Text;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Reports.Text;

/// <summary>
/// The raw dump of a profile: comments, period, samples with their location ids and labels,
/// locations with their lines, mappings. Identical to pprof's Profile.String() (<c>go tool pprof -raw</c>).
/// </summary>
public static class RawReport
{
    public static void Write(Profile p, TextWriter w)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var c in p.Comments) w.Write($"Comment: {c}\n");
        w.Write($"PeriodType: {p.PeriodType.Type} {p.PeriodType.Unit}\n");
        w.Write(string.Create(inv, $"Period: {p.Period}\n"));
        if (p.TimeNanos != 0) w.Write($"Time: {GoTime.TimeString(p.TimeNanos)}\n");
        if (p.DurationNanos != 0)
        {
            string d = GoTime.DurationString(p.DurationNanos);
            w.Write($"Duration: {(d.Length > 4 ? d[..4] : d)}\n");
        }
        w.Write("Samples:\n");
        var header = new StringBuilder();
        foreach (var st in p.SampleTypes)
            header.Append(st.Type).Append('/').Append(st.Unit).Append(st.Type == p.DefaultSampleType ? "[dflt]" : "").Append(' ');
        w.Write(header.ToString().Trim());
        w.Write('\n');

        var sb = new StringBuilder(256);
        for (int s = 0; s < p.SampleCount; s++)
        {
            sb.Clear();
            foreach (long v in p.SampleValues(s)) sb.Append(' ').Append(GoFormat.Pad(v.ToString(inv), 10));
            sb.Append(": ");
            foreach (int l in p.SampleStack(s)) sb.Append(p.Locations[l].Id.ToString(inv)).Append(' ');
            sb.Append('\n');
            AppendLabels(p, s, sb);
            w.Write(sb.ToString());
        }

        w.Write("Locations\n");
        for (int l = 0; l < p.Locations.Length; l++)
        {
            ref readonly var loc = ref p.Locations[l];
            string locStr = GoFormat.Pad(loc.Id.ToString(inv), 6) + ": 0x" + loc.Address.ToString("x", inv) + " ";
            if (loc.Mapping >= 0) locStr += "M=" + p.Mappings[loc.Mapping].Id.ToString(inv) + " ";
            if (loc.IsFolded) locStr += "[F] ";
            var lines = p.LocationLines(l);
            if (lines.Length == 0) w.Write(locStr + "\n");
            foreach (var line in lines)
            {
                ref readonly var fn = ref p.Functions[line.Function];
                string ln = string.Create(inv, $"{fn.Name} {fn.Filename}:{line.Number} s={fn.StartLine}");
                if (fn.Name != fn.SystemName) ln += "(" + fn.SystemName + ")";
                w.Write(locStr + ln + "\n");
                locStr = "             ";
            }
        }

        w.Write("Mappings\n");
        foreach (var m in p.Mappings)
        {
            string bits = (m.HasFunctions ? "[FN]" : "") + (m.HasFilenames ? "[FL]" : "") + (m.HasLineNumbers ? "[LN]" : "") + (m.HasInlineFrames ? "[IN]" : "");
            w.Write(string.Create(inv, $"{m.Id}: 0x{m.Start:x}/0x{m.Limit:x}/0x{m.Offset:x} {m.File} {m.BuildId} {bits}\n"));
        }
    }

    /// <summary>The label lines of a sample: string labels, then numeric ones, each sorted by key as pprof prints them.</summary>
    private static void AppendLabels(Profile p, int s, StringBuilder sb)
    {
        var labels = p.SampleLabels(s);
        if (labels.IsEmpty) return;
        const string labelHeader = "                ";
        var strs = new List<string>();
        var nums = new List<string>();
        var byKey = new Dictionary<int, (List<string> Str, List<long> Num, List<int> Unit, bool AnyUnit)>();
        var keyOrder = new List<int>();
        foreach (var l in labels)
        {
            if (!byKey.TryGetValue(l.Key, out var e))
            {
                e = ([], [], [], false);
                keyOrder.Add(l.Key);
            }
            if (!l.IsNumeric) e.Str.Add(p.Strings[l.Str]);
            else
            {
                e.Num.Add(l.Num);
                e.Unit.Add(l.NumUnit);
                if (l.NumUnit != 0) e.AnyUnit = true;
            }
            byKey[l.Key] = e;
        }
        var inv = CultureInfo.InvariantCulture;
        foreach (int k in keyOrder)
        {
            var e = byKey[k];
            string key = p.Strings[k];
            if (e.Str.Count > 0) strs.Add($"{key}:[{string.Join(' ', e.Str)}]");
            if (e.Num.Count > 0)
            {
                var values = e.AnyUnit
                    ? e.Num.Select((v, i) => v.ToString(inv) + " " + p.Strings[e.Unit[i]])
                    : e.Num.Select(v => v.ToString(inv));
                nums.Add($"{key}:[{string.Join(' ', values)}]");
            }
        }
        if (strs.Count > 0)
        {
            strs.Sort(string.CompareOrdinal);
            sb.Append(labelHeader).Append(string.Join(' ', strs)).Append('\n');
        }
        if (nums.Count > 0)
        {
            nums.Sort(string.CompareOrdinal);
            sb.Append(labelHeader).Append(string.Join(' ', nums)).Append('\n');
        }
    }
}
