namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// The part of the graph that keeps one object alive (see <see cref="RetentionQueries.RetainingSubgraphOf"/>):
/// its nodes in ascending order and its edges (parallel arrays, by source node then target order).
/// </summary>
public sealed record RetainingSubgraph(int Target, int[] Nodes, int[] EdgeFrom, int[] EdgeTo, int[] EdgeFieldOffset)
{
    public int EdgeCount => EdgeFrom.Length;
}
