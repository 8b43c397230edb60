using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// The nodes the super-root reaches, numbered in depth-first preorder, with the depth-first tree and
/// every reached node's predecessors, all indexed by that number: what both dominator algorithms
/// start from. The search keeps its own stack (no recursion: a chain of ten million objects is ten
/// million deep) and marks visited nodes in a bitmap small enough to stay in cache, so an edge to a
/// node already seen costs no trip to memory. The predecessor lists are then counted and filled by
/// two passes over the edges in node order (which follows the heap's addresses and so its
/// locality), whose scattered reads and writes do not wait on each other, unlike the search's.
/// </summary>
internal sealed class DepthFirstOrder
{
    private DepthFirstOrder(int count, int[] vertex, int[] parent, int[] predStart, int[] pred)
    {
        Count = count;
        Vertex = vertex;
        Parent = parent;
        PredStart = predStart;
        Pred = pred;
    }

    /// <summary>How many nodes the super-root reaches (itself included, as number 0).</summary>
    public int Count { get; }

    /// <summary>The node with each preorder number (Count entries).</summary>
    public int[] Vertex { get; }

    /// <summary>The preorder number of each vertex's depth-first tree parent; -1 for the super-root. Sized for all nodes.</summary>
    public int[] Parent { get; }

    /// <summary>Count + 1 offsets into <see cref="Pred"/>.</summary>
    public int[] PredStart { get; }

    /// <summary>The predecessors of each vertex, as preorder numbers (only reached ones: they are all that matter).</summary>
    public int[] Pred { get; }

    public static DepthFirstOrder Compute(ObjectGraph graph)
    {
        int nodes = graph.NodeCount;
        var dfnum = new int[nodes];
        var vertex = new int[nodes];
        var parent = new int[nodes];
        int count = Search(graph, dfnum, vertex, parent);
        var (predStart, pred) = Predecessors(graph, dfnum, count);
        Array.Resize(ref vertex, count);
        return new DepthFirstOrder(count, vertex, parent, predStart, pred);
    }

    // The loops below run once per graph over millions of entries: compiled fully optimized at once
    // rather than through on-stack replacement, whose code keeps the arrays on the stack.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Search(ObjectGraph graph, int[] dfnum, int[] vertex, int[] parent)
    {
        var edgeStart = graph.EdgeStart;
        var target = graph.EdgeTarget;
        int nodes = graph.NodeCount;
        Array.Fill(dfnum, -1);
        // The search stack, by depth: the vertex's number, its next edge and its edges' end; grown
        // as the search goes deeper (a chain makes it as deep as the graph is large).
        var stackNumber = new int[1024];
        var stackCursor = new int[1024];
        var stackEnd = new int[1024];
        var visited = new ulong[(nodes >> 6) + 1];
        int count = 1, depth = 0;
        visited[0] |= 1;
        dfnum[ObjectGraph.SuperRoot] = 0;
        vertex[0] = ObjectGraph.SuperRoot;
        parent[0] = -1;
        stackNumber[0] = 0;
        stackCursor[0] = edgeStart[ObjectGraph.SuperRoot];
        stackEnd[0] = edgeStart[ObjectGraph.SuperRoot + 1];
        while (depth >= 0)
        {
            int e = stackCursor[depth], end = stackEnd[depth];
            int t = -1;
            for (; e < end; e++)
            {
                int c = target[e];
                if ((visited[c >> 6] & (1UL << c)) == 0)
                {
                    t = c;
                    break;
                }
            }
            if (t < 0)
            {
                depth--;
                continue;
            }
            stackCursor[depth] = e + 1;
            int number = count++;
            dfnum[t] = number;
            visited[t >> 6] |= 1UL << t;
            vertex[number] = t;
            parent[number] = stackNumber[depth];
            if (++depth == stackNumber.Length)
            {
                int size = (int)Math.Min(Array.MaxLength, 2L * stackNumber.Length);
                Array.Resize(ref stackNumber, size);
                Array.Resize(ref stackCursor, size);
                Array.Resize(ref stackEnd, size);
            }
            stackNumber[depth] = number;
            stackCursor[depth] = edgeStart[t];
            stackEnd[depth] = edgeStart[t + 1];
        }
        return count;
    }

    /// <summary>
    /// The predecessor lists, built on every core: the nodes are cut into ranges of about equal edge
    /// counts, each range counts its edges into each vertex, the counts become each range's write
    /// positions within each list, and each range fills its part of the lists. Within a list the
    /// order is by range, then by node.
    /// </summary>
    private static (int[] Start, int[] Pred) Predecessors(ObjectGraph graph, int[] dfnum, int count)
    {
        var edgeStart = graph.EdgeStart;
        int nodes = graph.NodeCount, edges = graph.EdgeCount;
        int parts = edges < 1 << 20 ? 1 : Math.Clamp(Environment.ProcessorCount, 1, 4);
        var bounds = new int[parts + 1];
        for (int k = 1; k < parts; k++)
        {
            int at = Array.BinarySearch(edgeStart, 0, nodes + 1, (int)((long)edges * k / parts));
            bounds[k] = Math.Max(bounds[k - 1], at < 0 ? ~at : at);
        }
        bounds[parts] = nodes;
        var cursors = new int[parts][];
        Parallel.For(0, parts, k =>
        {
            cursors[k] = new int[count];
            CountRange(graph, dfnum, bounds[k], bounds[k + 1], cursors[k]);
        });
        var start = new int[count + 1];
        int running = 0;
        for (int v = 0; v < count; v++)
        {
            start[v] = running;
            for (int k = 0; k < parts; k++)
            {
                int c = cursors[k][v];
                cursors[k][v] = running;
                running += c;
            }
        }
        start[count] = running;
        var pred = new int[running];
        Parallel.For(0, parts, k => FillRange(graph, dfnum, bounds[k], bounds[k + 1], cursors[k], pred));
        return (start, pred);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountRange(ObjectGraph graph, int[] dfnum, int from, int to, int[] counts)
    {
        var edgeStart = graph.EdgeStart;
        var target = graph.EdgeTarget;
        for (int u = from; u < to; u++)
        {
            if (dfnum[u] < 0) continue;
            for (int e = edgeStart[u], end = edgeStart[u + 1]; e < end; e++) counts[dfnum[target[e]]]++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRange(ObjectGraph graph, int[] dfnum, int from, int to, int[] cursor, int[] pred)
    {
        var edgeStart = graph.EdgeStart;
        var target = graph.EdgeTarget;
        for (int u = from; u < to; u++)
        {
            int source = dfnum[u];
            if (source < 0) continue;
            for (int e = edgeStart[u], end = edgeStart[u + 1]; e < end; e++) pred[cursor[dfnum[target[e]]]++] = source;
        }
    }
}
