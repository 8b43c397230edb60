using LeakHound.Core;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// pprof's node orders: by |flat| (or |cum|, or the entropy score of graphs), then printable name,
/// then |flat| or |cum|, then the whole node info.
/// </summary>
public static class NodeOrder
{
    public static void Sort(int[] nodes, LocationNodes ln, NodeValues v, bool cum)
    {
        var names = new Dictionary<int, string>(nodes.Length);
        string Name(int n)
        {
            if (!names.TryGetValue(n, out var s)) names[n] = s = ln.Infos[n].PrintableName();
            return s;
        }
        Comparison<int> cmp = cum
            ? (a, b) =>
            {
                int c = Math.Abs(v.Cum[b]).CompareTo(Math.Abs(v.Cum[a]));
                if (c != 0) return c;
                c = string.CompareOrdinal(Name(a), Name(b));
                if (c != 0) return c;
                c = Math.Abs(v.Flat[b]).CompareTo(Math.Abs(v.Flat[a]));
                if (c != 0) return c;
                return string.CompareOrdinal(ln.Infos[a].GoSprint(), ln.Infos[b].GoSprint());
            }
            : (a, b) =>
            {
                int c = Math.Abs(v.Flat[b]).CompareTo(Math.Abs(v.Flat[a]));
                if (c != 0) return c;
                c = string.CompareOrdinal(Name(a), Name(b));
                if (c != 0) return c;
                c = Math.Abs(v.Cum[b]).CompareTo(Math.Abs(v.Cum[a]));
                if (c != 0) return c;
                return string.CompareOrdinal(ln.Infos[a].GoSprint(), ln.Infos[b].GoSprint());
            };
        Array.Sort(nodes, cmp);
    }

    /// <summary>
    /// pprof's order for visual graphs: by |entropy score| (<see cref="EntropyScores"/>), then
    /// printable name, then |flat|, then the whole node info.
    /// </summary>
    public static void SortByEntropy(int[] nodes, LocationNodes ln, NodeValues v, EdgeTable edges)
    {
        var score = EntropyScores(ln.NodeCount, v, edges);
        var names = new Dictionary<int, string>(nodes.Length);
        string Name(int n)
        {
            if (!names.TryGetValue(n, out var s)) names[n] = s = ln.Infos[n].PrintableName();
            return s;
        }
        Array.Sort(nodes, (a, b) =>
        {
            int c = GoMath.Abs(score[b]).CompareTo(GoMath.Abs(score[a]));
            if (c != 0) return c;
            c = string.CompareOrdinal(Name(a), Name(b));
            if (c != 0) return c;
            c = Math.Abs(v.Flat[b]).CompareTo(Math.Abs(v.Flat[a]));
            if (c != 0) return c;
            return string.CompareOrdinal(ln.Infos[a].GoSprint(), ln.Infos[b].GoSprint());
        });
    }

    /// <summary>
    /// How much a node tells on a graph: nodes where the weight only passes through (one way in, one
    /// way out) score low; entry and leaf nodes, and nodes where weight fans in or out, score high.
    /// pprof's entropyScore: (entropy of the in-edge weights, or 1 for an entry node, plus entropy of
    /// the out-edge weights and the node's own flat weight, or 1 for a leaf) × cum + flat, over the
    /// live edges of the graph. Float and overflow behaviour is Go's on amd64.
    /// </summary>
    public static long[] EntropyScores(int nodeCount, NodeValues v, EdgeTable edges)
    {
        var inCount = new int[nodeCount];
        var outCount = new int[nodeCount];
        var inTotal = new long[nodeCount];
        var outTotal = (long[])v.Flat.Clone(); // the node's own flat weight counts on the way out
        for (int e = 0; e < edges.Count; e++)
        {
            if (edges.Removed(e)) continue;
            long w = edges.Weight(e);
            int src = edges.Src(e), dst = edges.Dst(e);
            inCount[dst]++;
            outCount[src]++;
            if (w > 0)
            {
                inTotal[dst] += w;
                outTotal[src] += w;
            }
        }
        var inEntropy = new double[nodeCount];
        var outEntropy = new double[nodeCount];
        for (int e = 0; e < edges.Count; e++)
        {
            if (edges.Removed(e)) continue;
            long w = GoMath.Abs(edges.Weight(e));
            int src = edges.Src(e), dst = edges.Dst(e);
            if (inTotal[dst] != 0) inEntropy[dst] += Term(w, inTotal[dst]);
            if (outTotal[src] != 0) outEntropy[src] += Term(w, outTotal[src]);
        }
        var score = new long[nodeCount];
        for (int n = 0; n < nodeCount; n++)
        {
            double s = 0;
            s += inCount[n] == 0 ? 1 : inEntropy[n];
            if (outCount[n] == 0)
            {
                s++;
            }
            else
            {
                s += outEntropy[n];
                if (outTotal[n] != 0 && v.Flat[n] > 0) s += Term(v.Flat[n], outTotal[n]);
            }
            score[n] = unchecked(GoMath.ToInt64(s * v.Cum[n]) + v.Flat[n]);
        }
        return score;

        static double Term(long weight, long total)
        {
            double frac = (double)weight / total;
            return -frac * Math.Log2(frac);
        }
    }
}
