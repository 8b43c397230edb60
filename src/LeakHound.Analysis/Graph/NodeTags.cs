using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Graph;

/// <summary>What the tags of a graph's nodes are made of: which numeric label is kept and how its values are named.</summary>
public sealed record NodeTagOptions
{
    /// <summary>The one numeric label key kept (pprof keeps "bytes" only).</summary>
    public string NumericKey { get; init; } = "bytes";
    /// <summary>The unit of that label's values (pprof's NumLabelUnits entry for it).</summary>
    public string NumericUnit { get; init; } = "bytes";
    /// <summary>Names a numeric value (pprof formats it in the report's unit, so equal names merge).</summary>
    public required Func<long, string> NumericName { get; init; }
    /// <summary>A string label left out of the label sets (pprof's "pprof::base" marker of -diff_base).</summary>
    public string IgnoredLabel { get; init; } = "pprof::base";
}

/// <summary>
/// pprof's node tags, for chosen nodes: each node's samples grouped by their string labels (a "label
/// set": "key:value" pairs sorted and joined by a literal \n) and by the values of one numeric label,
/// with flat and cumulative weights as for the nodes themselves. Tags are rows of flat arrays; a
/// node's tags are listed by <see cref="Of"/>. A label tag has <see cref="IsNumeric"/> false and
/// names its label set; numeric tags belong to the label set of their samples (0 for none).
/// </summary>
public sealed class NodeTags
{
    private int[] _start = [];
    private int[] _order = [];

    public int Count { get; private set; }
    public required string[] LabelSets { get; init; }
    public required int[] Node { get; init; }
    public required int[] LabelSet { get; init; }
    public required bool[] IsNumeric { get; init; }
    public required string[] Name { get; init; }
    public required long[] Value { get; init; }
    public required long[] Flat { get; init; }
    public required long[] FlatDiv { get; init; }
    public required long[] Cum { get; init; }
    public required long[] CumDiv { get; init; }
    public required bool[] Removed { get; init; }
    public required string Unit { get; init; }

    public long FlatValue(int t) => FlatDiv[t] == 0 ? Flat[t] : Flat[t] / FlatDiv[t];
    public long CumValue(int t) => CumDiv[t] == 0 ? Cum[t] : Cum[t] / CumDiv[t];

    /// <summary>The tags of a node (removed ones included: check <see cref="Removed"/>).</summary>
    public ReadOnlySpan<int> Of(int node) =>
        node + 1 < _start.Length ? _order.AsSpan(_start[node], _start[node + 1] - _start[node]) : [];

    /// <summary>pprof's TrimLowFrequencyTags: tags whose |flat| and |cum| are both under the cutoff go.</summary>
    public void TrimBelow(long cutoff)
    {
        for (int t = 0; t < Count; t++)
            if (GoMath.Abs(Flat[t]) < cutoff && GoMath.Abs(Cum[t]) < cutoff) Removed[t] = true;
    }

    /// <summary>pprof's countTags: live tags of a node with a flat weight.</summary>
    public int CountFlat(int node)
    {
        int count = 0;
        foreach (int t in Of(node))
            if (!Removed[t] && Flat[t] != 0) count++;
        return count;
    }

    /// <summary>
    /// Adds every sample's weight to the tags of the <paramref name="wanted"/> nodes of its stack: to
    /// their cumulative weight once per node, and to the flat weight of the leaf. A node's tags do
    /// not depend on which other nodes a graph keeps, so they are computed once. (A graph pass over
    /// the samples can gather them too: <see cref="GraphAccumulator.Accumulate"/>.)
    /// </summary>
    public static NodeTags Build(Profile p, LocationNodes ln, int valueIndex, int meanIndex, bool[] wanted, NodeTagOptions o) =>
        GraphAccumulator.Accumulate(p, ln, valueIndex, meanIndex, wanted, EdgeScope.None, null, new TagRequest(wanted, o)).Tags!;

    /// <summary>Turns (node, signature) slots into tags, visiting slots in the order of their first sample.</summary>
    internal static NodeTags Expand(int nodeCount, SampleSignatures sigs, ReadOnlySpan<long> slotKey, ReadOnlySpan<int> slotFirst, ReadOnlySpan<long> sums, NodeTagOptions o)
    {
        var bySample = new int[slotKey.Length];
        for (int i = 0; i < bySample.Length; i++) bySample[i] = i;
        var first = slotFirst.ToArray();
        Array.Sort(first, bySample);

        var ids = new Dictionary<(int Node, int LabelSet, string? Name), int>();
        var node = new List<int>();
        var labelSet = new List<int>();
        var numeric = new List<bool>();
        var name = new List<string>();
        var value = new List<long>();
        var weights = new List<long>();
        var names = new Dictionary<long, string>();
        foreach (int slot in bySample)
        {
            int n = (int)(slotKey[slot] >> 32), sig = (int)(uint)slotKey[slot];
            int set = sigs.LabelSet[sig];
            var slotSums = sums.Slice(slot * 4, 4);
            if (set != 0) AddTo(Tag(n, set, null, 0), slotSums);
            foreach (long v in sigs.NumericValues(sig))
            {
                if (!names.TryGetValue(v, out var vn)) names[v] = vn = o.NumericName(v);
                AddTo(Tag(n, set, vn, v), slotSums);
            }
        }

        int count = node.Count;
        var start = new int[nodeCount + 1];
        foreach (int n in node) start[n + 1]++;
        for (int n = 0; n < nodeCount; n++) start[n + 1] += start[n];
        var order = new int[count];
        var fill = (int[])start.Clone();
        for (int t = 0; t < count; t++) order[fill[node[t]]++] = t;

        var tags = new NodeTags
        {
            LabelSets = sigs.LabelSetNames,
            Node = [.. node],
            LabelSet = [.. labelSet],
            IsNumeric = [.. numeric],
            Name = [.. name],
            Value = [.. value],
            Flat = new long[count],
            FlatDiv = new long[count],
            Cum = new long[count],
            CumDiv = new long[count],
            Removed = new bool[count],
            Unit = o.NumericUnit,
            Count = count,
            _start = start,
            _order = order,
        };
        for (int t = 0; t < count; t++)
        {
            tags.Flat[t] = weights[t * 4];
            tags.FlatDiv[t] = weights[t * 4 + 1];
            tags.Cum[t] = weights[t * 4 + 2];
            tags.CumDiv[t] = weights[t * 4 + 3];
        }
        return tags;

        int Tag(int n, int set, string? numericName, long v)
        {
            if (ids.TryGetValue((n, set, numericName), out int t)) return t;
            t = node.Count;
            ids.Add((n, set, numericName), t);
            node.Add(n);
            labelSet.Add(set);
            numeric.Add(numericName is not null);
            name.Add(numericName ?? sigs.LabelSetNames[set]);
            value.Add(v);
            weights.AddRange([0, 0, 0, 0]);
            return t;
        }

        void AddTo(int t, ReadOnlySpan<long> add)
        {
            for (int k = 0; k < 4; k++) weights[t * 4 + k] += add[k];
        }
    }
}

/// <summary>Tags a graph pass should gather: for which nodes, and how they are made.</summary>
public sealed record TagRequest(bool[] Wanted, NodeTagOptions Options);

/// <summary>
/// The weights of (node, signature) pairs met in one range of samples, in the order first met (with
/// that first sample): what <see cref="NodeTags"/> are made of. Ranges taken in sample order merge
/// into the same slots, in the same order, as one pass over all samples.
/// </summary>
internal sealed class TagSlots
{
    private readonly SampleSignatures _signatures;
    private readonly bool[] _wanted;
    // Slots are found by (signature, node) in a dense table: a row of cells per signature met (rows
    // made as signatures appear), a cell per wanted node, holding slot + 1 (0: none yet). Profiles
    // have few signatures (Go labels heap samples with one of a few dozen object sizes).
    private readonly int[] _compact;
    private readonly int _wantedCount;
    private readonly int[] _rowOf;
    private GrowableArray<int> _cells = new(256);
    private GrowableArray<long> _key = new(256);
    private GrowableArray<int> _first = new(256);
    private GrowableArray<long> _sums = new(1024); // flat, flatDiv, cum, cumDiv per slot

    public TagSlots(SampleSignatures signatures, bool[] wanted, int[] compact, int wantedCount)
    {
        _signatures = signatures;
        _wanted = wanted;
        _compact = compact;
        _wantedCount = wantedCount;
        _rowOf = new int[signatures.Count];
        Array.Fill(_rowOf, -1);
    }

    /// <summary>For each node, its index among the wanted ones (-1 when not wanted), and how many are wanted.</summary>
    public static (int[] Compact, int Count) Compact(bool[] wanted)
    {
        var compact = new int[wanted.Length];
        int count = 0;
        for (int n = 0; n < wanted.Length; n++) compact[n] = wanted[n] ? count++ : -1;
        return (compact, count);
    }

    public bool[] Wanted => _wanted;

    /// <summary>The sample's signature, or -1 when it has no tags.</summary>
    public int SignatureOf(int sample) => _signatures.OfSample[sample];

    public void Add(int node, int signature, int sample, long w, long dw, bool flat)
    {
        int slot = Slot(node, signature, sample);
        int k = slot * 4 + (flat ? 0 : 2);
        _sums[k] += w;
        _sums[k + 1] += dw;
    }

    /// <summary>Adds the slots of a later range of samples.</summary>
    public void AddAll(TagSlots later)
    {
        for (int i = 0; i < later._key.Count; i++)
        {
            long key = later._key[i];
            int slot = Slot((int)(key >> 32), (int)(uint)key, later._first[i]);
            for (int k = 0; k < 4; k++) _sums[slot * 4 + k] += later._sums[i * 4 + k];
        }
    }

    public NodeTags ToTags(int nodeCount, NodeTagOptions o) =>
        NodeTags.Expand(nodeCount, _signatures, _key.AsSpan(), _first.AsSpan(), _sums.AsSpan(), o);

    private int Slot(int node, int signature, int sample)
    {
        int row = _rowOf[signature];
        if (row < 0)
        {
            row = _rowOf[signature] = _cells.Count / _wantedCount;
            for (int i = 0; i < _wantedCount; i++) _cells.Add(0);
        }
        ref int cell = ref _cells[row * _wantedCount + _compact[node]];
        if (cell != 0) return cell - 1;
        int slot = _key.Count;
        cell = slot + 1;
        _key.Add(((long)node << 32) | (uint)signature);
        _first.Add(sample);
        for (int k = 0; k < 4; k++) _sums.Add(0);
        return slot;
    }
}
