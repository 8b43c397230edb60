using System.Text.Json;
using LeakHound.Analysis.Trends;

namespace LeakHound.Reports.Hunt;

/// <summary>The hunt's verdict, suspects and series as JSON (the shape documented in the README).</summary>
public static class HuntJson
{
    public static void Write(HuntResult r, Stream output)
    {
        using var j = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        j.WriteStartObject();
        j.WriteString("verdict", VerdictName(r.Verdict));
        j.WriteString("reason", r.Reason);
        j.WriteNumber("snapshots", r.Snapshots);
        j.WriteNumber("durationSeconds", Math.Round(r.DurationSeconds, 3));
        j.WriteStartArray("suspects");
        foreach (var s in r.Suspects)
        {
            j.WriteStartObject();
            j.WriteNumber("rank", s.Rank);
            j.WriteString("kind", s.Kind);
            j.WriteString("function", s.Function);
            j.WriteString("file", s.File);
            j.WriteNumber("line", s.Line);
            j.WriteStartArray("stack");
            foreach (var f in s.Stack) j.WriteStringValue(f);
            j.WriteEndArray();
            j.WriteString("metric", s.Metric);
            j.WriteString("unit", s.Unit);
            j.WriteNumber("growthPerMinute", Math.Round(s.GrowthPerMinute, 3));
            j.WriteNumber("current", Math.Round(s.Current, 3));
            j.WriteNumber("confidence", Math.Round(s.Confidence, 3));
            j.WriteString("trend", s.Trend.ToString().ToLowerInvariant());
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartObject("series");
        foreach (var (name, points) in r.Series)
        {
            j.WriteStartArray(name);
            foreach (var p in points)
            {
                j.WriteStartArray();
                j.WriteNumberValue(Math.Round(p.UnixSeconds, 3));
                j.WriteNumberValue(p.Value);
                j.WriteEndArray();
            }
            j.WriteEndArray();
        }
        j.WriteEndObject();
        j.WriteStartArray("restarts");
        foreach (var t in r.Restarts) j.WriteNumberValue(Math.Round(t, 3));
        j.WriteEndArray();
        j.WriteStartObject("trends");
        foreach (var (name, trend) in r.GlobalTrends) j.WriteString(name, trend.ToString().ToLowerInvariant());
        j.WriteEndObject();
        j.WriteEndObject();
    }

    public static string VerdictName(Verdict v) => v switch
    {
        Verdict.Leak => "leak",
        Verdict.NoLeak => "no-leak",
        _ => "inconclusive",
    };
}
