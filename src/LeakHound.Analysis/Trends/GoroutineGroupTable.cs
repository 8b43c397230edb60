using LeakHound.Analysis.Goroutines;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// Goroutine dumps of one process run aggregated into one count series per group: each dump is
/// grouped by stack with arguments ignored (<see cref="StackSimilarity.IgnoreArgs"/>) and groups
/// are matched across dumps by <see cref="GoroutineGrouping.StackKey"/> (state, creator, frames).
/// A dump has tens to hundreds of groups, so a string key per group is cheap.
/// </summary>
public sealed class GoroutineGroupTable
{
    private readonly Dictionary<string, int> _groups = new(StringComparer.Ordinal);
    private readonly List<GroupInfo> _info = [];
    private double[] _counts = [];

    public GoroutineGroupTable(int snapshots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(snapshots);
        Snapshots = snapshots;
        Totals = new double[snapshots];
    }

    private sealed record GroupInfo(string Function, string File, int Line, string State, IReadOnlyList<string> Stack);

    public int Snapshots { get; }

    public int GroupCount => _info.Count;

    /// <summary>Each snapshot's goroutine total (the dump's <see cref="GoroutineDump.TotalGoroutines"/>).</summary>
    public double[] Totals { get; }

    /// <summary>Group <paramref name="group"/>'s goroutines, one count per snapshot (0 where absent).</summary>
    public ReadOnlySpan<double> Counts(int group) => _counts.AsSpan(group * Snapshots, Snapshots);

    /// <summary>The group's first frame in user code (or its creator's, or the leaf's when there is none).</summary>
    public string Function(int group) => _info[group].Function;

    public string File(int group) => _info[group].File;

    public int Line(int group) => _info[group].Line;

    /// <summary>The wait state as the dump printed it ("chan send"); empty for the count and proto forms.</summary>
    public string State(int group) => _info[group].State;

    /// <summary>The function names of the group's stack, leaf first.</summary>
    public IReadOnlyList<string> Stack(int group) => _info[group].Stack;

    /// <summary>Adds dump <paramref name="d"/> as snapshot <paramref name="t"/>.</summary>
    public void Add(int t, GoroutineDump d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, Snapshots);
        Totals[t] = d.TotalGoroutines;
        foreach (var g in GoroutineGrouping.Group(d, StackSimilarity.IgnoreArgs))
        {
            string key = GoroutineGrouping.StackKey(d, g);
            if (!_groups.TryGetValue(key, out int id))
            {
                id = _info.Count;
                _groups.Add(key, id);
                _info.Add(Describe(d, g));
                if ((long)_info.Count * Snapshots > _counts.Length)
                    Array.Resize(ref _counts, (int)Math.Min(Array.MaxLength, Math.Max((long)_counts.Length * 2, (long)_info.Count * Snapshots)));
            }
            _counts[id * Snapshots + t] += g.Count;
        }
    }

    private static GroupInfo Describe(GoroutineDump d, GoroutineGroup g)
    {
        int rep = g.Representative;
        var frames = d.FramesOf(rep);
        var stack = new string[frames.Length];
        for (int i = 0; i < frames.Length; i++) stack[i] = d.Str(frames[i].Function);
        string state = d.Str(d.State[rep]);
        if (g.FirstUserFrame >= 0)
        {
            var f = frames[g.FirstUserFrame];
            return new GroupInfo(d.Str(f.Function), d.Str(f.File), f.Line, state, stack);
        }
        // All in the runtime or standard library: the creator says more when it is the user's code.
        if (d.CreatedByFunction[rep] >= 0 && GoPackages.IsUser(d.Str(d.CreatedByFunction[rep])))
            return new GroupInfo(d.Str(d.CreatedByFunction[rep]), d.Str(d.CreatedByFile[rep]), d.CreatedByLine[rep], state, stack);
        if (frames.Length > 0)
            return new GroupInfo(d.Str(frames[0].Function), d.Str(frames[0].File), frames[0].Line, state, stack);
        return new GroupInfo("", "", 0, state, stack);
    }
}
