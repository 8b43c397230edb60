using LeakHound.Core;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// Why is this object alive: shortest reference chains from a root, the roots that reach it, and the
/// subgraph that retains it. Every query is a breadth-first search over the reverse edges from the
/// object, so it costs what the object's ancestors cost, not the whole heap. Scratch arrays (one
/// stamp, one link and one queue entry per node) are allocated on the first query and reused, so
/// one instance answers many queries cheaply; it is not safe for concurrent queries.
/// </summary>
public sealed class RetentionQueries
{
    private readonly ObjectGraph _graph;
    private readonly DominatorTree _dominators;
    private int[]? _stamp;
    private int[]? _link;
    private int[]? _queue;
    private int _generation;

    public RetentionQueries(DominatorTree dominators)
    {
        _dominators = dominators;
        _graph = dominators.Graph;
    }

    /// <summary>
    /// A shortest chain of references from any root to <paramref name="node"/> (fewest hops; among
    /// equals, the one met first searching owners in ascending node order), or null when no root
    /// reaches it. A root node's path is the root alone.
    /// </summary>
    public RetentionPath? ShortestPath(int node)
    {
        if (!_dominators.IsReachable(node) || node == ObjectGraph.SuperRoot) return null;
        int mark = NextGeneration();
        var stamp = _stamp!;
        var next = _link!;
        var queue = _queue!;
        int head = 0, tail = 0, found = -1;
        stamp[node] = mark;
        next[node] = -1;
        queue[tail++] = node;
        if (_graph.IsRoot(node)) found = node;
        while (found < 0 && head < tail)
        {
            int u = queue[head++];
            foreach (int o in _graph.Owners(u))
            {
                if (stamp[o] == mark || o == ObjectGraph.SuperRoot) continue;
                stamp[o] = mark;
                next[o] = u;
                if (_graph.IsRoot(o)) { found = o; break; }
                queue[tail++] = o;
            }
        }
        if (found < 0) throw new InvalidOperationException($"node {node} is reachable but its owners lead to no root");
        var nodes = new GrowableArray<int>(8);
        for (int v = found; v >= 0; v = next[v]) nodes.Add(v);
        var path = nodes.ToArray();
        var offsets = new int[path.Length - 1];
        for (int i = 0; i < offsets.Length; i++) offsets[i] = _graph.FieldOffset(path[i], path[i + 1]);
        return new RetentionPath(path, offsets);
    }

    /// <summary>
    /// The roots (root indices, ascending) from which <paramref name="node"/> is reachable; empty when
    /// none is. These are the roots met searching backwards from the node through all its owners.
    /// </summary>
    public int[] Anchors(int node)
    {
        if (node == ObjectGraph.SuperRoot || !_dominators.IsReachable(node)) return [];
        int count = Ancestors(node);
        var roots = new GrowableArray<int>(4);
        var queue = _queue!;
        for (int k = 0; k < count; k++)
            if (_graph.IsRoot(queue[k])) roots.Add(_graph.RootIndex(queue[k]));
        var result = roots.ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>
    /// The subgraph that keeps <paramref name="node"/> alive: the node and every node that has a path
    /// to it and is reachable from a root without passing through it, with the edges among them
    /// except the node's own outgoing ones. Cycles that lead to no root are left out: garbage
    /// pointing at the node, and objects reachable only through the node that point back to it.
    /// Empty (no nodes) when no root reaches the node.
    /// </summary>
    public RetainingSubgraph RetainingSubgraphOf(int node)
    {
        if (node == ObjectGraph.SuperRoot || !_dominators.IsReachable(node))
            return new RetainingSubgraph(node, [], [], [], []);
        int count = Ancestors(node);
        var stamp = _stamp!;
        var queue = _queue!;
        int ancestorMark = _generation;
        // Forward from the roots among the ancestors, through ancestors only, never out of the node:
        // any root path to an ancestor that avoids the node runs through ancestors alone.
        int keptMark = NextGeneration();
        var kept = _link!;
        int head = 0, tail = 0;
        for (int k = 0; k < count; k++)
        {
            int v = queue[k];
            if (v != node && _graph.IsRoot(v)) kept[tail++] = v;
        }
        // stamp: ancestorMark = an ancestor not yet kept; keptMark = kept.
        for (int k = 0; k < tail; k++) stamp[kept[k]] = keptMark;
        stamp[node] = keptMark;
        while (head < tail)
        {
            int u = kept[head++];
            foreach (int c in _graph.Children(u))
            {
                if (stamp[c] != ancestorMark) continue;
                stamp[c] = keptMark;
                kept[tail++] = c;
            }
        }
        var nodes = new int[tail + 1];
        Array.Copy(kept, nodes, tail);
        nodes[tail] = node;
        Array.Sort(nodes);

        var from = new GrowableArray<int>(nodes.Length);
        var to = new GrowableArray<int>(nodes.Length);
        var offsets = new GrowableArray<int>(nodes.Length);
        foreach (int u in nodes)
        {
            if (u == node) continue;
            var children = _graph.Children(u);
            var childOffsets = _graph.ChildFieldOffsets(u);
            for (int k = 0; k < children.Length; k++)
            {
                if (stamp[children[k]] != keptMark) continue;
                from.Add(u);
                to.Add(children[k]);
                offsets.Add(childOffsets[k]);
            }
        }
        return new RetainingSubgraph(node, nodes, from.ToArray(), to.ToArray(), offsets.ToArray());
    }

    /// <summary>
    /// Marks <paramref name="node"/> and every node with a path to it (except the super-root) with a
    /// new generation; they are left in the queue array, node first. Returns how many.
    /// </summary>
    private int Ancestors(int node)
    {
        int mark = NextGeneration();
        var stamp = _stamp!;
        var queue = _queue!;
        int head = 0, tail = 0;
        stamp[node] = mark;
        queue[tail++] = node;
        while (head < tail)
        {
            int u = queue[head++];
            foreach (int o in _graph.Owners(u))
            {
                if (stamp[o] == mark || o == ObjectGraph.SuperRoot) continue;
                stamp[o] = mark;
                queue[tail++] = o;
            }
        }
        return tail;
    }

    private int NextGeneration()
    {
        if (_stamp is null)
        {
            int n = _graph.NodeCount;
            _stamp = new int[n];
            _link = new int[n];
            _queue = new int[n];
        }
        if (_generation == int.MaxValue)
        {
            Array.Clear(_stamp);
            _generation = 0;
        }
        return ++_generation;
    }
}
