using System.Globalization;
using System.Text.Json;
using LeakHound.Analysis.Flame;

namespace LeakHound.Reports.Flame;

/// <summary>
/// speedscope's own file format (https://www.speedscope.app/file-format-schema.json), as a
/// "sampled" profile: one sample per distinct stack (frame indices, outermost first) weighted by
/// its summed value. A differential tree gives two profiles, the base and the new one (shown
/// first); speedscope has no diff view, but switches between them. Weights must not be negative,
/// so stacks with a negative value are left out.
/// </summary>
public static class Speedscope
{
    public const string Schema = "https://www.speedscope.app/file-format-schema.json";

    public static void Write(FlameReport report, TextWriter w, string exporter)
    {
        var tree = report.Tree;
        // Speedscope frames: only those used, numbered in first-use order.
        var index = new int[tree.Frames.Count];
        Array.Fill(index, -1);
        var used = new List<int>();
        for (int n = 1; n < tree.NodeCount; n++)
        {
            int f = tree.Frame[n];
            if (index[f] < 0)
            {
                index[f] = used.Count;
                used.Add(f);
            }
        }

        w.Write("{\"$schema\":");
        w.Write(Str(Schema));
        w.Write(",\"exporter\":");
        w.Write(Str(exporter));
        w.Write(",\"name\":");
        w.Write(Str(report.Title));
        w.Write(",\"activeProfileIndex\":");
        w.Write(tree.IsDiff ? "1" : "0");
        w.Write(",\"shared\":{\"frames\":[");
        for (int i = 0; i < used.Count; i++)
        {
            if (i > 0) w.Write(',');
            var info = tree.Frames.Info(used[i]);
            w.Write("{\"name\":");
            w.Write(Str(tree.Frames.Name(used[i])));
            if (info.File.Length != 0)
            {
                w.Write(",\"file\":");
                w.Write(Str(info.File));
            }
            if (info.Lineno != 0)
            {
                w.Write(",\"line\":");
                w.Write(info.Lineno.ToString(CultureInfo.InvariantCulture));
            }
            w.Write('}');
        }
        w.Write("]},\"profiles\":[");
        if (tree.IsDiff)
        {
            WriteProfile(report, w, index, "base: " + report.BaseSource, tree.BaseSelf!);
            w.Write(',');
        }
        WriteProfile(report, w, index, tree.IsDiff ? "new: " + report.Source : report.Source, tree.Self);
        w.Write("]}\n");
    }

    private static void WriteProfile(FlameReport report, TextWriter w, int[] index, string name, long[] self)
    {
        var tree = report.Tree;
        var parent = tree.Parent;
        var frames = new List<int>(64);
        var weights = new List<long>();
        w.Write("{\"type\":\"sampled\",\"name\":");
        w.Write(Str(name + " (" + report.SampleType + ")"));
        w.Write(",\"unit\":");
        w.Write(Str(Unit(report.SampleUnit)));
        w.Write(",\"startValue\":0,\"samples\":[");
        bool first = true;
        long end = 0;
        for (int n = 1; n < tree.NodeCount; n++)
        {
            if (self[n] <= 0) continue;
            frames.Clear();
            for (int a = n; a != FlameTree.Root; a = parent[a]) frames.Add(index[tree.Frame[a]]);
            if (!first) w.Write(',');
            first = false;
            w.Write('[');
            for (int i = frames.Count - 1; i >= 0; i--)
            {
                w.Write(frames[i].ToString(CultureInfo.InvariantCulture));
                if (i > 0) w.Write(',');
            }
            w.Write(']');
            weights.Add(self[n]);
            end += self[n];
        }
        w.Write("],\"weights\":[");
        for (int i = 0; i < weights.Count; i++)
        {
            if (i > 0) w.Write(',');
            w.Write(weights[i].ToString(CultureInfo.InvariantCulture));
        }
        w.Write("],\"endValue\":");
        w.Write(end.ToString(CultureInfo.InvariantCulture));
        w.Write('}');
    }

    /// <summary>speedscope's units: bytes and the time units; anything else (counts) is "none".</summary>
    public static string Unit(string pprofUnit) => pprofUnit.ToLowerInvariant() switch
    {
        "bytes" or "byte" or "b" => "bytes",
        "nanoseconds" or "nanosecond" or "ns" => "nanoseconds",
        "microseconds" or "microsecond" or "us" => "microseconds",
        "milliseconds" or "millisecond" or "ms" => "milliseconds",
        "seconds" or "second" or "s" => "seconds",
        _ => "none",
    };

    private static string Str(string s) => JsonSerializer.Serialize(s);
}
