namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// Immediate dominators by the Lengauer–Tarjan algorithm ("simple" version: path compression
/// without balancing, O(m log n)), without recursion: the depth-first search keeps its own stack
/// and path compression walks the path into a scratch array, so a ten-million-long chain of objects
/// needs no call stack. Everything is int arrays indexed by depth-first (preorder) number.
/// </summary>
internal static class LengauerTarjan
{
    /// <summary>The immediate dominator of each node and the nodes in depth-first preorder from the super-root.</summary>
    internal readonly record struct Result(int[] ImmediateDominator, int[] Preorder, int ReachableCount);

    /// <summary>
    /// Dominators of the graph's nodes as seen from the super-root. The result's immediate dominator
    /// array is indexed by node: -1 for the super-root and for nodes it cannot reach.
    /// </summary>
    internal static Result Compute(ObjectGraph graph)
    {
        int nodes = graph.NodeCount;
        var dfnum = new int[nodes];
        var vertex = new int[nodes];
        var parent = new int[nodes];
        var idom = new int[nodes];
        var ancestor = new int[nodes];
        int count = DepthFirst(graph, dfnum, vertex, parent, stackNode: idom, stackCursor: ancestor);

        var semi = new int[count];
        var label = new int[count];
        var bucketHead = new int[count];
        var bucketNext = new int[count];
        for (int i = 0; i < count; i++)
        {
            semi[i] = i;
            label[i] = i;
            ancestor[i] = -1;
            bucketHead[i] = -1;
        }

        var ownerStart = graph.OwnerStart;
        var owner = graph.OwnerArray;
        var path = new int[1024];
        for (int i = count - 1; i > 0; i--)
        {
            int w = vertex[i];
            int s = i;
            for (int e = ownerStart[w], end = ownerStart[w + 1]; e < end; e++)
            {
                int v = dfnum[owner[e]];
                if (v < 0) continue; // an owner the super-root cannot reach does not constrain w
                int u = ancestor[v] < 0 ? v : Eval(v, ancestor, label, semi, ref path);
                if (semi[u] < s) s = semi[u];
            }
            semi[i] = s;
            bucketNext[i] = bucketHead[s];
            bucketHead[s] = i;
            int p = parent[i];
            ancestor[i] = p;
            for (int v = bucketHead[p]; v >= 0; v = bucketNext[v])
            {
                int u = Eval(v, ancestor, label, semi, ref path);
                idom[v] = semi[u] < semi[v] ? u : p;
            }
            bucketHead[p] = -1;
        }
        // Where semi and the recorded dominator differ, the dominator is the one of the vertex recorded;
        // preorder guarantees that one is final already.
        idom[0] = -1;
        for (int i = 1; i < count; i++)
            if (idom[i] != semi[i]) idom[i] = idom[idom[i]];

        // Back to node ids; parent (by preorder number) is no longer needed and holds the result.
        var byNode = parent;
        Array.Fill(byNode, -1);
        for (int i = 1; i < count; i++) byNode[vertex[i]] = vertex[idom[i]];
        Array.Resize(ref vertex, count);
        return new Result(byNode, vertex, count);
    }

    /// <summary>
    /// Numbers the nodes reachable from the super-root in preorder; returns how many. The two stack
    /// arrays are scratch space the caller reuses afterwards.
    /// </summary>
    private static int DepthFirst(ObjectGraph graph, int[] dfnum, int[] vertex, int[] parent, int[] stackNode, int[] stackCursor)
    {
        Array.Fill(dfnum, -1);
        var edgeStart = graph.EdgeStart;
        var target = graph.EdgeTarget;
        int count = 0, depth = 0;
        dfnum[ObjectGraph.SuperRoot] = count;
        vertex[count] = ObjectGraph.SuperRoot;
        parent[count++] = -1;
        stackNode[0] = ObjectGraph.SuperRoot;
        stackCursor[0] = edgeStart[ObjectGraph.SuperRoot];
        while (depth >= 0)
        {
            int u = stackNode[depth];
            int e = stackCursor[depth];
            int end = edgeStart[u + 1];
            while (e < end && dfnum[target[e]] >= 0) e++;
            if (e == end)
            {
                depth--;
                continue;
            }
            stackCursor[depth] = e + 1;
            int t = target[e];
            dfnum[t] = count;
            vertex[count] = t;
            parent[count++] = dfnum[u];
            depth++;
            stackNode[depth] = t;
            stackCursor[depth] = edgeStart[t];
        }
        return count;
    }

    /// <summary>
    /// The vertex of least semidominator on the forest path above <paramref name="v"/> (v is linked),
    /// compressing the path: the recursive formulation handles the path from the top down, so the
    /// path is collected first and then processed in reverse.
    /// </summary>
    private static int Eval(int v, int[] ancestor, int[] label, int[] semi, ref int[] path)
    {
        int depth = 0;
        int x = v;
        while (ancestor[ancestor[x]] >= 0)
        {
            if (depth == path.Length) Array.Resize(ref path, path.Length * 2);
            path[depth++] = x;
            x = ancestor[x];
        }
        while (depth > 0)
        {
            x = path[--depth];
            int a = ancestor[x];
            if (semi[label[a]] < semi[label[x]]) label[x] = label[a];
            ancestor[x] = ancestor[a];
        }
        return label[v];
    }
}
