using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// pprof's context-sensitive call tree (<c>-call_tree</c>, its graph.newTree): a frame's node is
/// looked up among the callees of its caller's node, so a function has one node per distinct call
/// path from a root, and every node but a root has exactly one caller.
/// <para>
/// The tree is held as a profile and its <see cref="LocationNodes"/>: each location is split by
/// calling context (one "context location" per caller node and location, standing for the tree
/// nodes of its lines), each sample's stack is rewritten over them, and the nodes are the tree's
/// (their infos repeat where a function is reached by several paths). A node then occurs at most
/// once per sample, so what is computed over a profile's graph — tags (<see cref="NodeTags"/>),
/// or values and edges (<see cref="GraphAccumulator"/>) — comes out as pprof computes it over the
/// tree. Values and edges are simple enough in a tree to be kept here, without an edge table:
/// a node's one edge, from its caller, weighs what the node does.
/// </para>
/// </summary>
public sealed class CallTree
{
    /// <summary>The profile with stacks over context locations; samples without a value for the tree's sample value have empty stacks.</summary>
    public required Profile Profile { get; init; }

    /// <summary>Context locations → tree nodes (innermost inlined line first); <see cref="LocationNodes.Infos"/> has one entry per tree node.</summary>
    public required LocationNodes Nodes { get; init; }

    /// <summary>Each tree node's caller, -1 for a root. A caller's id is smaller than its callees'.</summary>
    public required int[] Parent { get; init; }

    /// <summary>Each node's flat and cumulative value (and -mean divisors); also the weight of the edge from its caller.</summary>
    public required NodeValues Values { get; init; }

    /// <summary>
    /// Whether the edge from each node's caller is inline: the node is an inlined (not the
    /// outermost) line of every context location it is in, as pprof's edge is inline only if every
    /// call along it was.
    /// </summary>
    public required bool[] InlineIn { get; init; }

    public int NodeCount => Parent.Length;

    /// <summary>
    /// Builds the tree of the samples with a value (pprof skips those whose value and -mean divisor
    /// are both 0) over the nodes of <paramref name="ln"/>.
    /// </summary>
    /// <exception cref="UsageException">The tree would have more nodes than <see cref="Limits.MaxTableEntries"/>.</exception>
    public static CallTree Build(Profile p, LocationNodes ln, int valueIndex, int meanIndex, Limits? limits = null)
    {
        int maxNodes = (limits ?? Limits.Default).MaxTableEntries;
        var nodeIds = new Dictionary<long, int>(); // (caller, graph node) → tree node
        var contextIds = new Dictionary<long, int>(); // (caller, location) → context location
        var parent = new GrowableArray<int>(1024);
        var infos = new GrowableArray<NodeInfo>(1024);
        var contextStart = new GrowableArray<int>(1024);
        contextStart.Add(0);
        var contextNodes = new GrowableArray<int>(1024);
        var contextLocation = new GrowableArray<int>(1024);
        var outermost = new GrowableArray<bool>(1024); // per node: the outermost line of some context location

        var stackStart = new int[p.SampleCount + 1];
        var stack = new int[p.Stack.Length];
        int pos = 0;
        int nv = p.ValueCount;
        for (int s = 0; s < p.SampleCount; s++)
        {
            long w = p.Values[(long)s * nv + valueIndex];
            long dw = meanIndex >= 0 ? p.Values[(long)s * nv + meanIndex] : 0;
            int from = p.StackStart[s], to = p.StackStart[s + 1];
            if (w != 0 || dw != 0)
            {
                // From the root (the stack's last frame) to the leaf, each frame found under its caller.
                int caller = -1;
                for (int i = to - 1; i >= from; i--)
                {
                    int context = Context(caller, p.Stack[i]);
                    stack[pos + (i - from)] = context;
                    caller = contextNodes[contextStart[context]]; // its innermost line
                }
                pos += to - from;
            }
            stackStart[s + 1] = pos;
        }

        int nodeCount = parent.Count;
        var values = new NodeValues(nodeCount);
        var starts = contextStart.AsSpan();
        var nodes = contextNodes.AsSpan();
        for (int s = 0; s < p.SampleCount; s++)
        {
            int from = stackStart[s], to = stackStart[s + 1];
            if (from == to) continue;
            long w = p.Values[(long)s * nv + valueIndex];
            long dw = meanIndex >= 0 ? p.Values[(long)s * nv + meanIndex] : 0;
            for (int i = from; i < to; i++)
            {
                foreach (int n in nodes[starts[stack[i]]..starts[stack[i] + 1]])
                {
                    values.Cum[n] += w;
                    values.CumDiv[n] += dw;
                }
            }
            int leaf = nodes[starts[stack[from]]];
            values.Flat[leaf] += w;
            values.FlatDiv[leaf] += dw;
        }
        var inlineIn = new bool[nodeCount];
        for (int n = 0; n < nodeCount; n++) inlineIn[n] = !outermost[n];

        var locations = new Location[contextLocation.Count];
        for (int c = 0; c < locations.Length; c++) locations[c] = p.Locations[contextLocation[c]];
        return new CallTree
        {
            Profile = p.With(locations: locations, stackStart: stackStart, stack: pos == stack.Length ? stack : stack[..pos]),
            Nodes = new LocationNodes { Start = contextStart.ToArray(), Node = contextNodes.ToArray(), Infos = infos.ToArray() },
            Parent = parent.ToArray(),
            Values = values,
            InlineIn = inlineIn,
        };

        int Context(int caller, int location)
        {
            long key = PairKey.Of(caller, location);
            if (contextIds.TryGetValue(key, out int c)) return c;
            c = contextLocation.Count;
            contextIds.Add(key, c);
            contextLocation.Add(location);
            // A location's lines are innermost first; the outermost is called by the caller.
            var lines = ln.NodesOf(location);
            int first = contextNodes.Count;
            for (int k = 0; k < lines.Length; k++) contextNodes.Add(0);
            int up = caller;
            for (int k = lines.Length - 1; k >= 0; k--)
            {
                up = Node(up, lines[k]);
                contextNodes[first + k] = up;
                if (k == lines.Length - 1) outermost[up] = true;
            }
            contextStart.Add(contextNodes.Count);
            return c;
        }

        int Node(int caller, int graphNode)
        {
            long key = PairKey.Of(caller, graphNode);
            if (nodeIds.TryGetValue(key, out int n)) return n;
            n = parent.Count;
            if (n >= maxNodes)
                throw new UsageException($"the call tree has more than {maxNodes} nodes; filter the profile (-focus, -show_from, …) or leave out -call_tree");
            nodeIds.Add(key, n);
            parent.Add(caller);
            infos.Add(ln.Infos[graphNode]);
            outermost.Add(false);
            return n;
        }
    }
}
