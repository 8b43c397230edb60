using LeakHound.Core;
namespace LeakHound.Analysis.Graph;

using LeakHound.Formats.Pprof;

/// <summary>
/// The nodes a report shows, in report order, after pprof's trimming: nodes whose cumulative value
/// is under the node fraction of the total are dropped, the rest sorted (by flat or cumulative
/// value, then name) and cut to the node count; edges under the edge fraction are dropped.
/// Node values do not change when other nodes are dropped, so they are computed once; edges do,
/// so they are computed for the final node set.
/// </summary>
public sealed class TrimmedGraph
{
    public required LocationNodes Nodes { get; init; }
    public required NodeValues Values { get; init; }
    /// <summary>The nodes shown, in order.</summary>
    public required int[] Order { get; init; }
    public EdgeTable? Edges { get; init; }
    /// <summary>Nodes left after the node-fraction cut, before the node-count cut.</summary>
    public int OriginalCount { get; init; }
    public int DroppedNodes { get; init; }
    public int DroppedEdges { get; init; }

    public static TrimmedGraph Build(Profile p, LocationNodes ln, GraphOptions o, bool[]? sampleFilter = null)
    {
        var (values, _) = GraphAccumulator.Accumulate(p, ln, o.ValueIndex, o.MeanIndex, null, EdgeScope.None, sampleFilter);

        var (nodes, droppedNodes, nodeCutoff, edgeCutoff) = SelectNodes(values, ln.NodeCount, o);
        bool reduced = droppedNodes > 0;
        int originalCount = nodes.Count;

        var order = nodes.ToArray();
        NodeOrder.Sort(order, ln, values, o.CumSort);

        // With a node count, pprof trims edges before selecting; when the selection keeps every
        // node the graph is not rebuilt, so its final trim finds nothing more to drop.
        bool edgesTrimmedBefore = false;
        if (o.NodeCount > 0)
        {
            if (order.Length > o.NodeCount)
            {
                order = order[..o.NodeCount];
                reduced = true;
            }
            else
            {
                edgesTrimmedBefore = true;
            }
        }

        EdgeTable? edges = null;
        int droppedEdges = 0;
        if (o.Edges != EdgeScope.None)
        {
            bool[]? keep = null;
            if (reduced)
            {
                keep = new bool[ln.NodeCount];
                foreach (int n in order) keep[n] = true;
            }
            (_, edges) = GraphAccumulator.Accumulate(p, ln, o.ValueIndex, o.MeanIndex, keep, o.Edges, sampleFilter);
            var inGraph = new bool[ln.NodeCount];
            foreach (int n in order) inGraph[n] = true;
            int dropped = edges!.TrimBelow(edgeCutoff, inGraph);
            droppedEdges = edgesTrimmedBefore ? 0 : dropped;
        }

        return new TrimmedGraph
        {
            Nodes = ln,
            Values = values,
            Order = order,
            Edges = edges,
            OriginalCount = originalCount,
            DroppedNodes = droppedNodes,
            DroppedEdges = droppedEdges,
        };
    }

    /// <summary>
    /// pprof's first trimming step, shared by every graph report: the nodes with a value (not
    /// negative with -drop_negative), the node and edge cutoffs as fractions of their flat total
    /// (Go's conversions), and those nodes whose |cum| reaches the node cutoff.
    /// </summary>
    internal static (List<int> Nodes, int Dropped, long NodeCutoff, long EdgeCutoff) SelectNodes(NodeValues values, int nodeCount, GraphOptions o)
    {
        var nodes = new List<int>();
        long totalValue = 0;
        for (int n = 0; n < nodeCount; n++)
        {
            if (!Selected(values, n, o.DropNegative)) continue;
            nodes.Add(n);
            totalValue += values.Flat[n];
        }
        long nodeCutoff = GoMath.Abs(GoMath.ToInt64(totalValue * o.NodeFraction));
        long edgeCutoff = GoMath.Abs(GoMath.ToInt64(totalValue * o.EdgeFraction));
        int dropped = 0;
        if (nodeCutoff > 0)
        {
            var above = nodes.Where(n => GoMath.Abs(values.Cum[n]) >= nodeCutoff).ToList();
            dropped = nodes.Count - above.Count;
            nodes = above;
        }
        return (nodes, dropped, nodeCutoff, edgeCutoff);
    }

    internal static bool Selected(NodeValues v, int n, bool dropNegative)
    {
        if (v.Cum[n] == 0 && v.Flat[n] == 0) return false;
        if (dropNegative && (v.Flat[n] < 0 || (v.Flat[n] == 0 && v.Cum[n] < 0))) return false;
        return true;
    }
}
