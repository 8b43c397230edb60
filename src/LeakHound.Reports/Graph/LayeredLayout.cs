namespace LeakHound.Reports.Graph;

/// <summary>
/// A layered (Sugiyama-style) drawing of a directed graph, top to bottom, over int arrays:
/// cycles broken by reversing DFS back edges; ranks by longest path (respecting each edge's
/// minimum length), sources pulled down next to their successors; long edges split by dummy
/// nodes; crossings reduced by barycenter sweeps (the best order kept); x positions placed at
/// the weighted mean of neighbours and separated optimally (isotonic regression); edges routed
/// through their dummy nodes.
/// </summary>
public sealed class LayeredLayout
{
    /// <summary>Centre and size of each real node.</summary>
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public required double[] Width { get; init; }
    public required double[] Height { get; init; }

    /// <summary>
    /// Each edge's route from the source's bottom (or top, going up) to the target: points, in
    /// order; a self loop's two points are where it leaves and re-enters the box's right side.
    /// </summary>
    public required List<(double X, double Y)>[] Routes { get; init; }

    public required double TotalWidth { get; init; }
    public required double TotalHeight { get; init; }

    public const double NodeGap = 24, RankGap = 56, SelfLoopWidth = 30;

    public static LayeredLayout Compute(double[] width, double[] height, (int Src, int Dst, int MinLen, double Weight)[] edges)
    {
        int n = width.Length;
        // 1. Break cycles: edges that close a DFS cycle are reversed for ranking.
        var reversed = BackEdges(n, edges);
        var src = new int[edges.Length];
        var dst = new int[edges.Length];
        for (int e = 0; e < edges.Length; e++)
            (src[e], dst[e]) = reversed[e] ? (edges[e].Dst, edges[e].Src) : (edges[e].Src, edges[e].Dst);

        // 2. Ranks by longest path over a topological order, then sources pulled down.
        var rank = Ranks(n, src, dst, edges);

        // 3. Dummy nodes along edges longer than one rank.
        var layerOf = new List<int>(rank);
        var chain = new List<int>[edges.Length];
        var adjacency = new List<(int Upper, int Lower, double Weight)>();
        for (int e = 0; e < edges.Length; e++)
        {
            if (src[e] == dst[e]) { chain[e] = []; continue; }
            var nodes = new List<int> { src[e] };
            for (int r = rank[src[e]] + 1; r < rank[dst[e]]; r++)
            {
                nodes.Add(layerOf.Count);
                layerOf.Add(r);
            }
            nodes.Add(dst[e]);
            chain[e] = nodes;
            for (int i = 0; i + 1 < nodes.Count; i++) adjacency.Add((nodes[i], nodes[i + 1], Math.Max(edges[e].Weight, 1e-9)));
        }
        int total = layerOf.Count;
        int layers = total == 0 ? 0 : layerOf.Max() + 1;
        var layer = new List<int>[layers];
        for (int l = 0; l < layers; l++) layer[l] = [];
        for (int v = 0; v < total; v++) layer[layerOf[v]].Add(v);

        var up = new List<(int, double)>[total];
        var down = new List<(int, double)>[total];
        for (int v = 0; v < total; v++) { up[v] = []; down[v] = []; }
        foreach (var (u, l, w) in adjacency)
        {
            down[u].Add((l, w));
            up[l].Add((u, w));
        }

        // 4. Crossing reduction.
        Order(layer, up, down);

        // 5. Coordinates.
        double W(int v) => v < n ? width[v] : 2;
        double H(int v) => v < n ? height[v] : 0;
        var x = Place(layer, up, down, W);
        var y = new double[total];
        double top = 0, maxRight = 0;
        for (int l = 0; l < layers; l++)
        {
            double h = layer[l].Count == 0 ? 0 : layer[l].Max(H);
            foreach (int v in layer[l]) y[v] = top + h / 2;
            top += h + RankGap;
            foreach (int v in layer[l]) maxRight = Math.Max(maxRight, x[v] + W(v) / 2);
        }

        // 6. Routes: real endpoints meet the boxes' bottom and top edges.
        var routes = new List<(double, double)>[edges.Length];
        for (int e = 0; e < edges.Length; e++)
        {
            var pts = new List<(double, double)>();
            if (chain[e].Count == 0)
            {
                // A self loop: out of the box's right side and back in, below.
                int v = src[e];
                pts.Add((x[v] + W(v) / 2, y[v] - H(v) / 4));
                pts.Add((x[v] + W(v) / 2, y[v] + H(v) / 4));
                maxRight = Math.Max(maxRight, x[v] + W(v) / 2 + SelfLoopWidth);
            }
            else
            {
                for (int i = 0; i < chain[e].Count; i++)
                {
                    int v = chain[e][i];
                    double py = y[v];
                    if (i == 0) py += H(v) / 2;
                    else if (i == chain[e].Count - 1) py -= H(v) / 2;
                    pts.Add((x[v], py));
                }
                if (reversed[e]) pts.Reverse();
            }
            routes[e] = pts;
        }
        return new LayeredLayout
        {
            X = x[..n], Y = y[..n], Width = width, Height = height, Routes = routes,
            TotalWidth = maxRight, TotalHeight = Math.Max(0, top - RankGap),
        };
    }

    private static bool[] BackEdges(int n, (int Src, int Dst, int MinLen, double Weight)[] edges)
    {
        var outs = new List<int>[n];
        for (int v = 0; v < n; v++) outs[v] = [];
        for (int e = 0; e < edges.Length; e++) outs[edges[e].Src].Add(e);
        var state = new byte[n]; // 0 new, 1 on the stack, 2 done
        var back = new bool[edges.Length];
        var stack = new Stack<(int Node, int Next)>();
        for (int s = 0; s < n; s++)
        {
            if (state[s] != 0) continue;
            stack.Push((s, 0));
            state[s] = 1;
            while (stack.Count > 0)
            {
                var (v, i) = stack.Pop();
                if (i < outs[v].Count)
                {
                    stack.Push((v, i + 1));
                    int e = outs[v][i], t = edges[e].Dst;
                    if (state[t] == 1) back[e] = true;
                    else if (state[t] == 0)
                    {
                        state[t] = 1;
                        stack.Push((t, 0));
                    }
                }
                else state[v] = 2;
            }
        }
        return back;
    }

    private static int[] Ranks(int n, int[] src, int[] dst, (int Src, int Dst, int MinLen, double Weight)[] edges)
    {
        var indeg = new int[n];
        var outs = new List<int>[n];
        var ins = new List<int>[n];
        for (int v = 0; v < n; v++) { outs[v] = []; ins[v] = []; }
        for (int e = 0; e < src.Length; e++)
        {
            if (src[e] == dst[e]) continue;
            outs[src[e]].Add(e);
            ins[dst[e]].Add(e);
            indeg[dst[e]]++;
        }
        var rank = new int[n];
        var queue = new Queue<int>();
        for (int v = 0; v < n; v++) if (indeg[v] == 0) queue.Enqueue(v);
        var topo = new List<int>(n);
        while (queue.Count > 0)
        {
            int v = queue.Dequeue();
            topo.Add(v);
            foreach (int e in outs[v])
            {
                rank[dst[e]] = Math.Max(rank[dst[e]], rank[v] + Math.Max(1, edges[e].MinLen));
                if (--indeg[dst[e]] == 0) queue.Enqueue(dst[e]);
            }
        }
        // Nodes with no edge in are placed just above their nearest successor (a caller next to its callee).
        for (int i = topo.Count - 1; i >= 0; i--)
        {
            int v = topo[i];
            if (ins[v].Count != 0 || outs[v].Count == 0) continue;
            int r = int.MaxValue;
            foreach (int e in outs[v]) r = Math.Min(r, rank[dst[e]] - Math.Max(1, edges[e].MinLen));
            rank[v] = Math.Max(rank[v], r);
        }
        return rank;
    }

    private static void Order(List<int>[] layer, List<(int, double)>[] up, List<(int, double)>[] down)
    {
        var pos = new double[up.Length];
        void Index()
        {
            foreach (var l in layer)
                for (int i = 0; i < l.Count; i++) pos[l[i]] = i;
        }
        Index();
        var best = layer.Select(l => l.ToList()).ToArray();
        long bestCrossings = Crossings(layer, down, pos);
        for (int iter = 0; iter < 12 && bestCrossings > 0; iter++)
        {
            bool downward = iter % 2 == 0;
            for (int k = 1; k < layer.Length; k++)
            {
                int l = downward ? k : layer.Length - 1 - k;
                var neighbours = downward ? up : down;
                var bary = new Dictionary<int, double>();
                foreach (int v in layer[l])
                {
                    double sum = 0, wsum = 0;
                    foreach (var (u, w) in neighbours[v]) { sum += pos[u] * w; wsum += w; }
                    bary[v] = wsum > 0 ? sum / wsum : pos[v];
                }
                var sorted = layer[l].OrderBy(v => bary[v]).ThenBy(v => pos[v]).ToList();
                layer[l].Clear();
                layer[l].AddRange(sorted);
                for (int i = 0; i < sorted.Count; i++) pos[sorted[i]] = i;
            }
            long c = Crossings(layer, down, pos);
            if (c < bestCrossings)
            {
                bestCrossings = c;
                best = layer.Select(x => x.ToList()).ToArray();
            }
        }
        for (int l = 0; l < layer.Length; l++)
        {
            layer[l].Clear();
            layer[l].AddRange(best[l]);
        }
    }

    /// <summary>Edge crossings between adjacent layers (pairs of edges whose ends are in opposite orders).</summary>
    private static long Crossings(List<int>[] layer, List<(int, double)>[] down, double[] pos)
    {
        long crossings = 0;
        var ends = new List<(double, double)>();
        for (int l = 0; l + 1 < layer.Length; l++)
        {
            ends.Clear();
            foreach (int v in layer[l])
                foreach (var (t, _) in down[v]) ends.Add((pos[v], pos[t]));
            for (int i = 0; i < ends.Count; i++)
                for (int j = i + 1; j < ends.Count; j++)
                    if ((ends[i].Item1 - ends[j].Item1) * (ends[i].Item2 - ends[j].Item2) < 0) crossings++;
        }
        return crossings;
    }

    /// <summary>x of every node: each layer packed, then moved towards its neighbours' weighted mean, a few sweeps.</summary>
    private static double[] Place(List<int>[] layer, List<(int, double)>[] up, List<(int, double)>[] down, Func<int, double> width)
    {
        var x = new double[up.Length];
        foreach (var l in layer)
        {
            double at = 0;
            foreach (int v in l)
            {
                x[v] = at + width(v) / 2;
                at += width(v) + NodeGap;
            }
        }
        for (int iter = 0; iter < 8; iter++)
        {
            bool downward = iter % 2 == 0;
            for (int k = 0; k < layer.Length; k++)
            {
                int l = downward ? k : layer.Length - 1 - k;
                var l0 = layer[l];
                var desired = new double[l0.Count];
                for (int i = 0; i < l0.Count; i++)
                {
                    int v = l0[i];
                    double sum = 0, wsum = 0;
                    foreach (var (u, w) in up[v]) { sum += x[u] * w; wsum += w; }
                    foreach (var (u, w) in down[v]) { sum += x[u] * w; wsum += w; }
                    desired[i] = wsum > 0 ? sum / wsum : x[v];
                }
                var placed = Separate(desired, l0.Select(width).ToArray());
                for (int i = 0; i < l0.Count; i++) x[l0[i]] = placed[i];
            }
        }
        double min = double.MaxValue;
        for (int v = 0; v < x.Length; v++) min = Math.Min(min, x[v] - width(v) / 2);
        if (min != double.MaxValue)
            for (int v = 0; v < x.Length; v++) x[v] -= min;
        return x;
    }

    /// <summary>
    /// The positions closest (least squares) to <paramref name="desired"/> that keep the order and
    /// the gaps: with offsets c_i of packed boxes, x_i − c_i must not decrease, so this is an
    /// isotonic regression of desired_i − c_i (pool adjacent violators).
    /// </summary>
    private static double[] Separate(double[] desired, double[] widths)
    {
        int m = desired.Length;
        var c = new double[m];
        for (int i = 1; i < m; i++) c[i] = c[i - 1] + (widths[i - 1] + widths[i]) / 2 + NodeGap;
        var blockValue = new List<double>();
        var blockCount = new List<int>();
        for (int i = 0; i < m; i++)
        {
            blockValue.Add(desired[i] - c[i]);
            blockCount.Add(1);
            while (blockValue.Count > 1 && blockValue[^2] > blockValue[^1])
            {
                int a = blockCount[^2], b = blockCount[^1];
                double merged = (blockValue[^2] * a + blockValue[^1] * b) / (a + b);
                blockValue.RemoveAt(blockValue.Count - 1);
                blockCount.RemoveAt(blockCount.Count - 1);
                blockValue[^1] = merged;
                blockCount[^1] = a + b;
            }
        }
        var x = new double[m];
        int k = 0;
        for (int bIndex = 0; bIndex < blockValue.Count; bIndex++)
            for (int j = 0; j < blockCount[bIndex]; j++, k++) x[k] = blockValue[bIndex] + c[k];
        return x;
    }
}
