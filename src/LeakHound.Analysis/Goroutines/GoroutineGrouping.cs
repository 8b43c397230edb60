using System.Text;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Analysis.Goroutines;

/// <summary>
/// Groups the goroutines of a dump whose state, creator and stack are alike, in one pass with a
/// hash of each goroutine's signature (never comparing all pairs), and orders the groups so that
/// what matters comes first.
/// </summary>
public static class GoroutineGrouping
{
    public static List<GoroutineGroup> Group(GoroutineDump d, StackSimilarity similarity)
    {
        var args = ArgumentKeys(d, similarity);
        // Groups found so far: the first row of each, chained by hash; each row's group.
        var firstWithHash = new Dictionary<ulong, int>();
        var nextWithHash = new List<int>();
        var firstRow = new List<int>();
        var groupOf = new int[d.Count];
        for (int g = 0; g < d.Count; g++)
        {
            ulong h = Hash(d, g, args);
            int found = -1;
            if (firstWithHash.TryGetValue(h, out int gi))
            {
                for (; gi >= 0; gi = nextWithHash[gi])
                    if (Same(d, firstRow[gi], g, args)) { found = gi; break; }
            }
            if (found < 0)
            {
                found = firstRow.Count;
                firstRow.Add(g);
                nextWithHash.Add(firstWithHash.TryGetValue(h, out int head) ? head : -1);
                firstWithHash[h] = found;
            }
            groupOf[g] = found;
        }

        // Rows by group, in dump order, without a list per group.
        var start = new int[firstRow.Count + 1];
        foreach (int gi2 in groupOf) start[gi2 + 1]++;
        for (int i = 0; i < firstRow.Count; i++) start[i + 1] += start[i];
        var rows = new int[d.Count];
        var fill = (int[])start.Clone();
        for (int g = 0; g < d.Count; g++) rows[fill[groupOf[g]]++] = g;

        var result = new List<GoroutineGroup>(firstRow.Count);
        for (int i = 0; i < firstRow.Count; i++) result.Add(Describe(d, rows[start[i]..start[i + 1]]));
        result.Sort((a, b) =>
        {
            int c = b.Score.CompareTo(a.Score);
            if (c != 0) return c;
            c = b.Count.CompareTo(a.Count);
            return c != 0 ? c : a.Representative.CompareTo(b.Representative);
        });
        return result;
    }

    /// <summary>Per argument-string id, the id that grouping compares: itself, a pointer-blind form, or nothing.</summary>
    private static int[] ArgumentKeys(GoroutineDump d, StackSimilarity similarity)
    {
        var keys = new int[d.Strings.Length];
        if (similarity == StackSimilarity.IgnoreArgs) return keys;
        for (int i = 0; i < keys.Length; i++) keys[i] = i;
        if (similarity == StackSimilarity.Exact) return keys;
        // Pointer-blind forms are looked up without making a string for each (most are repeats).
        var normalized = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = normalized.GetAlternateLookup<ReadOnlySpan<char>>();
        var buffer = new StringBuilder(256);
        char[] chars = new char[256];
        for (int i = 0; i < keys.Length; i++)
        {
            string s = d.Strings[i];
            if (!s.Contains("0x", StringComparison.Ordinal)) continue;
            buffer.Clear();
            AppendWithoutPointers(s, buffer);
            if (buffer.Length > chars.Length) chars = new char[buffer.Length * 2];
            buffer.CopyTo(0, chars, 0, buffer.Length);
            var span = chars.AsSpan(0, buffer.Length);
            if (!lookup.TryGetValue(span, out int k))
            {
                k = i;
                lookup[span] = k;
            }
            keys[i] = k;
        }
        return keys;
    }

    /// <summary>
    /// Appends argument text with every value that looks like a pointer (0x and 6 or more hex
    /// digits), and every value the runtime marked as possibly inaccurate ("0x5?", Go 1.18+),
    /// replaced by "ptr".
    /// </summary>
    private static void AppendWithoutPointers(string args, StringBuilder sb)
    {
        int i = 0;
        while (i < args.Length)
        {
            if (i + 1 < args.Length && args[i] == '0' && args[i + 1] == 'x' && (i == 0 || !char.IsAsciiLetterOrDigit(args[i - 1])))
            {
                int j = i + 2;
                while (j < args.Length && char.IsAsciiHexDigit(args[j])) j++;
                bool inaccurate = j < args.Length && args[j] == '?';
                if (inaccurate) j++;
                if (j - i - 2 >= 6 || inaccurate)
                {
                    sb.Append("ptr");
                    i = j;
                    continue;
                }
            }
            sb.Append(args[i++]);
        }
    }

    private const GoroutineFlags KeyFlags = GoroutineFlags.LockedToThread | GoroutineFlags.Leaked;

    private static ulong Hash(GoroutineDump d, int g, int[] args)
    {
        var h = new HashCode();
        h.Add(d.State[g]);
        h.Add(d.Flags[g] & KeyFlags);
        h.Add(d.CreatedByFunction[g]);
        h.Add(d.CreatedByLine[g]);
        foreach (var f in d.FramesOf(g))
        {
            h.Add(f.Function);
            h.Add(f.File);
            h.Add(f.Line);
            if (f.Args >= 0) h.Add(args[f.Args]);
        }
        int frames = d.FrameStart[g + 1] - d.FrameStart[g];
        return ((ulong)(uint)h.ToHashCode() << 32) | (uint)frames;
    }

    private static bool Same(GoroutineDump d, int a, int b, int[] args)
    {
        if (d.State[a] != d.State[b] || (d.Flags[a] & KeyFlags) != (d.Flags[b] & KeyFlags)) return false;
        if (d.CreatedByFunction[a] != d.CreatedByFunction[b] || d.CreatedByFile[a] != d.CreatedByFile[b] || d.CreatedByLine[a] != d.CreatedByLine[b]) return false;
        var fa = d.FramesOf(a);
        var fb = d.FramesOf(b);
        if (fa.Length != fb.Length) return false;
        for (int i = 0; i < fa.Length; i++)
        {
            if (fa[i].Function != fb[i].Function || fa[i].File != fb[i].File || fa[i].Line != fb[i].Line) return false;
            int xa = fa[i].Args < 0 ? -1 : args[fa[i].Args], xb = fb[i].Args < 0 ? -1 : args[fb[i].Args];
            if (xa != xb) return false;
        }
        return true;
    }

    private static GoroutineGroup Describe(GoroutineDump d, int[] rows)
    {
        int rep = rows[0];
        long count = 0;
        int minWait = int.MaxValue, maxWait = -1;
        bool locked = false, leaked = false;
        var labels = new List<string>();
        var parents = new List<long>();
        foreach (int g in rows)
        {
            count += d.Multiplicity[g];
            int w = d.WaitMinutes[g];
            if (w >= 0)
            {
                minWait = Math.Min(minWait, w);
                maxWait = Math.Max(maxWait, w);
            }
            locked |= (d.Flags[g] & GoroutineFlags.LockedToThread) != 0;
            leaked |= (d.Flags[g] & GoroutineFlags.Leaked) != 0;
            if (labels.Count < 10)
                for (int l = d.LabelStart[g]; l < d.LabelStart[g + 1] && labels.Count < 10; l++)
                {
                    string text = d.Str(d.Labels[l].Key) + "=" + d.Str(d.Labels[l].Value);
                    if (!labels.Contains(text)) labels.Add(text);
                }
            if (d.ParentId[g] >= 0 && parents.Count < 10 && !parents.Contains(d.ParentId[g])) parents.Add(d.ParentId[g]);
        }
        if (maxWait < 0) minWait = -1;

        var frames = d.FramesOf(rep);
        int firstUser = -1;
        for (int i = 0; i < frames.Length; i++)
            if (GoPackages.IsUser(d.Str(frames[i].Function))) { firstUser = i; break; }
        bool createdByUser = d.CreatedByFunction[rep] >= 0 && GoPackages.IsUser(d.Str(d.CreatedByFunction[rep]));

        // Many goroutines, parked in user code, for long, matter most; the runtime's own and
        // the standard library's (GC workers, pollers, idle connections) least. A leak the runtime
        // detected outranks everything.
        double user = firstUser >= 0 ? 1.0 : createdByUser ? 0.5 : 0.1;
        double wait = 1 + Math.Log2(1 + Math.Max(0, maxWait));
        double score = count * user * wait * (leaked ? 100 : 1);

        return new GoroutineGroup
        {
            Representative = rep,
            Rows = rows,
            Count = count,
            MinWaitMinutes = minWait,
            MaxWaitMinutes = maxWait,
            Locked = locked,
            Leaked = leaked,
            Labels = labels,
            ParentIds = parents,
            FirstUserFrame = firstUser,
            Score = score,
        };
    }

    /// <summary>
    /// A text equal for groups with the same state, creator and frames in different dumps,
    /// arguments left out (their values change from dump to dump): what diffs match groups by.
    /// </summary>
    public static string StackKey(GoroutineDump d, GoroutineGroup group)
    {
        int g = group.Representative;
        var sb = new StringBuilder();
        sb.Append(d.Str(d.State[g])).Append('|').Append((int)(d.Flags[g] & KeyFlags)).Append('|');
        sb.Append(d.Str(d.CreatedByFunction[g])).Append('@').Append(d.Str(d.CreatedByFile[g])).Append(':').Append(d.CreatedByLine[g]);
        foreach (var f in d.FramesOf(g))
            sb.Append('\n').Append(d.Str(f.Function)).Append('@').Append(d.Str(f.File)).Append(':').Append(f.Line);
        return sb.ToString();
    }
}
