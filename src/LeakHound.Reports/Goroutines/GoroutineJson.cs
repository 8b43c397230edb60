using System.Text.Json;
using LeakHound.Analysis;
using LeakHound.Analysis.Goroutines;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Reports.Goroutines;

/// <summary>The goroutine report and the diff as JSON, for scripts.</summary>
public static class GoroutineJson
{
    public static void Write(GoroutineReport r, Stream output)
    {
        using var j = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        j.WriteStartObject();
        j.WriteString("source", r.Source);
        j.WriteNumber("goroutines", r.Total);
        j.WriteString("similarity", r.Similarity.ToString());
        j.WriteStartArray("findings");
        foreach (var f in r.Findings)
        {
            j.WriteStartObject();
            j.WriteString("kind", f.Kind.ToString());
            j.WriteString("text", f.Text);
            j.WriteNumber("group", f.Group + 1);
            j.WriteNumber("goroutines", f.Goroutines);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("groups");
        for (int i = 0; i < r.Groups.Count; i++) WriteGroup(j, r.Dump, r.Groups[i], i + 1);
        j.WriteEndArray();
        j.WriteStartArray("warnings");
        foreach (var (line, text) in r.Dump.Warnings)
        {
            j.WriteStartObject();
            j.WriteNumber("line", line);
            j.WriteString("text", text);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteEndObject();
    }

    public static void WriteDiff(GoroutineDiffReport r, Stream output)
    {
        using var j = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        j.WriteStartObject();
        j.WriteString("base", r.Before.Source);
        j.WriteString("source", r.After.Source);
        j.WriteNumber("before", r.Before.Total);
        j.WriteNumber("after", r.After.Total);
        j.WriteStartArray("changes");
        int rank = 0;
        foreach (var c in r.Changes)
        {
            var (report, g) = c.New is not null ? (r.After, c.New) : (r.Before, c.Old!);
            j.WriteStartObject();
            j.WriteNumber("growth", c.Growth);
            j.WriteNumber("before", c.Before);
            j.WriteNumber("after", c.After);
            j.WritePropertyName("group");
            WriteGroup(j, report.Dump, g, ++rank);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter j, GoroutineDump d, GoroutineGroup g, int rank)
    {
        int rep = g.Representative;
        j.WriteStartObject();
        j.WriteNumber("rank", rank);
        j.WriteNumber("count", g.Count);
        j.WriteString("state", d.Str(d.State[rep]));
        if (g.MaxWaitMinutes >= 0)
        {
            j.WriteNumber("minWaitMinutes", g.MinWaitMinutes);
            j.WriteNumber("maxWaitMinutes", g.MaxWaitMinutes);
        }
        j.WriteBoolean("locked", g.Locked);
        j.WriteBoolean("leaked", g.Leaked);
        j.WriteStartArray("labels");
        foreach (var l in g.Labels) j.WriteStringValue(l);
        j.WriteEndArray();
        if (d.CreatedByFunction[rep] >= 0)
        {
            j.WriteStartObject("createdBy");
            j.WriteString("function", d.Str(d.CreatedByFunction[rep]));
            j.WriteString("file", d.Str(d.CreatedByFile[rep]));
            j.WriteNumber("line", d.CreatedByLine[rep]);
            j.WriteStartArray("parents");
            foreach (var p in g.ParentIds) j.WriteNumberValue(p);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteStartArray("stack");
        foreach (var f in d.FramesOf(rep))
        {
            j.WriteStartObject();
            j.WriteString("function", d.Str(f.Function));
            if (f.Args >= 0) j.WriteString("args", d.Str(f.Args));
            j.WriteString("file", d.Str(f.File));
            j.WriteNumber("line", f.Line);
            j.WriteBoolean("user", GoPackages.IsUser(d.Str(f.Function)));
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteEndObject();
    }
}
