using LeakHound.Formats.Goroutines;

namespace LeakHound.Analysis.Goroutines;

/// <summary>A group compared between two dumps: how many goroutines it had and has.</summary>
public sealed record GroupChange(string Signature, long Before, long After, GoroutineGroup? Old, GoroutineGroup? New)
{
    public long Growth => After - Before;
    public bool Appeared => Before == 0 && After > 0;
    public bool Gone => After == 0 && Before > 0;
}

/// <summary>
/// Compares two dumps group by group (same state, creator and stack at the same similarity):
/// groups that appeared or grew first, by growth; what the hunt uses for goroutine suspects.
/// </summary>
public static class GoroutineDiff
{
    /// <summary>
    /// Matches groups by stack and creator, not argument values (they change from dump to dump):
    /// groups of one dump that differ only in arguments count together, shown by the largest.
    /// </summary>
    public static List<GroupChange> Compare(GoroutineDump beforeDump, IReadOnlyList<GoroutineGroup> before, GoroutineDump afterDump, IReadOnlyList<GoroutineGroup> after)
    {
        var old = ByStack(beforeDump, before);
        var now = ByStack(afterDump, after);
        var changes = new List<GroupChange>();
        foreach (var (key, n) in now)
        {
            old.TryGetValue(key, out var o);
            changes.Add(new GroupChange(key, o.Count, n.Count, o.Largest, n.Largest));
        }
        foreach (var (key, o) in old)
            if (!now.ContainsKey(key)) changes.Add(new GroupChange(key, o.Count, 0, o.Largest, null));
        changes.Sort((a, b) =>
        {
            int c = b.Growth.CompareTo(a.Growth);
            if (c != 0) return c;
            c = b.After.CompareTo(a.After);
            return c != 0 ? c : string.CompareOrdinal(a.Signature, b.Signature);
        });
        return changes;
    }

    private static Dictionary<string, (long Count, GoroutineGroup? Largest)> ByStack(GoroutineDump d, IReadOnlyList<GoroutineGroup> groups)
    {
        var result = new Dictionary<string, (long Count, GoroutineGroup? Largest)>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            string key = GoroutineGrouping.StackKey(d, g);
            result.TryGetValue(key, out var e);
            result[key] = (e.Count + g.Count, e.Largest is null || g.Count > e.Largest.Count ? g : e.Largest);
        }
        return result;
    }
}
