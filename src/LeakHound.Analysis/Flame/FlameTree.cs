using LeakHound.Core;

namespace LeakHound.Analysis.Flame;

/// <summary>
/// The call tree a flame graph draws: one node per distinct path from the outermost frame, held in
/// flat arrays indexed by node id. Node 0 is a synthetic root standing for all samples (its frame is
/// -1); its children are the outermost frames. A location's inlined frames are expanded, the
/// innermost last on the path, as pprof's graph does. The children of a node are the contiguous ids
/// <see cref="FirstChild"/>..+<see cref="ChildCount"/>, in frame (that is, name) order, and every
/// child's id is greater than its parent's, so a backward pass over ids sees children before parents.
/// A differential tree (built from a base and a new profile) has both values on every node.
/// </summary>
public sealed class FlameTree
{
    public required FlameFrames Frames { get; init; }
    public required int[] Frame { get; init; }
    public required int[] Parent { get; init; }
    public required int[] FirstChild { get; init; }
    public required int[] ChildCount { get; init; }

    /// <summary>The summed sample value of every sample whose stack passes through the node (the new profile's, in a diff).</summary>
    public required long[] Value { get; init; }

    /// <summary>The part of <see cref="Value"/> from samples whose stack ends at the node.</summary>
    public required long[] Self { get; init; }

    /// <summary>As <see cref="Value"/>, from the base profile; null unless <see cref="IsDiff"/>.</summary>
    public long[]? BaseValue { get; init; }

    /// <summary>As <see cref="Self"/>, from the base profile; null unless <see cref="IsDiff"/>.</summary>
    public long[]? BaseSelf { get; init; }

    /// <summary>The sum of |value| over the new profile's samples (what pprof calls the total).</summary>
    public long Total { get; init; }

    /// <summary>The sum of |value| over the base profile's samples; 0 unless <see cref="IsDiff"/>.</summary>
    public long BaseTotal { get; init; }

    /// <summary>
    /// Nodes under this were left out: by the value passing through them when built (see
    /// <see cref="FlameTreeOptions.MinFraction"/>), by <see cref="Magnitude"/> when pruned. At least 1:
    /// nothing of zero value appears.
    /// </summary>
    public long MinMagnitude { get; init; } = 1;

    public int NodeCount => Frame.Length;
    public bool IsDiff => BaseValue is not null;

    public const int Root = 0;

    /// <summary>The larger of |new| and |base|: what pruning and thresholds go by.</summary>
    public long Magnitude(int node)
    {
        long m = Math.Abs(Value[node]);
        return BaseValue is null ? m : Math.Max(m, Math.Abs(BaseValue[node]));
    }

    public long BaseValueOf(int node) => BaseValue?[node] ?? 0;
    public long BaseSelfOf(int node) => BaseSelf?[node] ?? 0;

    /// <summary>The frame's full name; "root" for the root.</summary>
    public string Name(int node) => Frame[node] < 0 ? "root" : Frames.Name(Frame[node]);

    /// <summary>The depth of every node (0 for the root).</summary>
    public int[] Depths()
    {
        var depth = new int[NodeCount];
        for (int n = 1; n < depth.Length; n++) depth[n] = depth[Parent[n]] + 1;
        return depth;
    }

    /// <summary>The child of <paramref name="node"/> with this frame, or -1.</summary>
    public int Child(int node, int frame)
    {
        int lo = FirstChild[node], hi = lo + ChildCount[node] - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int f = Frame[mid];
            if (f == frame) return mid;
            if (f < frame) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>The node reached from the root by these frame names (outermost first), or -1.</summary>
    public int Find(params string[] path)
    {
        int node = Root;
        foreach (var name in path)
        {
            int next = -1;
            for (int c = FirstChild[node], end = c + ChildCount[node]; c < end; c++)
                if (Frames.Name(Frame[c]) == name) { next = c; break; }
            if (next < 0) return -1;
            node = next;
        }
        return node;
    }

    /// <summary>
    /// The width each node needs in a layout where widths are proportional to values: the larger of
    /// its two values (one in a plain tree) and of the sum of its children's widths, so children
    /// always fit inside their parent even when they moved in opposite directions or are negative.
    /// </summary>
    public long[] LayoutWidths()
    {
        var w = new long[NodeCount];
        for (int n = NodeCount - 1; n >= 0; n--)
        {
            long own = Math.Max(0, Math.Max(Value[n], BaseValue is null ? 0 : BaseValue[n]));
            long kids = 0;
            for (int c = FirstChild[n], end = c + ChildCount[n]; c < end; c++) kids += w[c];
            w[n] = Math.Max(own, kids);
        }
        return w;
    }

    /// <summary>
    /// A copy without the nodes whose <see cref="Magnitude"/> is under <paramref name="minMagnitude"/>
    /// (and everything beneath them), raising that threshold as far as needed to keep at most
    /// <paramref name="maxNodes"/> nodes besides the root. Ids are renumbered; the layout rules hold.
    /// </summary>
    public FlameTree Prune(long minMagnitude, int maxNodes)
    {
        minMagnitude = Math.Max(minMagnitude, MinMagnitude);
        long threshold = Threshold(minMagnitude, maxNodes);

        var frame = new GrowableArray<int>((int)Math.Min(NodeCount, (long)maxNodes + 1));
        var parent = new GrowableArray<int>(frame.Count);
        var firstChild = new GrowableArray<int>(frame.Count);
        var childCount = new GrowableArray<int>(frame.Count);
        var oldId = new GrowableArray<int>(frame.Count);
        frame.Add(-1);
        parent.Add(-1);
        firstChild.Add(0);
        childCount.Add(0);
        oldId.Add(Root);
        // Breadth first: the kept children of each node get consecutive new ids.
        for (int n = 0; n < oldId.Count; n++)
        {
            int old = oldId[n];
            firstChild[n] = frame.Count;
            for (int c = FirstChild[old], end = c + ChildCount[old]; c < end; c++)
            {
                if (Magnitude(c) < threshold) continue;
                frame.Add(Frame[c]);
                parent.Add(n);
                firstChild.Add(0);
                childCount.Add(0);
                oldId.Add(c);
                childCount[n]++;
            }
        }

        var ids = oldId.ToArray();
        return new FlameTree
        {
            Frames = Frames,
            Frame = frame.ToArray(),
            Parent = parent.ToArray(),
            FirstChild = firstChild.ToArray(),
            ChildCount = childCount.ToArray(),
            Value = Pick(Value, ids)!,
            Self = Pick(Self, ids)!,
            BaseValue = Pick(BaseValue, ids),
            BaseSelf = Pick(BaseSelf, ids),
            Total = Total,
            BaseTotal = BaseTotal,
            MinMagnitude = threshold,
        };
    }

    private static long[]? Pick(long[]? a, int[] ids)
    {
        if (a is null) return null;
        var r = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++) r[i] = a[ids[i]];
        return r;
    }

    /// <summary>The least magnitude to keep so that at most <paramref name="maxNodes"/> non-root nodes are at or above it.</summary>
    private long Threshold(long minMagnitude, int maxNodes)
    {
        int candidates = 0;
        for (int n = 1; n < NodeCount; n++)
            if (Magnitude(n) >= minMagnitude) candidates++;
        if (candidates <= maxNodes) return minMagnitude;
        if (maxNodes <= 0) return long.MaxValue;
        var mags = new long[candidates];
        int i = 0;
        for (int n = 1; n < NodeCount; n++)
        {
            long m = Magnitude(n);
            if (m >= minMagnitude) mags[i++] = m;
        }
        Array.Sort(mags);
        Array.Reverse(mags);
        long t = mags[maxNodes - 1];
        // Ties at the cut would keep more than asked for: cut strictly above them instead.
        return maxNodes < mags.Length && mags[maxNodes] == t ? t + 1 : t;
    }

    /// <summary>The call tree of one profile's samples for one sample value.</summary>
    public static FlameTree Build(FlameInput input, FlameTreeOptions options) =>
        FlameTreeBuilder.Build(input, null, options);

    /// <summary>
    /// The differential call tree: every node carries the new profile's value in <see cref="Value"/>
    /// and the base's in <see cref="BaseValue"/>. Frames are matched by identity at the chosen
    /// granularity (function name, or function and line, …), not by address.
    /// </summary>
    public static FlameTree BuildDiff(FlameInput baseInput, FlameInput newInput, FlameTreeOptions options) =>
        FlameTreeBuilder.Build(newInput, baseInput, options);
}
