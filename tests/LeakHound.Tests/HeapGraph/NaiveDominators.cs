using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Tests.HeapGraph;

/// <summary>
/// Dominators straight from the definition, for checking: d dominates v when v is reachable from
/// the super-root but no longer once d is removed (and every node dominates itself). Quadratic;
/// for small graphs only.
/// </summary>
public sealed class NaiveDominators
{
    public int[] ImmediateDominator { get; }
    public long[] Retained { get; }
    public bool[] Reachable { get; }

    public NaiveDominators(ObjectGraph g)
    {
        int n = g.NodeCount;
        Reachable = Reach(g, removed: -1);
        // dominatedBy[d][v]: d dominates v.
        var dominatedBy = new bool[n][];
        for (int d = 0; d < n; d++)
        {
            dominatedBy[d] = new bool[n];
            if (!Reachable[d]) continue;
            var without = d == ObjectGraph.SuperRoot ? new bool[n] : Reach(g, d);
            for (int v = 0; v < n; v++)
                dominatedBy[d][v] = Reachable[v] && (v == d || !without[v]);
        }
        ImmediateDominator = new int[n];
        Retained = new long[n];
        for (int v = 0; v < n; v++)
        {
            ImmediateDominator[v] = -1;
            if (!Reachable[v] || v == ObjectGraph.SuperRoot) continue;
            // The strict dominator that every other strict dominator dominates.
            var strict = Enumerable.Range(0, n).Where(d => d != v && dominatedBy[d][v]).ToList();
            var idom = strict.Where(d => strict.All(o => dominatedBy[o][d])).ToList();
            Assert.Single(idom);
            ImmediateDominator[v] = idom[0];
        }
        for (int d = 0; d < n; d++)
            for (int v = 0; v < n; v++)
                if (dominatedBy[d][v]) Retained[d] += g.Size(v);
    }

    /// <summary>Nodes reachable from the super-root when <paramref name="removed"/> is taken out.</summary>
    public static bool[] Reach(ObjectGraph g, int removed)
    {
        var seen = new bool[g.NodeCount];
        var stack = new Stack<int>();
        seen[ObjectGraph.SuperRoot] = true;
        stack.Push(ObjectGraph.SuperRoot);
        while (stack.Count > 0)
        {
            int u = stack.Pop();
            foreach (int c in g.Children(u))
                if (c != removed && !seen[c])
                {
                    seen[c] = true;
                    stack.Push(c);
                }
        }
        return seen;
    }
}
