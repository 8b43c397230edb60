using LeakHound.Analysis.Goroutines;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Reports.Goroutines;

/// <summary>Two grouped dumps compared: groups that appeared or grew first.</summary>
public sealed class GoroutineDiffReport
{
    public required GoroutineReport Before { get; init; }
    public required GoroutineReport After { get; init; }
    public required List<GroupChange> Changes { get; init; }

    public static GoroutineDiffReport Build(GoroutineReport before, GoroutineReport after) => new()
    {
        Before = before,
        After = after,
        Changes = GoroutineDiff.Compare(before.Dump, before.Groups, after.Dump, after.Groups),
    };

    public void WriteText(TextWriter w, int maxRows = 40)
    {
        w.Write($"goroutines: {Before.Total} in {Before.Source} → {After.Total} in {After.Source} ({Signed(After.Total - Before.Total)})\n\n");
        w.Write($"{"growth",8} {"before",8} {"after",8}  group\n");
        int shown = 0;
        foreach (var c in Changes)
        {
            if (shown++ >= maxRows) break;
            var (report, g) = c.New is not null ? (After, c.New) : (Before, c.Old!);
            var d = report.Dump;
            int rep = g.Representative;
            string where = Where(d, g);
            string tag = c.Appeared ? "  (new)" : c.Gone ? "  (gone)" : "";
            w.Write($"{Signed(c.Growth),8} {c.Before,8} {c.After,8}  [{d.Str(d.State[rep])}] {where}{tag}\n");
        }
        if (Changes.Count > maxRows) w.Write($"({Changes.Count - maxRows} more groups not shown)\n");
    }

    /// <summary>The group's first user frame (or leaf) and its creator, in one line.</summary>
    public static string Where(GoroutineDump d, GoroutineGroup g)
    {
        int rep = g.Representative;
        var frames = d.FramesOf(rep);
        string at = frames.Length == 0 ? "(no stack)" : GoroutineTriage.FrameText(d, frames[g.FirstUserFrame >= 0 ? g.FirstUserFrame : 0]);
        string created = d.CreatedByFunction[rep] >= 0 ? $", created by {d.Str(d.CreatedByFunction[rep])} ({d.Str(d.CreatedByFile[rep])}:{d.CreatedByLine[rep]})" : "";
        return at + created;
    }

    private static string Signed(long v) => v > 0 ? "+" + v : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
