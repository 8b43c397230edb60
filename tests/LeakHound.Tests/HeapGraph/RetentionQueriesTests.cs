using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Tests.HeapGraph;

/// <summary>Shortest root paths, anchors and retaining subgraphs: by hand and against breadth-first searches from the definition.</summary>
public class RetentionQueriesTests
{
    // Objects: 0 a, 1 b, 2 c, 3 x, 4 d, 5 garbage g, 6 y (reachable only through x), 7 e (held by root 2 only).
    private static (ObjectGraph G, RetentionQueries Q) Sample()
    {
        var h = new TestHeap();
        h.Objects(8, 8, 8, 100, 8, 8, 8, 8);
        h.Ref(0, 1, field: 16).Ref(1, 2, field: 24).Ref(2, 1, field: 8).Ref(2, 3, field: 32); // a → b ⇄ c → x
        h.Ref(4, 3, field: 48);                     // d → x
        h.Ref(5, 3, field: 0);                      // garbage → x
        h.Ref(3, 6, field: 8).Ref(6, 3, field: 0);  // x → y → x
        h.Root(0);                                  // root 0 → a
        h.Root(4, interior: 4);                     // root 1 → d
        h.Root(7);                                  // root 2 → e
        var g = h.Build();
        return (g, new RetentionQueries(DominatorTree.Compute(g)));
    }

    [Fact]
    public void ShortestPathGoesThroughTheNearestRootWithFieldOffsets()
    {
        var (g, q) = Sample();
        var path = q.ShortestPath(g.ObjectNode(3))!;
        Assert.Equal([g.RootNode(1), g.ObjectNode(4), g.ObjectNode(3)], path.Nodes);
        Assert.Equal([-1, 48], path.FieldOffsets);
        var toC = q.ShortestPath(g.ObjectNode(2))!;
        Assert.Equal([g.RootNode(0), g.ObjectNode(0), g.ObjectNode(1), g.ObjectNode(2)], toC.Nodes);
        Assert.Equal([-1, 16, 24], toC.FieldOffsets);
        Assert.Equal(3, toC.Length);
        var toRoot = q.ShortestPath(g.RootNode(2))!;
        Assert.Equal([g.RootNode(2)], toRoot.Nodes);
        Assert.Null(q.ShortestPath(g.ObjectNode(5)));
        Assert.Null(q.ShortestPath(ObjectGraph.SuperRoot));
    }

    [Fact]
    public void AnchorsAreTheRootsThatReachTheObject()
    {
        var (g, q) = Sample();
        Assert.Equal([0, 1], q.Anchors(g.ObjectNode(3)));
        Assert.Equal([0, 1], q.Anchors(g.ObjectNode(6)));
        Assert.Equal([0], q.Anchors(g.ObjectNode(1)));
        Assert.Equal([2], q.Anchors(g.ObjectNode(7)));
        Assert.Empty(q.Anchors(g.ObjectNode(5)));
        Assert.Equal([1], q.Anchors(g.RootNode(1)));
    }

    [Fact]
    public void RetainingSubgraphLeavesOutCyclesThatLeadToNoRoot()
    {
        var (g, q) = Sample();
        var s = q.RetainingSubgraphOf(g.ObjectNode(3));
        int[] expected = [g.RootNode(0), g.RootNode(1), g.ObjectNode(0), g.ObjectNode(1), g.ObjectNode(2), g.ObjectNode(3), g.ObjectNode(4)];
        Assert.Equal(expected, s.Nodes); // not the garbage g, nor y behind x
        var edges = Enumerable.Range(0, s.EdgeCount).Select(i => (s.EdgeFrom[i], s.EdgeTo[i], s.EdgeFieldOffset[i])).ToArray();
        Assert.Equal(
            [(g.RootNode(0), g.ObjectNode(0), -1), (g.RootNode(1), g.ObjectNode(4), -1), (g.ObjectNode(0), g.ObjectNode(1), 16),
             (g.ObjectNode(1), g.ObjectNode(2), 24), (g.ObjectNode(2), g.ObjectNode(1), 8), (g.ObjectNode(2), g.ObjectNode(3), 32),
             (g.ObjectNode(4), g.ObjectNode(3), 48)],
            edges);
        Assert.Empty(q.RetainingSubgraphOf(g.ObjectNode(5)).Nodes);
        Assert.Equal([g.RootNode(2)], q.RetainingSubgraphOf(g.RootNode(2)).Nodes);
    }

    [Fact]
    public void RandomGraphsAnswerAsTheDefinitionsSay()
    {
        var rng = new Random(4242);
        for (int iteration = 0; iteration < 60; iteration++)
        {
            var g = RandomHeaps.Graph(rng, objects: rng.Next(1, 80), roots: rng.Next(1, 6), density: rng.NextDouble() * 2.5);
            var tree = DominatorTree.Compute(g);
            var q = new RetentionQueries(tree);
            var distance = RootDistances(g);
            var reachFromRoot = Enumerable.Range(0, g.RootCount).Select(r => Forward(g, g.RootNode(r), removed: -1)).ToArray();
            for (int v = 1; v < g.NodeCount; v++)
            {
                var path = q.ShortestPath(v);
                if (distance[v] < 0)
                {
                    Assert.Null(path);
                    Assert.Empty(q.Anchors(v));
                    Assert.Empty(q.RetainingSubgraphOf(v).Nodes);
                    continue;
                }
                Assert.NotNull(path);
                Assert.Equal(distance[v], path.Length);
                Assert.True(g.IsRoot(path.Nodes[0]));
                Assert.Equal(v, path.Nodes[^1]);
                for (int i = 0; i < path.Length; i++)
                {
                    Assert.Contains(path.Nodes[i + 1], g.Children(path.Nodes[i]).ToArray());
                    Assert.Equal(g.FieldOffset(path.Nodes[i], path.Nodes[i + 1]), path.FieldOffsets[i]);
                }
                Assert.Equal(Enumerable.Range(0, g.RootCount).Where(r => reachFromRoot[r][v]), q.Anchors(v));
                // The subgraph: v and every node that reaches v and is reachable from a root without v.
                var withoutV = Reach(g, removed: v);
                var expected = Enumerable.Range(1, g.NodeCount - 1)
                    .Where(u => u == v || (withoutV[u] && Forward(g, u, removed: -1)[v])).ToArray();
                Assert.Equal(expected, q.RetainingSubgraphOf(v).Nodes);
            }
        }
    }

    private static bool[] Forward(ObjectGraph g, int from, int removed)
    {
        var seen = new bool[g.NodeCount];
        var stack = new Stack<int>();
        seen[from] = true;
        stack.Push(from);
        while (stack.Count > 0)
            foreach (int c in g.Children(stack.Pop()))
                if (c != removed && !seen[c])
                {
                    seen[c] = true;
                    stack.Push(c);
                }
        return seen;
    }

    private static bool[] Reach(ObjectGraph g, int removed) => Forward(g, ObjectGraph.SuperRoot, removed);

    /// <summary>Hops from the nearest root (roots at 0), -1 when no root reaches the node.</summary>
    private static int[] RootDistances(ObjectGraph g)
    {
        var d = Enumerable.Repeat(-1, g.NodeCount).ToArray();
        var queue = new Queue<int>();
        for (int r = 0; r < g.RootCount; r++)
        {
            d[g.RootNode(r)] = 0;
            queue.Enqueue(g.RootNode(r));
        }
        while (queue.Count > 0)
        {
            int u = queue.Dequeue();
            foreach (int c in g.Children(u))
                if (d[c] < 0)
                {
                    d[c] = d[u] + 1;
                    queue.Enqueue(c);
                }
        }
        return d;
    }
}
