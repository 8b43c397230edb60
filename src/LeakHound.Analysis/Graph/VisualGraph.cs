using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// The graph a visual report (DOT) shows: pprof's trimming in visual mode. Nodes under the node
/// fraction are dropped; the rest are sorted by entropy score over the graph's edges (residual
/// edges over the dropped nodes included); with a node count, low tags and edges are trimmed first
/// and each shown node also counts for its tags (up to four), the graph is rebuilt over the nodes
/// kept and sorted again; finally edges under the edge fraction are dropped and residual edges
/// whose target is reachable another way are removed.
/// </summary>
public static class VisualGraph
{
    /// <summary>At most this many tags of a node are shown (and counted as nodes when selecting).</summary>
    public const int MaxNodelets = 4;

    public static (TrimmedGraph Graph, NodeTags Tags) Build(Profile p, LocationNodes ln, GraphOptions o, NodeTagOptions tagOptions)
    {
        var (values, _) = GraphAccumulator.Accumulate(p, ln, o.ValueIndex, o.MeanIndex, null, EdgeScope.None);
        var (nodes, droppedNodes, nodeCutoff, edgeCutoff) = TrimmedGraph.SelectNodes(values, ln.NodeCount, o);
        bool[]? kept = droppedNodes > 0 ? Mask(ln.NodeCount, nodes) : null;
        int originalCount = nodes.Count;
        var order = nodes.ToArray();
        // The edges of the graph as pprof rebuilds it over the nodes kept (all of them when kept is
        // null), residual edges standing for paths through the others.
        EdgeTable EdgesAmong(bool[]? keep) => GraphAccumulator.Accumulate(p, ln, o.ValueIndex, o.MeanIndex, keep, EdgeScope.All).Edges!;
        // Tags are needed for the nodes that can be selected: the first NodeCount in entropy order.
        // When that is every node kept, they are gathered in the same pass as the edges.
        NodeTags? tagsOfAll = null;
        EdgeTable edges;
        if (o.NodeCount <= 0 || order.Length <= o.NodeCount)
        {
            var pass = GraphAccumulator.Accumulate(p, ln, o.ValueIndex, o.MeanIndex, kept, EdgeScope.All, null,
                new TagRequest(Mask(ln.NodeCount, order), tagOptions));
            edges = pass.Edges!;
            tagsOfAll = pass.Tags;
        }
        else
            edges = EdgesAmong(kept);
        NodeOrder.SortByEntropy(order, ln, values, edges);

        NodeTags tags;
        int droppedEdges;
        if (o.NodeCount > 0)
        {
            var candidates = order[..Math.Min(o.NodeCount, order.Length)];
            tags = tagsOfAll ?? NodeTags.Build(p, ln, o.ValueIndex, o.MeanIndex, Mask(ln.NodeCount, candidates), tagOptions);
            tags.TrimBelow(nodeCutoff);
            edges.TrimBelow(edgeCutoff, Mask(ln.NodeCount, order));
            int selected = SelectTop(order, o.NodeCount, tags);
            droppedEdges = 0; // when nothing more is cut, the edges were trimmed already
            if (selected != order.Length)
            {
                order = order[..selected];
                var keep = Mask(ln.NodeCount, order);
                edges = EdgesAmong(keep);
                NodeOrder.SortByEntropy(order, ln, values, edges);
                droppedEdges = edges.TrimBelow(edgeCutoff, keep);
            }
        }
        else
        {
            tags = tagsOfAll!;
            tags.TrimBelow(nodeCutoff);
            droppedEdges = edges.TrimBelow(edgeCutoff, Mask(ln.NodeCount, order));
        }
        RemoveRedundantEdges(order, ln, edges);

        var graph = new TrimmedGraph
        {
            Nodes = ln,
            Values = values,
            Order = order,
            Edges = edges,
            OriginalCount = originalCount,
            DroppedNodes = droppedNodes,
            DroppedEdges = droppedEdges,
        };
        return (graph, tags);
    }

    /// <summary>pprof's selectTopNodes in visual mode: how many of the first nodes fit when each counts 1 + its flat tags (at most four).</summary>
    internal static int SelectTop(int[] order, int maxNodes, NodeTags tags)
    {
        int count = 0;
        for (int i = 0; i < order.Length; i++)
        {
            count += Math.Min(tags.CountFlat(order[i]), MaxNodelets) + 1;
            if (count >= maxNodes) return i + 1;
        }
        return Math.Min(maxNodes, order.Length);
    }

    /// <summary>
    /// pprof's RemoveRedundantEdges: from the last node to the first, its incoming edges from the
    /// lightest up to the first non-residual one; a residual edge goes when its source still reaches
    /// its target through other edges.
    /// </summary>
    private static void RemoveRedundantEdges(int[] order, LocationNodes ln, EdgeTable edges)
    {
        var into = new List<int>?[ln.NodeCount];
        for (int e = 0; e < edges.Count; e++)
        {
            if (edges.Removed(e)) continue;
            (into[edges.Dst(e)] ??= []).Add(e);
        }
        var names = new Dictionary<int, string>();
        string Name(int n)
        {
            if (!names.TryGetValue(n, out var s)) names[n] = s = ln.Infos[n].PrintableName();
            return s;
        }
        var seen = new int[ln.NodeCount];
        int stamp = 0;
        var queue = new Queue<int>();
        for (int i = order.Length - 1; i >= 0; i--)
        {
            if (into[order[i]] is not { } list) continue;
            var sorted = EdgeOrder.Sorted(edges, list.Where(e => !edges.Removed(e)), Name);
            for (int j = sorted.Count - 1; j >= 0; j--)
            {
                int e = sorted[j];
                if (!edges.Residual(e)) break;
                if (Reaches(e)) edges.Remove(e);
            }
        }

        // Whether the edge's source reaches its target by other live edges (a search up the in-edges).
        bool Reaches(int edge)
        {
            int src = edges.Src(edge), dst = edges.Dst(edge);
            stamp++;
            seen[dst] = stamp;
            queue.Clear();
            queue.Enqueue(dst);
            while (queue.Count > 0)
            {
                int n = queue.Dequeue();
                if (into[n] is not { } list) continue;
                foreach (int e in list)
                {
                    if (e == edge || edges.Removed(e) || seen[edges.Src(e)] == stamp) continue;
                    if (edges.Src(e) == src) return true;
                    seen[edges.Src(e)] = stamp;
                    queue.Enqueue(edges.Src(e));
                }
            }
            return false;
        }
    }

    private static bool[] Mask(int count, IEnumerable<int> nodes)
    {
        var mask = new bool[count];
        foreach (int n in nodes) mask[n] = true;
        return mask;
    }
}
