using LeakHound.Analysis;
using LeakHound.Analysis.Goroutines;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Reports.Goroutines;

/// <summary>A grouped goroutine dump, ready to print: groups in order, findings, and what was filtered.</summary>
public sealed class GoroutineReport
{
    public required string Source { get; init; }
    public required GoroutineDump Dump { get; init; }
    public required StackSimilarity Similarity { get; init; }
    public required List<GoroutineGroup> Groups { get; init; }
    public required List<GoroutineFinding> Findings { get; init; }
    public long Total { get; init; }

    /// <param name="match">Keep groups whose stack (function or file names) matches, or null.</param>
    /// <param name="exclude">Drop groups whose stack matches, or null.</param>
    public static GoroutineReport Build(string source, GoroutineDump dump, StackSimilarity similarity,
        System.Text.RegularExpressions.Regex? match, System.Text.RegularExpressions.Regex? exclude, Func<string, int, string?>? readLine)
    {
        var groups = GoroutineGrouping.Group(dump, similarity);
        if (match is not null || exclude is not null)
            groups = groups.Where(g => (match is null || Matches(dump, g, match)) && (exclude is null || !Matches(dump, g, exclude))).ToList();
        long total = 0;
        for (int g = 0; g < dump.Count; g++) total += dump.Multiplicity[g];
        return new GoroutineReport
        {
            Source = source,
            Dump = dump,
            Similarity = similarity,
            Groups = groups,
            Findings = GoroutineTriage.Findings(dump, groups, readLine),
            Total = total,
        };
    }

    /// <summary>True when the group's state, a frame's function or file, or its creator matches.</summary>
    public static bool Matches(GoroutineDump d, GoroutineGroup g, System.Text.RegularExpressions.Regex rx)
    {
        int rep = g.Representative;
        if (rx.IsMatch(d.Str(d.State[rep])) || rx.IsMatch(d.Str(d.CreatedByFunction[rep]))) return true;
        foreach (var f in d.FramesOf(rep))
            if (rx.IsMatch(d.Str(f.Function)) || rx.IsMatch(d.Str(f.File))) return true;
        return false;
    }

    public static string WaitText(GoroutineGroup g) => g.MaxWaitMinutes < 0 ? ""
        : g.MinWaitMinutes == g.MaxWaitMinutes ? $"{g.MinWaitMinutes} min"
        : $"{g.MinWaitMinutes}–{g.MaxWaitMinutes} min";

    public static string SimilarityName(StackSimilarity s) => s switch
    {
        StackSimilarity.Exact => "exact",
        StackSimilarity.IgnorePointers => "ignoring pointers",
        _ => "ignoring arguments",
    };

    /// <summary>The plain-text report: findings, then each group with its stack, user frames marked "&gt;".</summary>
    public void WriteText(TextWriter w, int maxGroups = int.MaxValue)
    {
        var d = Dump;
        w.Write($"{Source}: {Total} goroutine{(Total == 1 ? "" : "s")} in {Groups.Count} group{(Groups.Count == 1 ? "" : "s")} (stacks grouped {SimilarityName(Similarity)})\n");
        if (d.Warnings.Count > 0)
            w.Write($"{d.Warnings.Count} line{(d.Warnings.Count == 1 ? "" : "s")} not understood, first at line {d.Warnings[0].Line}: {d.Warnings[0].Text}\n");
        if (Findings.Count > 0)
        {
            w.Write("\nFindings:\n");
            for (int i = 0; i < Findings.Count; i++) w.Write($"  {i + 1}. {Findings[i].Text}\n");
        }
        for (int i = 0; i < Groups.Count && i < maxGroups; i++)
        {
            var g = Groups[i];
            int rep = g.Representative;
            w.Write('\n');
            var head = new List<string> { $"#{i + 1}", $"{g.Count} goroutine{(g.Count == 1 ? "" : "s")}", $"[{d.Str(d.State[rep])}{(WaitText(g) is { Length: > 0 } wt ? ", " + wt : "")}]" };
            if (g.Leaked) head.Add("(leaked)");
            if (g.Locked) head.Add("locked to thread");
            w.Write(string.Join("  ", head));
            w.Write('\n');
            if (g.Labels.Count > 0) w.Write($"    labels: {string.Join(", ", g.Labels)}\n");
            var frames = d.FramesOf(rep);
            int width = 0;
            foreach (var f in frames) width = Math.Max(width, Call(d, f).Length);
            width = Math.Min(width, 80);
            foreach (var f in frames)
            {
                string mark = GoPackages.IsUser(d.Str(f.Function)) ? "  > " : "    ";
                w.Write($"{mark}{Call(d, f).PadRight(width)}  {d.Str(f.File)}:{f.Line}\n");
            }
            int elided = d.ElidedFrames[rep];
            if (elided > 0) w.Write($"    ...{elided} frames elided...\n");
            if ((d.Flags[rep] & GoroutineFlags.AdditionalFramesElided) != 0) w.Write("    ...additional frames elided...\n");
            if ((d.Flags[rep] & GoroutineFlags.StackUnavailable) != 0) w.Write("    (running on another thread; stack unavailable)\n");
            if (d.CreatedByFunction[rep] >= 0)
            {
                string parents = g.ParentIds.Count == 0 ? "" : $" in goroutine{(g.ParentIds.Count == 1 ? "" : "s")} {string.Join(", ", g.ParentIds)}{(g.ParentIds.Count == 10 ? ", …" : "")}";
                w.Write($"    created by {d.Str(d.CreatedByFunction[rep])}{parents}  {d.Str(d.CreatedByFile[rep])}:{d.CreatedByLine[rep]}\n");
            }
        }
        if (Groups.Count > maxGroups) w.Write($"\n({Groups.Count - maxGroups} more groups not shown)\n");
    }

    public static string Call(GoroutineDump d, StackFrame f) => f.Args < 0 ? d.Str(f.Function) : $"{d.Str(f.Function)}({d.Str(f.Args)})";
}
