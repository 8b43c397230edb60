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
/// graph of millions of samples cheap.
/// </summary>
internal static class FlameTreeBuilder
{
    /// <summary>A sample on its way down the tree: a cursor into its stack (walked from the root end) and its values.</summary>
    private struct Item
    {
        /// <summary>Index in the source's Stack of the location being expanded; the stack ends below <see cref="Stop"/>.</summary>
        public int Pos;
        public int Stop;
        /// <summary>Which of the location's frames (outermost first) comes next.</summary>
        public int Sub;
        public int Source;
        public long Value;
        public long Base;
    }

    /// <summary>A profile's stacks, and the frames of each of its locations, outermost (caller) first.</summary>
    private sealed class Source(int[] stack, int[] frameStart, int[] frames)
    {
        public readonly int[] Stack = stack;
        public readonly int[] FrameStart = frameStart;
        public readonly int[] Frames = frames;
    }

    private struct Work(int node, int from, int to)
    {
        public int Node = node, From = from, To = to;
    }

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

        // The items: every sample with a non-zero value and a stack. Stackless samples count at the root.
        long rootValue = 0, rootBase = 0, rootSelf = 0, rootBaseSelf = 0;
        int itemCount = 0;
        foreach (var inp in inputs) itemCount += inp.Profile.SampleCount;
        var items = new Item[itemCount];
        itemCount = 0;
        for (int src = 0; src < inputs.Length; src++)
        {
            var p = inputs[src].Profile;
            int nv = p.ValueCount, vi = inputs[src].ValueIndex;
            var values = p.Values;
            var stackStart = p.StackStart;
            for (int s = 0; s < p.SampleCount; s++)
            {
                long v = values[(long)s * nv + vi];
                if (v == 0) continue;
                bool isBase = src == 1;
                if (isBase) rootBase += v;
                else rootValue += v;
                if (stackStart[s + 1] == stackStart[s])
                {
                    if (isBase) rootBaseSelf += v;
                    else rootSelf += v;
                    continue;
                }
                items[itemCount++] = new Item
                {
                    Pos = stackStart[s + 1] - 1, Stop = stackStart[s], Sub = 0, Source = src,
                    Value = isBase ? 0 : v, Base = isBase ? v : 0,
                };
            }
        }

        var t = new Nodes(diff, Math.Clamp(itemCount, 256, 1 << 16));
        t.Add(-1, -1, rootValue, rootBase);
        t.Self[0] = rootSelf;
        if (diff) t.BaseSelf[0] = rootBaseSelf;

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
        if (itemCount > 0) work[top++] = new Work(0, 0, itemCount);
        while (top > 0)
        {
            var (node, from, to) = (work[top - 1].Node, work[top - 1].From, work[top - 1].To);
            top--;
            if (to - from == 1)
            {
                Chain(ref t, node, ref items[from], sources);
                continue;
            }

            int nd = 0;
            for (int i = from; i < to; i++)
            {
                ref var it = ref items[i];
                int k = NextFrame(ref it, sources) + 1;
                keys[i] = k;
                if (count[k]++ == 0) distinct[nd++] = k;
                sumValue[k] += it.Value;
                sumBase[k] += it.Base;
                absValue[k] += Math.Abs(it.Value);
                absBase[k] += Math.Abs(it.Base);
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
                    if (top == work.Length) Array.Resize(ref work, work.Length * 2);
                    work[top++] = new Work(c, start, end);
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

    /// <summary>A range of one sample: the rest of its stack is a chain of single children.</summary>
    private static void Chain(ref Nodes t, int node, ref Item it, Source[] sources)
    {
        while (true)
        {
            int f = NextFrame(ref it, sources);
            if (f < 0)
            {
                t.Self[node] += it.Value;
                if (t.Diff) t.BaseSelf[node] += it.Base;
                return;
            }
            int c = t.Add(f, node, it.Value, it.Base);
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
