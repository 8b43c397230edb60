using LeakHound.Analysis.Trends;
using LeakHound.Reports.Charts;

namespace LeakHound.Reports.Hunt;

/// <summary>The hunt's outcome for a terminal: the verdict and its reason, the global trends, and a table of suspects with their stacks.</summary>
public static class HuntText
{
    public static void Write(HuntResult r, TextWriter w, int stackFrames = 6)
    {
        w.Write($"Verdict: {HuntJson.VerdictName(r.Verdict).ToUpperInvariant()} — {r.Reason}\n");
        w.Write($"{r.Snapshots} snapshots over {Duration(r.DurationSeconds)}{(r.Restarts.Count > 0 ? $", {r.Restarts.Count} restart{(r.Restarts.Count == 1 ? "" : "s")}" : "")}\n");
        foreach (var (name, trend) in r.GlobalTrends)
        {
            var series = r.Series.TryGetValue(name, out var s) ? s : [];
            string last = series.Count > 0 ? LineChart.Format(series[^1].Value, name.EndsWith("bytes", StringComparison.Ordinal) ? "bytes" : "") : "-";
            w.Write($"  {name,-20} {trend.ToString().ToLowerInvariant(),-9} now {last}\n");
        }
        if (r.Suspects.Count == 0)
        {
            w.Write("\nNo suspects.\n");
            return;
        }
        w.Write("\n rank  kind        growth/min        now  confidence  where\n");
        foreach (var s in r.Suspects)
        {
            string unit = s.Unit == "bytes" ? "bytes" : "";
            string growth = (s.GrowthPerMinute >= 0 ? "+" : "") + LineChart.Format(s.GrowthPerMinute, unit);
            w.Write($" {s.Rank,4}  {s.Kind,-10} {growth,11} {LineChart.Format(s.Current, unit),10}  {s.Confidence,10:P0}  {s.Function} ({s.File}:{s.Line})\n");
        }
        foreach (var s in r.Suspects)
        {
            w.Write($"\n#{s.Rank} {s.Kind} {s.Metric} in {s.Function}:\n");
            for (int i = 0; i < s.Stack.Count && i < stackFrames; i++) w.Write($"    {s.Stack[i]}\n");
            if (s.Stack.Count > stackFrames) w.Write($"    … {s.Stack.Count - stackFrames} more frames\n");
        }
    }

    public static string Duration(double seconds) =>
        seconds < 120 ? $"{seconds:F0} s" : seconds < 7200 ? $"{seconds / 60:F1} min" : $"{seconds / 3600:F1} h";
}
