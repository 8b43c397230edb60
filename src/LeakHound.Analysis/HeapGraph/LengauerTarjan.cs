using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// Immediate dominators by the Lengauer–Tarjan algorithm ("simple" version: path compression
/// without balancing, O(m log n) whatever the graph), over a <see cref="DepthFirstOrder"/>, without
/// recursion: path compression walks the path into a scratch array. The forest that path
/// compression works on keeps each vertex's four fields side by side, because following a path
/// touches them together and a heap's paths jump all over memory. <see cref="SemiNca"/> is faster
/// on heaps; this is its fallback for graphs where its tree walks would take quadratic time.
/// </summary>
internal static class LengauerTarjan
{
    /// <summary>
    /// A vertex in the link-eval forest: its forest parent (-1 for a tree's root), the vertex of least
    /// semidominator on its compressed path and that semidominator (kept here so comparisons along a
    /// path need no lookup elsewhere), and its own semidominator.
    /// </summary>
    private struct ForestVertex
    {
        public int Ancestor;
        public int Label;
        public int LabelSemi;
        public int Semi;
    }

    /// <summary>The immediate dominator of each vertex by preorder number; -1 for the super-root.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] Compute(DepthFirstOrder order)
    {
        int count = order.Count;
        var predStart = order.PredStart;
        var pred = order.Pred;
        var parent = order.Parent;
        var forest = new ForestVertex[count];
        var bucketHead = new int[count];
        var bucketNext = new int[count];
        for (int i = 0; i < count; i++)
        {
            forest[i] = new ForestVertex { Ancestor = -1, Label = i, LabelSemi = i, Semi = i };
            bucketHead[i] = -1;
        }
        var idom = new int[count];
        var path = new int[1024];
        for (int i = count - 1; i > 0; i--)
        {
            // The semidominator: the least of the predecessors numbered below i, and of the least
            // semidominators on the forest paths above those numbered above i (already linked).
            int s = i;
            for (int e = predStart[i], end = predStart[i + 1]; e < end; e++)
            {
                int v = pred[e];
                if (v < i)
                {
                    if (v < s) s = v;
                }
                else if (v > i)
                {
                    int vs = EvalSemi(v, forest, ref path);
                    if (vs < s) s = vs;
                }
            }
            ref var fi = ref forest[i];
            fi.Semi = s;
            fi.LabelSemi = s;
            bucketNext[i] = bucketHead[s];
            bucketHead[s] = i;
            int p = parent[i];
            fi.Ancestor = p;
            for (int v = bucketHead[p]; v >= 0; v = bucketNext[v])
            {
                int us = EvalSemi(v, forest, ref path);
                idom[v] = us < forest[v].Semi ? forest[v].Label : p;
            }
            bucketHead[p] = -1;
        }
        // Where the semidominator and the recorded vertex differ, the dominator is that vertex's
        // dominator, which preorder has already made final.
        idom[0] = -1;
        for (int i = 1; i < count; i++)
            if (idom[i] != forest[i].Semi) idom[i] = idom[idom[i]];
        return idom;
    }

    /// <summary>
    /// The least semidominator on the forest path above the linked vertex <paramref name="v"/>
    /// (excluding the tree's root), compressing the path; afterwards forest[v].Label is the vertex
    /// that has it. The recursive formulation handles the path from the top down, so the path is
    /// collected first and then processed in reverse.
    /// </summary>
    private static int EvalSemi(int v, ForestVertex[] forest, ref int[] path)
    {
        int depth = 0;
        int x = v;
        while (forest[forest[x].Ancestor].Ancestor >= 0)
        {
            if (depth == path.Length) Array.Resize(ref path, path.Length * 2);
            path[depth++] = x;
            x = forest[x].Ancestor;
        }
        while (depth > 0)
        {
            ref var fx = ref forest[path[--depth]];
            ref var fa = ref forest[fx.Ancestor];
            if (fa.LabelSemi < fx.LabelSemi)
            {
                fx.Label = fa.Label;
                fx.LabelSemi = fa.LabelSemi;
            }
            fx.Ancestor = fa.Ancestor;
        }
        return forest[v].LabelSemi;
    }
}
