using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Tests.HeapGraph;

/// <summary>
/// Immediate dominators by the iterative data-flow method of Cooper, Harvey and Kennedy ("A Simple,
/// Fast Dominance Algorithm", 2001): repeat over reverse postorder, intersecting the dominators of
/// the processed predecessors, until nothing changes. An independent check for graphs too large for
/// <see cref="NaiveDominators"/>.
/// </summary>
public static class IterativeDominators
{
    public static int[] Compute(ObjectGraph g)
    {
        int n = g.NodeCount;
        // Postorder numbers by an explicit-stack search from the super-root.
        var post = new int[n];
        Array.Fill(post, -1);
        var seen = new bool[n];
        var order = new List<int>();
        var stack = new Stack<(int Node, int Next)>();
        seen[0] = true;
        stack.Push((0, 0));
        while (stack.Count > 0)
        {
            var (u, next) = stack.Pop();
            var children = g.Children(u);
            if (next < children.Length)
            {
                stack.Push((u, next + 1));
                int c = children[next];
                if (!seen[c])
                {
                    seen[c] = true;
                    stack.Push((c, 0));
                }
                continue;
            }
            post[u] = order.Count;
            order.Add(u);
        }
        var idom = new int[n];
        Array.Fill(idom, -1);
        idom[0] = 0;
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = order.Count - 2; k >= 0; k--) // reverse postorder, the super-root (last) left out
            {
                int v = order[k];
                int newIdom = -1;
                foreach (int p in g.Owners(v))
                {
                    if (post[p] < 0 || idom[p] < 0) continue;
                    newIdom = newIdom < 0 ? p : Intersect(p, newIdom, idom, post);
                }
                if (idom[v] != newIdom)
                {
                    idom[v] = newIdom;
                    changed = true;
                }
            }
        }
        idom[0] = -1;
        return idom;
    }

    private static int Intersect(int a, int b, int[] idom, int[] post)
    {
        while (a != b)
        {
            while (post[a] < post[b]) a = idom[a];
            while (post[b] < post[a]) b = idom[b];
        }
        return a;
    }
}
