using LeakHound.Core;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// pprof's trimming of a call tree (newTrimmedGraph with -call_tree, for DOT and callgrind). It
/// differs from a graph's (<see cref="VisualGraph"/>, <see cref="TrimmedGraph"/>) in one way:
/// pprof does not rebuild a tree from the samples over the nodes it keeps, it cuts the dropped
/// nodes out of the tree it has (its TrimTree). A dropped node's callees move up to its caller
/// over a residual edge that keeps their weight, inline only if both edges were; callees of a
/// dropped root become roots. Edges trimmed before the node-count cut stay trimmed, and a node
/// that lost its edge counts as a root. Values and edge weights do not change: they are the
/// tree's (<see cref="CallTree.Values"/>).
/// </summary>
public static class CallTreeGraph
{
    /// <summary>The tree as DOT shows it: entropy order, each node counting for its tags (up to four) against the node count.</summary>
    public static (TrimmedGraph Graph, NodeTags Tags) BuildVisual(CallTree tree, GraphOptions o, NodeTagOptions tagOptions)
    {
        var (graph, tags) = Build(tree, o, tagOptions);
        return (graph, tags!);
    }

    /// <summary>The tree as callgrind shows it: nodes by flat (or cumulative) value, then name.</summary>
    public static TrimmedGraph Build(CallTree tree, GraphOptions o) => Build(tree, o, null).Graph;

    /// <param name="tagOptions">How node tags are made for DOT's trimming, or null for callgrind's.</param>
    private static (TrimmedGraph Graph, NodeTags? Tags) Build(CallTree tree, GraphOptions o, NodeTagOptions? tagOptions)
    {
        bool visual = tagOptions is not null;
        var ln = tree.Nodes;
        int count = tree.NodeCount;
        var values = tree.Values;
        var forest = new Forest(tree);

        var (nodes, droppedNodes, nodeCutoff, edgeCutoff) = TrimmedGraph.SelectNodes(values, count, o);
        if (droppedNodes > 0)
        {
            var inGraph = new bool[count];
            for (int n = 0; n < count; n++) inGraph[n] = TrimmedGraph.Selected(values, n, o.DropNegative);
            forest.Trim(Mask(count, nodes), inGraph);
        }
        int originalCount = nodes.Count;
        var order = nodes.ToArray();
        Sort(order);

        NodeTags? tags = null;
        int droppedEdges;
        if (o.NodeCount > 0)
        {
            if (visual)
            {
                // Only the first NodeCount nodes can be selected: tags are needed for no others.
                tags = NodeTags.Build(tree.Profile, ln, o.ValueIndex, o.MeanIndex, Mask(count, order[..Math.Min(o.NodeCount, order.Length)]), tagOptions!);
                tags.TrimBelow(nodeCutoff);
            }
            forest.TrimEdgesBelow(edgeCutoff, Mask(count, order));
            int selected = visual ? VisualGraph.SelectTop(order, o.NodeCount, tags!) : Math.Min(o.NodeCount, order.Length);
            if (selected != order.Length)
            {
                forest.Trim(Mask(count, order[..selected]), Mask(count, order));
                order = order[..selected];
                Sort(order);
            }
            // Every edge under the cutoff is gone already, and moving an edge keeps its weight.
            droppedEdges = forest.TrimEdgesBelow(edgeCutoff, Mask(count, order));
        }
        else
        {
            if (visual)
            {
                tags = NodeTags.Build(tree.Profile, ln, o.ValueIndex, o.MeanIndex, Mask(count, order), tagOptions!);
                tags.TrimBelow(nodeCutoff);
            }
            droppedEdges = forest.TrimEdgesBelow(edgeCutoff, Mask(count, order));
        }
        // pprof's last step for DOT, removing residual edges whose target is reachable another way,
        // finds none: in a tree a node's one edge in is the only way to reach it.

        var graph = new TrimmedGraph
        {
            Nodes = ln,
            Values = values,
            Order = order,
            Edges = forest.ToEdgeTable(),
            OriginalCount = originalCount,
            DroppedNodes = droppedNodes,
            DroppedEdges = droppedEdges,
        };
        return (graph, tags);

        void Sort(int[] nodes)
        {
            if (visual) NodeOrder.SortByEntropy(nodes, ln, values, forest.ToEdgeTable());
            else NodeOrder.Sort(nodes, ln, values, o.CumSort);
        }
    }

    private static bool[] Mask(int count, IEnumerable<int> nodes)
    {
        var mask = new bool[count];
        foreach (int n in nodes) mask[n] = true;
        return mask;
    }

    /// <summary>
    /// The tree's edges, one per node (the edge from its caller), as flat arrays indexed by the
    /// callee: whom it comes from now (-1: none, the node is a root), weight, divisor, residual, inline.
    /// </summary>
    private sealed class Forest
    {
        private readonly int[] _from;
        private readonly long[] _weight, _weightDiv;
        private readonly bool[] _residual, _inline;

        /// <summary>The tree's edges: every node but a root has one, from its caller, weighing what the node does.</summary>
        public Forest(CallTree tree)
        {
            _from = (int[])tree.Parent.Clone();
            _weight = tree.Values.Cum;
            _weightDiv = tree.Values.CumDiv;
            _residual = new bool[tree.NodeCount];
            _inline = (bool[])tree.InlineIn.Clone();
        }

        /// <summary>
        /// pprof's TrimTree: the nodes of the graph that are not kept are cut out. A node whose caller
        /// is cut is called by the nearest caller above that is not, over a residual edge (inline if
        /// every edge it replaces was), or becomes a root when there is none. Nodes outside the
        /// graph (of no value) are neither kept nor cut: they stay where they are.
        /// </summary>
        public void Trim(bool[] keep, bool[] inGraph)
        {
            int count = _from.Length;
            // For a cut node: who its callees now hang from, and whether the edges up to there are all inline.
            var upFrom = new int[count];
            var upInline = new bool[count];
            // Callers have smaller ids than their callees (and edges only ever move up), so every
            // caller is settled before its callees.
            for (int n = 0; n < count; n++)
            {
                int from = _from[n];
                if (from >= 0 && inGraph[from] && !keep[from])
                {
                    _from[n] = upFrom[from];
                    if (upFrom[from] >= 0)
                    {
                        _inline[n] = upInline[from] && _inline[n];
                        _residual[n] = true;
                    }
                }
                if (inGraph[n] && !keep[n])
                {
                    upFrom[n] = _from[n];
                    upInline[n] = _inline[n];
                    _from[n] = -1; // its caller's edge to it goes with it
                }
            }
        }

        /// <summary>pprof's TrimLowFrequencyEdges: edges into the graph's nodes whose |weight| is under the cutoff go; returns how many.</summary>
        public int TrimEdgesBelow(long cutoff, bool[] inGraph)
        {
            int dropped = 0;
            for (int n = 0; n < _from.Length; n++)
            {
                if (_from[n] < 0 || !inGraph[n] || GoMath.Abs(_weight[n]) >= cutoff) continue;
                _from[n] = -1;
                dropped++;
            }
            return dropped;
        }

        public EdgeTable ToEdgeTable()
        {
            var table = new EdgeTable();
            for (int n = 0; n < _from.Length; n++)
            {
                if (_from[n] < 0) continue;
                int e = table.FindOrAdd(_from[n], n, _inline[n]);
                table.Add(e, _weightDiv[n], _weight[n], _residual[n], _inline[n]);
            }
            return table;
        }
    }
}
