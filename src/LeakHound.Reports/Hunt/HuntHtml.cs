using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LeakHound.Analysis.Filter;
using LeakHound.Analysis.Flame;
using LeakHound.Analysis.Trends;
using LeakHound.Formats.Pprof;
using LeakHound.Reports.Charts;
using LeakHound.Reports.Flame;

namespace LeakHound.Reports.Hunt;

/// <summary>
/// The hunt as one self-contained HTML page: the verdict, charts of heap, RSS and goroutines over
/// time (restarts marked), the suspects table, and for each suspect its stack, its own growth
/// chart and a differential flame graph of its allocations, first snapshot to last.
/// </summary>
public static class HuntHtml
{
    /// <param name="first">The first heap profile of the last segment, for the diff flame graphs (or null).</param>
    /// <param name="last">The last heap profile (or null).</param>
    public static void Write(HuntResult r, string target, Profile? first, Profile? last, TextWriter w)
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        string verdict = HuntJson.VerdictName(r.Verdict);
        string color = r.Verdict switch { Verdict.Leak => "#c0392b", Verdict.NoLeak => "#27ae60", _ => "#e67e22" };
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.Append($"<title>LeakHound: {H(verdict)} — {H(target)}</title>\n");
        sb.Append("""
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1250px;color:#222;padding:0 1em}
            h1{font-size:1.4em;margin:.2em 0} h2{font-size:1.15em;margin:1.4em 0 .5em;border-bottom:1px solid #eee}
            .verdict{display:inline-block;color:#fff;padding:.15em .6em;border-radius:4px;font-weight:bold;text-transform:uppercase}
            .meta{color:#666} .charts{display:flex;flex-wrap:wrap;gap:1em}
            table{border-collapse:collapse;margin:.5em 0} th,td{padding:.25em .7em;text-align:left;border-bottom:1px solid #eee}
            th{background:#fafafa} td.num{text-align:right;font-variant-numeric:tabular-nums}
            pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:12px}
            .suspect{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
            .flame svg{max-width:100%;height:auto}
            </style></head><body>

            """);
        sb.Append($"<h1>LeakHound hunt: <span class=\"verdict\" style=\"background:{color}\">{H(verdict)}</span></h1>\n");
        sb.Append($"<div>{H(r.Reason)}</div>\n");
        sb.Append($"<div class=\"meta\">{H(target)} · {r.Snapshots} snapshots over {H(HuntText.Duration(r.DurationSeconds))}");
        if (r.Restarts.Count > 0) sb.Append($" · {r.Restarts.Count} restart{(r.Restarts.Count == 1 ? "" : "s")}");
        sb.Append("</div>\n<h2>Over time</h2>\n<div class=\"charts\">\n");
        foreach (var (name, title, unit, c) in new[]
        {
            (MetricNames.HeapInuseBytes, "Heap in use", "bytes", "#c0392b"),
            (MetricNames.RssBytes, "Resident memory (RSS)", "bytes", "#8e44ad"),
            (MetricNames.Goroutines, "Goroutines", "goroutines", "#2980b9"),
        })
        {
            if (!r.Series.TryGetValue(name, out var points) || points.Count == 0) continue;
            string trend = r.GlobalTrends.TryGetValue(name, out var t) ? $" ({t.ToString().ToLowerInvariant()})" : "";
            sb.Append("<div>").Append(LineChart.Svg(points, title + trend, unit, r.Restarts, color: c)).Append("</div>\n");
        }
        sb.Append("</div>\n");

        sb.Append("<h2>Suspects</h2>\n");
        if (r.Suspects.Count == 0)
        {
            sb.Append("<p>None: nothing grows steadily.</p>\n");
        }
        else
        {
            sb.Append("<table><tr><th>#</th><th>kind</th><th>where</th><th>growth / min</th><th>now</th><th>confidence</th></tr>\n");
            foreach (var s in r.Suspects)
            {
                string unit = s.Unit == "bytes" ? "bytes" : "";
                sb.Append($"<tr><td><a href=\"#s{s.Rank}\">{s.Rank}</a></td><td>{H(s.Kind)}</td><td>{H(s.Function)} <span class=\"meta\">{H(s.File)}:{s.Line}</span></td>");
                sb.Append($"<td class=\"num\">+{H(LineChart.Format(s.GrowthPerMinute, unit))}</td><td class=\"num\">{H(LineChart.Format(s.Current, unit))}</td><td class=\"num\">{s.Confidence:P0}</td></tr>\n");
            }
            sb.Append("</table>\n");
        }

        foreach (var s in r.Suspects)
        {
            string unit = s.Unit == "bytes" ? "bytes" : s.Unit;
            sb.Append($"<div class=\"suspect\" id=\"s{s.Rank}\"><h2>#{s.Rank} {H(s.Function)}</h2>\n");
            sb.Append($"<div class=\"meta\">{H(s.Kind)} · {H(s.Metric)} · {H(s.File)}:{s.Line} · {s.Trend.ToString().ToLowerInvariant()} · confidence {s.Confidence:P0}</div>\n");
            sb.Append(LineChart.Svg(s.Series, $"{s.Metric} of {s.Function}", unit, r.Restarts));
            sb.Append("<pre>").Append(H(string.Join('\n', s.Stack))).Append("</pre>\n");
            if (s.Kind == "heap" && first is not null && last is not null)
            {
                string? flame = DiffFlame(first, last, s);
                if (flame is not null) sb.Append("<div class=\"flame\">").Append(flame).Append("</div>\n");
            }
            sb.Append("</div>\n");
        }
        sb.Append("<p class=\"meta\">Made by LeakHound. Red in the flame graphs: grew between the first and last snapshot; blue: shrank.</p>\n</body></html>\n");
        w.Write(sb.ToString());
    }

    /// <summary>The differential flame graph (first → last heap, in-use bytes) of the samples that pass through the suspect's function.</summary>
    private static string? DiffFlame(Profile first, Profile last, Suspect s)
    {
        int index;
        try
        {
            index = last.SampleIndexByName(s.Metric);
        }
        catch (LeakHound.Core.UsageException)
        {
            return null;
        }
        var focus = new FilterOptions { Focus = new Regex("^" + Regex.Escape(s.Function) + "$", RegexOptions.CultureInvariant) };
        var (a, _) = ProfileFilters.Apply(first, focus);
        var (b, _) = ProfileFilters.Apply(last, focus);
        var tree = FlameTree.BuildDiff(new FlameInput(a, index), new FlameInput(b, index), new FlameTreeOptions { MinFraction = 0.002 });
        var report = new FlameReport
        {
            Tree = tree,
            SampleType = last.SampleTypes[index].Type,
            SampleUnit = last.SampleTypes[index].Unit,
            Source = "last snapshot",
            BaseSource = "first snapshot",
        };
        var sw = new StringWriter();
        FlameSvg.Write(report, sw);
        return sw.ToString();
    }
}
