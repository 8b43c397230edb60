using LeakHound.Analysis.Graph;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Flame;

/// <summary>
/// Builds a <see cref="FlameTree"/> top-down, as a most-significant-digit radix sort of the stacks:
/// the samples passing through a node are one contiguous range of a work array; the range is split
/// by each sample's next frame (a stable counting sort over the frames seen), each part becoming a
/// child. No hash lookup per frame and no object per node, and a part whose value is under the
/// threshold is dropped before anything beneath it is looked at, which is what makes a pruned
/// graph of millions of samples cheap. A run of frames that every sample of a range shares (the
/// outermost frames of a Go program nearly always are) is found in one pass, not one per frame.
/// </summary>
internal static class FlameTreeBuilder
{
    /// <summary>A sample on its way down the tree: a cursor into its stack (walked from the root end) and its value. 24 bytes: the passes are memory-bound.</summary>
    private struct Item
    {
        /// <summary>Index in the source's Stack of the location being expanded; the stack ends below <see cref="Stop"/>.</summary>
        public int Pos;
        public int Stop;
        /// <summary>Which of the location's frames (outermost first) comes next.</summary>
        public int Sub;
        /// <summary>0 for the (new) profile, 1 for the base.</summary>
        public int Source;
        public long Value;
    }

    /// <summary>A profile's stacks, and the frames of each of its locations, outermost (caller) first.</summary>
    private sealed class Source(int[] stack, int[] frameStart, int[] frames)
    {
        public readonly int[] Stack = stack;
        public readonly int[] FrameStart = frameStart;
        public readonly int[] Frames = frames;
    }

    /// <summary>A node whose samples are items From..To, each still to skip Skip frames (a run they were seen to share).</summary>
    private struct Work(int node, int from, int to, int skip)
    {
        public int Node = node, From = from, To = to, Skip = skip;
    }

    /// <summary>How many frames past the next one a range's pass looks for a run shared by all its items.</summary>
    private const int Lookahead = 32;

    public static FlameTree Build(FlameInput input, FlameInput? baseInput, FlameTreeOptions options)
    {
        var inputs = baseInput is { } b ? new[] { input, b } : new[] { input };
        var tables = new LocationNodes[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var p = inputs[i].Profile;
            if (inputs[i].ValueIndex < 0 || inputs[i].ValueIndex >= p.ValueCount)
                throw new ArgumentOutOfRangeException(nameof(input), $"value index {inputs[i].ValueIndex} is outside the profile's {p.ValueCount} sample types");
            tables[i] = LocationNodes.Build(p, options.Granularity, options.NoInlines);
        }
        var (frames, frameOfNode) = FlameFrames.Build(tables);
        var sources = new Source[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) sources[i] = MakeSource(inputs[i].Profile, tables[i], frameOfNode[i]);

        long total = SumAbs(inputs[0]);
        long baseTotal = inputs.Length > 1 ? SumAbs(inputs[1]) : 0;
        long min = Math.Max(1, (long)(options.MinFraction * Math.Max(total, baseTotal)));
        bool diff = inputs.Length > 1;

        var (items, itemCount, root) = MakeItems(inputs);
        var t = new Nodes(diff, Math.Clamp(itemCount, 256, 1 << 16));
        t.Add(-1, -1, root.Value, root.Base);
        t.Self[0] = root.Self;
        if (diff) t.BaseSelf[0] = root.BaseSelf;

        int frameKeys = frames.Count + 1; // key 0: the stack ended here; key f+1: frame f
        var count = new int[frameKeys];
        var next = new int[frameKeys];
        var sumValue = new long[frameKeys];
        var sumBase = new long[frameKeys];
        var absValue = new long[frameKeys];
        var absBase = new long[frameKeys];
        var distinct = new int[frameKeys];
        var keys = new int[itemCount];
        var scratch = new Item[itemCount];

        var work = new Work[64];
        int top = 0;
        if (itemCount > 0) work[top++] = new Work(0, 0, itemCount, 0);
        Span<int> ahead = stackalloc int[Lookahead];
        while (top > 0)
        {
            var (node, from, to, skip) = (work[top - 1].Node, work[top - 1].From, work[top - 1].To, work[top - 1].Skip);
            top--;
            if (to - from == 1)
            {
                ref var single = ref items[from];
                for (int s = 0; s < skip; s++) NextFrame(ref single, sources);
                Chain(ref t, node, ref single, sources);
                continue;
            }

            // One pass: each item's next frame (its key) and the sums per key; and, while all items
            // so far have the same key, how many frames after it they all share (peeked on a copy of
            // the cursor), so that a run shared by a whole range costs one pass instead of one per frame.
            int nd = 0, shared = 0, aheadCount = 0;
            for (int i = from; i < to; i++)
            {
                ref var it = ref items[i];
                for (int s = 0; s < skip; s++) NextFrame(ref it, sources);
                int k = NextFrame(ref it, sources) + 1;
                keys[i] = k;
                if (count[k]++ == 0) distinct[nd++] = k;
                long v = it.Value;
                if (it.Source == 0)
                {
                    sumValue[k] += v;
                    absValue[k] += Math.Abs(v);
                }
                else
                {
                    sumBase[k] += v;
                    absBase[k] += Math.Abs(v);
                }
                if (nd != 1 || k == 0)
                {
                    shared = 0;
                }
                else if (i == from)
                {
                    var peek = it;
                    while (aheadCount < Lookahead && NextFrame(ref peek, sources) is int f and >= 0) ahead[aheadCount++] = f;
                    shared = aheadCount;
                }
                else if (shared > 0)
                {
                    var peek = it;
                    int m = 0;
                    while (m < shared && NextFrame(ref peek, sources) == ahead[m]) m++;
                    shared = m;
                }
            }

            if (nd > 1)
            {
                Array.Sort(distinct, 0, nd);
                int o = from;
                for (int j = 0; j < nd; j++)
                {
                    next[distinct[j]] = o;
                    o += count[distinct[j]];
                }
                for (int i = from; i < to; i++) scratch[next[keys[i]]++] = items[i];
                Array.Copy(scratch, from, items, from, to - from);
            }

            int start = from, first = -1, kids = 0;
            for (int j = 0; j < nd; j++)
            {
                int k = distinct[j];
                int end = start + count[k];
                long v = sumValue[k], bv = sumBase[k];
                // Pruned by the value passing through, so that samples of opposite signs never hide each other.
                long magnitude = Math.Max(absValue[k], absBase[k]);
                count[k] = 0;
                sumValue[k] = 0;
                sumBase[k] = 0;
                absValue[k] = 0;
                absBase[k] = 0;
                if (k == 0)
                {
                    t.Self[node] += v;
                    if (diff) t.BaseSelf[node] += bv;
                }
                else if (magnitude >= min)
                {
                    int c = t.Add(k - 1, node, v, bv);
                    if (first < 0) first = c;
                    kids++;
                    // The frames every item shares after this one: a chain of single children, whose
                    // items skip those frames when their range is next split.
                    int last = c;
                    for (int m = 0; m < shared; m++)
                    {
                        int d = t.Add(ahead[m], last, v, bv);
                        t.FirstChild[last] = d;
                        t.ChildCount[last] = 1;
                        last = d;
                    }
                    if (top == work.Length) Array.Resize(ref work, work.Length * 2);
                    work[top++] = new Work(last, start, end, shared);
                }
                start = end;
            }
            if (kids > 0)
            {
                t.FirstChild[node] = first;
                t.ChildCount[node] = kids;
            }
        }

        return new FlameTree
        {
            Frames = frames,
            Frame = t.Frame.ToArray(),
            Parent = t.Parent.ToArray(),
            FirstChild = t.FirstChild.ToArray(),
            ChildCount = t.ChildCount.ToArray(),
            Value = t.Value.ToArray(),
            Self = t.Self.ToArray(),
            BaseValue = diff ? t.BaseValue.ToArray() : null,
            BaseSelf = diff ? t.BaseSelf.ToArray() : null,
            Total = total,
            BaseTotal = baseTotal,
            MinMagnitude = min,
        };
    }

    /// <summary>
    /// The items: every sample with a non-zero value and a stack, in sample order (which keeps the
    /// passes over stacks sequential). Stackless samples count at the root only.
    /// </summary>
    private static (Item[] Items, int Count, (long Value, long Base, long Self, long BaseSelf) Root) MakeItems(FlameInput[] inputs)
    {
        long value = 0, baseValue = 0, self = 0, baseSelf = 0;
        int count = 0;
        foreach (var inp in inputs) count += inp.Profile.SampleCount;
        var items = new Item[count];
        count = 0;
        for (int src = 0; src < inputs.Length; src++)
        {
            var p = inputs[src].Profile;
            int nv = p.ValueCount, vi = inputs[src].ValueIndex;
            var values = p.Values;
            var stackStart = p.StackStart;
            bool isBase = src == 1;
            for (int s = 0; s < p.SampleCount; s++)
            {
                long v = values[(long)s * nv + vi];
                if (v == 0) continue;
                if (isBase) baseValue += v;
                else value += v;
                if (stackStart[s + 1] == stackStart[s])
                {
                    if (isBase) baseSelf += v;
                    else self += v;
                    continue;
                }
                items[count++] = new Item { Pos = stackStart[s + 1] - 1, Stop = stackStart[s], Sub = 0, Source = src, Value = v };
            }
        }
        return (items, count, (value, baseValue, self, baseSelf));
    }

    /// <summary>A range of one sample: the rest of its stack is a chain of single children.</summary>
    private static void Chain(ref Nodes t, int node, ref Item it, Source[] sources)
    {
        while (true)
        {
            int f = NextFrame(ref it, sources);
            bool isBase = it.Source != 0;
            if (f < 0)
            {
                if (isBase) t.BaseSelf[node] += it.Value;
                else t.Self[node] += it.Value;
                return;
            }
            int c = t.Add(f, node, isBase ? 0 : it.Value, isBase ? it.Value : 0);
            t.FirstChild[node] = c;
            t.ChildCount[node] = 1;
            node = c;
        }
    }

    /// <summary>The item's next frame from the root, advancing its cursor; -1 when its stack is used up.</summary>
    private static int NextFrame(ref Item it, Source[] sources)
    {
        if (it.Pos < it.Stop) return -1;
        var s = sources[it.Source];
        int loc = s.Stack[it.Pos];
        int at = s.FrameStart[loc] + it.Sub;
        int f = s.Frames[at];
        if (at + 1 == s.FrameStart[loc + 1])
        {
            it.Sub = 0;
            it.Pos--;
        }
        else
        {
            it.Sub++;
        }
        return f;
    }

    private static Source MakeSource(Profile p, LocationNodes ln, int[] frameOfNode)
    {
        var frameStart = new int[p.Locations.Length + 1];
        var frames = new int[ln.Start[^1]];
        for (int l = 0; l < p.Locations.Length; l++)
        {
            var nodes = ln.NodesOf(l);
            int at = ln.Start[l];
            frameStart[l] = at;
            // LocationNodes lists the innermost inlined function first; the walk from the root wants the caller first.
            for (int i = 0; i < nodes.Length; i++) frames[at + i] = frameOfNode[nodes[nodes.Length - 1 - i]];
        }
        frameStart[^1] = ln.Start[^1];
        return new Source(p.Stack, frameStart, frames);
    }

    private static long SumAbs(FlameInput input)
    {
        var p = input.Profile;
        long sum = 0;
        for (int s = 0; s < p.SampleCount; s++) sum += Math.Abs(p.Values[(long)s * p.ValueCount + input.ValueIndex]);
        return sum;
    }

    /// <summary>The node columns while building.</summary>
    private struct Nodes(bool diff, int capacity)
    {
        public readonly bool Diff = diff;
        public GrowableArray<int> Frame = new(capacity);
        public GrowableArray<int> Parent = new(capacity);
        public GrowableArray<int> FirstChild = new(capacity);
        public GrowableArray<int> ChildCount = new(capacity);
        public GrowableArray<long> Value = new(capacity);
        public GrowableArray<long> Self = new(capacity);
        public GrowableArray<long> BaseValue = new(diff ? capacity : 0);
        public GrowableArray<long> BaseSelf = new(diff ? capacity : 0);

        public int Add(int frame, int parent, long value, long baseValue)
        {
            int id = Frame.Count;
            Frame.Add(frame);
            Parent.Add(parent);
            FirstChild.Add(0);
            ChildCount.Add(0);
            Value.Add(value);
            Self.Add(0);
            if (Diff)
            {
                BaseValue.Add(baseValue);
                BaseSelf.Add(0);
            }
            return id;
        }
    }
}
