using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// The dominator tree of an <see cref="ObjectGraph"/> from its super-root, and retained sizes.
/// Node d dominates v when every path from the super-root (that is, from any root) to v passes
/// through d; v's immediate dominator is the closest such d. An object's retained size is its own
/// size plus those of all objects it dominates: what the heap would lose if the object (or the
/// references to it) were gone. A root's retained size is what only that root keeps alive; the
/// super-root's is every reachable object's size.
/// <para>
/// Objects the super-root cannot reach (garbage not yet swept when the dump was taken, or cycles
/// with no root) have immediate dominator -1 and retained size 0; they are counted in
/// <see cref="UnreachableObjectCount"/> and <see cref="UnreachableSize"/>.
/// </para>
/// </summary>
public sealed class DominatorTree
{
    private readonly int[] _idom;
    private readonly long[] _retained;
    private int[]? _childStart;
    private int[]? _children;
    private readonly object _childrenLock = new();

    private DominatorTree(ObjectGraph graph, int[] idom, long[] retained, int reachableObjects, long unreachableSize)
    {
        Graph = graph;
        _idom = idom;
        _retained = retained;
        ReachableObjectCount = reachableObjects;
        UnreachableSize = unreachableSize;
    }

    public ObjectGraph Graph { get; }

    /// <summary>The immediate dominator of every node, by node; -1 for the super-root and unreachable nodes.</summary>
    public ReadOnlySpan<int> ImmediateDominators => _idom;

    /// <summary>Retained sizes by node (0 for unreachable nodes).</summary>
    public ReadOnlySpan<long> RetainedSizes => _retained;

    public int ReachableObjectCount { get; }
    public int UnreachableObjectCount => Graph.ObjectCount - ReachableObjectCount;
    public long UnreachableSize { get; }

    /// <summary>The total size of the objects reachable from some root (the super-root's retained size).</summary>
    public long ReachableSize => _retained[ObjectGraph.SuperRoot];

    public int ImmediateDominator(int node) => _idom[node];
    public long RetainedSize(int node) => _retained[node];

    /// <summary>Whether some root reaches the node (the super-root counts as reached).</summary>
    public bool IsReachable(int node) => node == ObjectGraph.SuperRoot || _idom[node] >= 0;

    /// <summary>Which algorithm computed the dominators (after a fallback, Lengauer–Tarjan).</summary>
    public DominatorAlgorithm Algorithm { get; private init; }

    /// <summary>
    /// Computes the dominators and the retained sizes. <see cref="DominatorAlgorithm.Auto"/> runs
    /// SEMI-NCA and falls back to Lengauer–Tarjan if its tree walks pass a budget linear in the graph
    /// (a graph shaped to make them quadratic); the others force one algorithm (for tests and
    /// measurement; forced SEMI-NCA has no budget).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DominatorTree Compute(ObjectGraph graph, DominatorAlgorithm algorithm = DominatorAlgorithm.Auto)
    {
        var order = DepthFirstOrder.Compute(graph);
        int count = order.Count;
        int[]? idomNumber = null;
        var used = DominatorAlgorithm.LengauerTarjan;
        if (algorithm != DominatorAlgorithm.LengauerTarjan)
        {
            long budget = algorithm == DominatorAlgorithm.SemiNca ? long.MaxValue : 32L * count + 1_000_000;
            idomNumber = SemiNca.Compute(order, budget);
            used = DominatorAlgorithm.SemiNca;
        }
        if (idomNumber is null)
        {
            idomNumber = LengauerTarjan.Compute(order);
            used = DominatorAlgorithm.LengauerTarjan;
        }

        // Retained sizes by preorder number: a vertex's immediate dominator is a proper ancestor in
        // the depth-first tree, so it has a smaller number, and a backward pass adds every vertex
        // into its dominator after all the vertices it dominates were added into it.
        var vertex = order.Vertex;
        var sizes = graph.Sizes;
        int firstObject = graph.ObjectNode(0);
        var retainedByNumber = new long[count];
        int reachableObjects = 0;
        for (int i = 0; i < count; i++)
        {
            int v = vertex[i];
            if (v < firstObject) continue;
            retainedByNumber[i] = sizes[v - firstObject];
            reachableObjects++;
        }
        for (int i = count - 1; i > 0; i--) retainedByNumber[idomNumber[i]] += retainedByNumber[i];

        var idom = order.Parent; // sized for every node; the depth-first tree is no longer needed
        Array.Fill(idom, -1);
        var retained = new long[graph.NodeCount];
        for (int i = 0; i < count; i++)
        {
            int v = vertex[i];
            if (i > 0) idom[v] = vertex[idomNumber[i]];
            retained[v] = retainedByNumber[i];
        }
        long unreachableSize = 0;
        for (int v = firstObject; v < idom.Length; v++)
            if (idom[v] < 0) unreachableSize += sizes[v - firstObject];
        return new DominatorTree(graph, idom, retained, reachableObjects, unreachableSize) { Algorithm = used };
    }

    /// <summary>The object nodes no root reaches, in address order.</summary>
    public int[] UnreachableObjects()
    {
        var result = new int[UnreachableObjectCount];
        int k = 0;
        for (int v = Graph.ObjectNode(0); v < _idom.Length; v++)
            if (_idom[v] < 0) result[k++] = v;
        return result;
    }

    /// <summary>
    /// The nodes whose immediate dominator is <paramref name="node"/>, largest retained size first
    /// (ties by node id). The lists of all nodes are built on first use.
    /// </summary>
    public ReadOnlySpan<int> Children(int node)
    {
        if (_childStart is null) BuildChildren();
        return _children.AsSpan(_childStart![node], _childStart[node + 1] - _childStart[node]);
    }

    /// <summary>The <paramref name="count"/> objects of largest retained size, largest first (ties by node id).</summary>
    public int[] TopRetainers(int count)
    {
        var (from, to) = (Graph.ObjectNode(0), _idom.Length);
        count = Math.Min(count, ReachableObjectCount);
        if (count <= 0) return [];
        // A min-heap of the best so far: its top is the weakest kept, replaced when beaten.
        var heap = new int[count];
        int size = 0;
        for (int v = from; v < to; v++)
        {
            if (_idom[v] < 0) continue;
            if (size < count)
            {
                heap[size] = v;
                SiftUp(heap, size++);
            }
            else if (Better(v, heap[0]))
            {
                heap[0] = v;
                SiftDown(heap, size);
            }
        }
        Array.Sort(heap, (a, b) => Better(a, b) ? -1 : Better(b, a) ? 1 : 0);
        return heap;
    }

    private bool Better(int a, int b) => _retained[a] > _retained[b] || (_retained[a] == _retained[b] && a < b);

    private void SiftUp(int[] heap, int i)
    {
        while (i > 0)
        {
            int up = (i - 1) / 2;
            if (!Better(heap[up], heap[i])) break;
            (heap[up], heap[i]) = (heap[i], heap[up]);
            i = up;
        }
    }

    private void SiftDown(int[] heap, int size)
    {
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < size && Better(heap[worst], heap[l])) worst = l;
            if (r < size && Better(heap[worst], heap[r])) worst = r;
            if (worst == i) return;
            (heap[worst], heap[i]) = (heap[i], heap[worst]);
            i = worst;
        }
    }

    private void BuildChildren()
    {
        lock (_childrenLock)
        {
            if (_childStart is not null) return;
            int n = _idom.Length;
            var start = new int[n + 1];
            for (int v = 0; v < n; v++)
                if (_idom[v] >= 0) start[_idom[v] + 1]++;
            for (int v = 0; v < n; v++) start[v + 1] += start[v];
            var children = new int[start[n]];
            var fill = start.AsSpan(0, n).ToArray();
            for (int v = 0; v < n; v++)
                if (_idom[v] >= 0) children[fill[_idom[v]]++] = v;
            // Nodes went in ascending; a stable order by retained size (descending) keeps ties by id.
            var keys = new long[children.Length];
            for (int k = 0; k < children.Length; k++) keys[k] = -_retained[children[k]];
            for (int v = 0; v < n; v++)
            {
                int len = start[v + 1] - start[v];
                if (len > 1) SortSegment(keys, children, start[v], len);
            }
            _children = children;
            Volatile.Write(ref _childStart, start);
        }
    }

    /// <summary>Sorts by key, then by node id (Array.Sort is not stable, so the tie is made explicit).</summary>
    private static void SortSegment(long[] keys, int[] nodes, int start, int length)
    {
        Array.Sort(keys, nodes, start, length);
        int i = start, end = start + length;
        while (i < end)
        {
            int j = i + 1;
            while (j < end && keys[j] == keys[i]) j++;
            if (j - i > 1) Array.Sort(nodes, i, j - i);
            i = j;
        }
    }
}

/// <summary>How <see cref="DominatorTree.Compute"/> finds immediate dominators.</summary>
public enum DominatorAlgorithm
{
    /// <summary>SEMI-NCA, falling back to Lengauer–Tarjan on graphs that would make it slow.</summary>
    Auto,
    SemiNca,
    LengauerTarjan,
}
