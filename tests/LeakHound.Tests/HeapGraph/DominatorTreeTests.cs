using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Tests.HeapGraph;

/// <summary>
/// Immediate dominators and retained sizes: hand-built graphs whose answers are counted by hand, and
/// random graphs checked against <see cref="NaiveDominators"/> (the definition, computed by removal).
/// </summary>
public class DominatorTreeTests
{
    private static void AssertMatchesNaive(ObjectGraph g)
    {
        var naive = new NaiveDominators(g);
        foreach (var algorithm in Enum.GetValues<DominatorAlgorithm>())
            AssertMatches(DominatorTree.Compute(g, algorithm), naive);
    }

    private static void AssertMatches(DominatorTree tree, NaiveDominators naive)
    {
        var g = tree.Graph;
        Assert.Equal(naive.ImmediateDominator, tree.ImmediateDominators.ToArray());
        Assert.Equal(naive.Retained, tree.RetainedSizes.ToArray());
        for (int v = 0; v < g.NodeCount; v++) Assert.Equal(naive.Reachable[v], tree.IsReachable(v));
        int unreachable = Enumerable.Range(0, g.ObjectCount).Count(i => !naive.Reachable[g.ObjectNode(i)]);
        Assert.Equal(unreachable, tree.UnreachableObjectCount);
        Assert.Equal(Enumerable.Range(0, g.ObjectCount).Where(i => !naive.Reachable[g.ObjectNode(i)]).Sum(i => g.Sizes[i]), tree.UnreachableSize);
    }

    [Fact]
    public void Diamond()
    {
        var h = new TestHeap();
        int a = h.Objects(10, 20, 30, 40); // a, b = a+1, c = a+2, d = a+3
        h.Ref(a, a + 1).Ref(a, a + 2).Ref(a + 1, a + 3).Ref(a + 2, a + 3);
        h.Root(a);
        var g = h.Build();
        var t = DominatorTree.Compute(g);
        int A = g.ObjectNode(0), B = A + 1, C = A + 2, D = A + 3;
        Assert.Equal(g.RootNode(0), t.ImmediateDominator(A));
        Assert.Equal(A, t.ImmediateDominator(B));
        Assert.Equal(A, t.ImmediateDominator(C));
        Assert.Equal(A, t.ImmediateDominator(D)); // neither branch alone holds d
        Assert.Equal(100, t.RetainedSize(A));
        Assert.Equal(20, t.RetainedSize(B));
        Assert.Equal(40, t.RetainedSize(D));
        Assert.Equal(100, t.RetainedSize(g.RootNode(0)));
        Assert.Equal(100, t.ReachableSize);
        Assert.Equal([B, C, D], t.Children(A).ToArray().Order());
        Assert.Equal([D, C, B], t.Children(A).ToArray()); // largest retained first
        AssertMatchesNaive(g);
    }

    [Fact]
    public void CycleSelfLoopAndUnreachableCycle()
    {
        var h = new TestHeap();
        h.Objects(1, 2, 4, 8, 16, 32, 64);
        h.Ref(0, 1).Ref(1, 2).Ref(2, 0);   // reachable cycle 0 → 1 → 2 → 0
        h.Ref(3, 3);                       // self-loop, reachable
        h.Ref(4, 5).Ref(5, 4).Ref(5, 0);   // unreachable cycle pointing into the live one
        h.Ref(6, 6);                       // unreachable self-loop
        h.Root(0);
        h.Root(3);
        var g = h.Build();
        var t = DominatorTree.Compute(g);
        Assert.Equal(g.RootNode(0), t.ImmediateDominator(g.ObjectNode(0)));
        Assert.Equal(g.ObjectNode(0), t.ImmediateDominator(g.ObjectNode(1)));
        Assert.Equal(g.ObjectNode(1), t.ImmediateDominator(g.ObjectNode(2)));
        Assert.Equal(g.RootNode(1), t.ImmediateDominator(g.ObjectNode(3)));
        Assert.Equal(7, t.RetainedSize(g.ObjectNode(0)));
        Assert.Equal(8, t.RetainedSize(g.ObjectNode(3)));
        Assert.Equal(15, t.ReachableSize);
        Assert.Equal(-1, t.ImmediateDominator(g.ObjectNode(4)));
        Assert.Equal(0, t.RetainedSize(g.ObjectNode(5)));
        Assert.Equal([g.ObjectNode(4), g.ObjectNode(5), g.ObjectNode(6)], t.UnreachableObjects());
        Assert.Equal(3, t.UnreachableObjectCount);
        Assert.Equal(112, t.UnreachableSize);
        AssertMatchesNaive(g);
    }

    [Fact]
    public void ObjectHeldByTwoRootsIsDominatedByTheSuperRoot()
    {
        var h = new TestHeap();
        h.Objects(100, 5);
        h.Ref(0, 1);
        h.Root(0);
        h.Root(0, interior: 50);
        var g = h.Build();
        var t = DominatorTree.Compute(g);
        Assert.Equal(ObjectGraph.SuperRoot, t.ImmediateDominator(g.ObjectNode(0)));
        Assert.Equal(0, t.RetainedSize(g.RootNode(0)));
        Assert.Equal(0, t.RetainedSize(g.RootNode(1)));
        Assert.Equal(105, t.RetainedSize(ObjectGraph.SuperRoot));
        Assert.Equal(-1, t.ImmediateDominator(ObjectGraph.SuperRoot));
    }

    /// <summary>
    /// The flow graph of Lengauer and Tarjan's paper (TOPLAS 1979, figure 1) and the immediate
    /// dominators it lists; R is an object held by the one root.
    /// </summary>
    [Fact]
    public void LengauerTarjanPaperExample()
    {
        const string names = "RABCDEFGHIJKL";
        var h = new TestHeap();
        h.Objects(Enumerable.Repeat(1L, names.Length).ToArray());
        int N(char c) => names.IndexOf(c);
        foreach (var (from, tos) in new[] { ('R', "ABC"), ('A', "D"), ('B', "ADE"), ('C', "FG"), ('D', "L"), ('E', "H"), ('F', "I"), ('G', "IJ"), ('H', "EK"), ('I', "K"), ('J', "I"), ('K', "IR"), ('L', "H") })
            foreach (var to in tos) h.Ref(N(from), N(to));
        h.Root(N('R'));
        var g = h.Build();
        var t = DominatorTree.Compute(g);
        string expected = "-RRRRRCCRRGRD"; // idom of R.. L from the paper
        for (int i = 1; i < names.Length; i++)
            Assert.Equal(g.ObjectNode(N(expected[i])), t.ImmediateDominator(g.ObjectNode(i)));
        Assert.Equal(g.RootNode(0), t.ImmediateDominator(g.ObjectNode(N('R'))));
        Assert.Equal(2, t.RetainedSize(g.ObjectNode(N('G')))); // G and J
        Assert.Equal(4, t.RetainedSize(g.ObjectNode(N('C')))); // C, F, G, J
        AssertMatchesNaive(g);
    }

    /// <summary>A doubly linked list of 300,000 nodes: deep enough to overflow a recursive search.</summary>
    [Fact]
    public void LongChainNeedsNoRecursion()
    {
        const int n = 300_000;
        var sizes = new long[n];
        Array.Fill(sizes, 16);
        var h = new TestHeap();
        h.Objects(sizes);
        for (int i = 0; i + 1 < n; i++) h.Ref(i, i + 1).Ref(i + 1, i);
        h.Root(0);
        var g = h.Build();
        var t = DominatorTree.Compute(g, DominatorAlgorithm.LengauerTarjan);
        Assert.Equal(t.ImmediateDominators.ToArray(), DominatorTree.Compute(g).ImmediateDominators.ToArray());
        for (int i = 1; i < n; i += 997) Assert.Equal(g.ObjectNode(i - 1), t.ImmediateDominator(g.ObjectNode(i)));
        Assert.Equal(16L * n, t.RetainedSize(g.ObjectNode(0)));
        Assert.Equal(16L * (n - 1000), t.RetainedSize(g.ObjectNode(1000)));
        var top = t.TopRetainers(3);
        Assert.Equal([g.ObjectNode(0), g.ObjectNode(1), g.ObjectNode(2)], top);
        var path = new RetentionQueries(t).ShortestPath(g.ObjectNode(n - 1))!;
        Assert.Equal(n, path.Length);
    }

    /// <summary>
    /// A chain c1 → … → ck whose end holds m leaves, each also held by a root of its own: every
    /// leaf's SEMI-NCA walk climbs the whole chain (k·m steps), so Auto falls back to Lengauer–Tarjan.
    /// </summary>
    [Fact]
    public void QuadraticWalksFallBackToLengauerTarjan()
    {
        const int k = 3000, m = 3000;
        var h = new TestHeap();
        h.Objects(Enumerable.Repeat(8L, k + m).ToArray());
        for (int i = 0; i + 1 < k; i++) h.Ref(i, i + 1);
        for (int j = 0; j < m; j++) h.Ref(k - 1, k + j);
        h.Root(0);
        for (int j = 0; j < m; j++) h.Root(k + j);
        var g = h.Build();
        var auto = DominatorTree.Compute(g);
        Assert.Equal(DominatorAlgorithm.LengauerTarjan, auto.Algorithm);
        var forced = DominatorTree.Compute(g, DominatorAlgorithm.SemiNca);
        Assert.Equal(DominatorAlgorithm.SemiNca, forced.Algorithm);
        foreach (var t in new[] { auto, forced })
        {
            for (int j = 0; j < m; j += 97) Assert.Equal(ObjectGraph.SuperRoot, t.ImmediateDominator(g.ObjectNode(k + j)));
            for (int i = 1; i < k; i += 89) Assert.Equal(g.ObjectNode(i - 1), t.ImmediateDominator(g.ObjectNode(i)));
            Assert.Equal(8L * k, t.RetainedSize(g.RootNode(0)));
            Assert.Equal(8L * (k + m), t.ReachableSize);
        }
        Assert.Equal(DominatorAlgorithm.SemiNca, DominatorTree.Compute(RandomHeaps.Graph(new Random(1), 2000, 5, 2.5)).Algorithm);
    }

    [Fact]
    public void RandomGraphsMatchTheDefinition()
    {
        var rng = new Random(20240601);
        for (int iteration = 0; iteration < 400; iteration++)
        {
            var g = RandomHeaps.Graph(rng, objects: rng.Next(0, 40), roots: rng.Next(0, 5), density: rng.NextDouble() * 3);
            AssertMatchesNaive(g);
        }
    }

    [Fact]
    public void LargerRandomGraphsMatchTheDefinition()
    {
        var rng = new Random(77);
        for (int iteration = 0; iteration < 4; iteration++)
            AssertMatchesNaive(RandomHeaps.Graph(rng, objects: 600, roots: 6, density: 1.0 + iteration * 0.5));
    }

    /// <summary>
    /// Graphs with over a million edges, where the predecessor lists are built on several cores,
    /// against the iterative data-flow solution.
    /// </summary>
    [Fact]
    public void LargeGraphsMatchAnIterativeSolution()
    {
        var rng = new Random(31);
        foreach (var roots in new[] { 3, 60 })
        {
            var g = RandomHeaps.Graph(rng, objects: 350_000, roots: roots, density: 4);
            Assert.True(g.EdgeCount > 1 << 20);
            var expected = IterativeDominators.Compute(g);
            foreach (var algorithm in Enum.GetValues<DominatorAlgorithm>())
                Assert.Equal(expected, DominatorTree.Compute(g, algorithm).ImmediateDominators.ToArray());
        }
    }

    [Fact]
    public void TopRetainersAreTheLargestRetainedSizes()
    {
        var rng = new Random(5);
        var g = RandomHeaps.Graph(rng, objects: 300, roots: 4, density: 1.3);
        var t = DominatorTree.Compute(g);
        var expected = Enumerable.Range(0, g.ObjectCount).Select(g.ObjectNode).Where(t.IsReachable)
            .OrderByDescending(v => t.RetainedSize(v)).ThenBy(v => v).Take(25).ToArray();
        Assert.Equal(expected, t.TopRetainers(25));
        Assert.Equal(t.ReachableObjectCount, t.TopRetainers(int.MaxValue).Length);
        Assert.Empty(t.TopRetainers(0));
    }

    [Fact]
    public void DominatorChildrenPartitionTheReachableNodes()
    {
        var rng = new Random(11);
        var g = RandomHeaps.Graph(rng, objects: 200, roots: 3, density: 1.5);
        var t = DominatorTree.Compute(g);
        var seen = new List<int>();
        for (int v = 0; v < g.NodeCount; v++)
        {
            var kids = t.Children(v).ToArray();
            foreach (var k in kids) Assert.Equal(v, t.ImmediateDominator(k));
            for (int i = 1; i < kids.Length; i++)
                Assert.True(t.RetainedSize(kids[i - 1]) > t.RetainedSize(kids[i]) || (t.RetainedSize(kids[i - 1]) == t.RetainedSize(kids[i]) && kids[i - 1] < kids[i]));
            long sum = g.Size(v) + kids.Sum(k => t.RetainedSize(k));
            if (t.IsReachable(v)) Assert.Equal(t.RetainedSize(v), sum);
            seen.AddRange(kids);
        }
        Assert.Equal(Enumerable.Range(1, g.NodeCount - 1).Where(t.IsReachable), seen.Order());
    }
}
