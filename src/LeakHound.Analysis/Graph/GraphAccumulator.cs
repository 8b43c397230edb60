using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Graph;

/// <summary>Which edges a pass over the samples records.</summary>
public enum EdgeScope
{
    None,
    /// <summary>Only edges into nodes that some location inlines (all a flat report needs to label "(inline)").</summary>
    IntoInlined,
    All,
}

/// <summary>
/// One pass over the samples that adds each sample's value to the nodes of its stack (cumulative
/// once per node per sample, flat to the leaf) and to the edges between consecutive kept nodes:
/// pprof's newGraph, with node and edge sets as flat arrays and stamps instead of per-sample maps.
/// </summary>
public static class GraphAccumulator
{
    /// <param name="valueIndex">The sample value to add.</param>
    /// <param name="meanIndex">The sample value that divides it for -mean, or -1.</param>
    /// <param name="kept">Nodes to keep (others are skipped, leaving residual edges), or null for all.</param>
    /// <param name="sampleFilter">Samples to include, or null for all.</param>
    public static (NodeValues Values, EdgeTable? Edges) Accumulate(
        Profile p, LocationNodes ln, int valueIndex, int meanIndex, bool[]? kept, EdgeScope edges, bool[]? sampleFilter = null)
    {
        bool[]? edgeDest = null;
        if (edges == EdgeScope.IntoInlined)
        {
            edgeDest = InlinedNodes(p, ln);
            bool any = false;
            for (int n = 0; n < edgeDest.Length; n++)
            {
                if (kept is not null && !kept[n]) edgeDest[n] = false;
                any |= edgeDest[n];
            }
            // No kept node is ever inlined: there is no edge to record.
            if (!any) return (Range(p, ln, valueIndex, meanIndex, kept, null, null, sampleFilter, 0, p.SampleCount), new EdgeTable());
        }
        var table = edges == EdgeScope.None ? null : new EdgeTable();

        // Samples are independent: chunks are added up on each core, then summed.
        int workers = Math.Min(Environment.ProcessorCount, Math.Max(1, p.SampleCount / 100_000));
        if (workers <= 1)
            return (Range(p, ln, valueIndex, meanIndex, kept, table, edgeDest, sampleFilter, 0, p.SampleCount), table);
        var parts = new (NodeValues Values, EdgeTable? Edges)[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            int from = (int)((long)p.SampleCount * w / workers), to = (int)((long)p.SampleCount * (w + 1) / workers);
            var t = table is null ? null : new EdgeTable();
            parts[w] = (Range(p, ln, valueIndex, meanIndex, kept, t, edgeDest, sampleFilter, from, to), t);
        });
        var values = parts[0].Values;
        for (int w = 1; w < workers; w++) values.Add(parts[w].Values);
        if (table is not null)
            foreach (var part in parts) table.AddAll(part.Edges!);
        return (values, table);
    }

    private static NodeValues Range(
        Profile p, LocationNodes ln, int valueIndex, int meanIndex, bool[]? kept, EdgeTable? table, bool[]? edgeDest,
        bool[]? sampleFilter, int fromSample, int toSample)
    {
        int nodeCount = ln.NodeCount;
        var values = new NodeValues(nodeCount);
        bool trackEdges = table is not null;
        var seen = new int[nodeCount];
        var edgeSeen = new List<int>();
        var flat = values.Flat;
        var flatDiv = values.FlatDiv;
        var cum = values.Cum;
        var cumDiv = values.CumDiv;
        var v = p.Values;
        var stackStart = p.StackStart;
        var stack = p.Stack;
        var nodeStart = ln.Start;
        var nodeIds = ln.Node;
        int nv = p.ValueCount;

        for (int s = fromSample; s < toSample; s++)
        {
            if (sampleFilter is not null && !sampleFilter[s]) continue;
            long w = v[(long)s * nv + valueIndex];
            long dw = meanIndex >= 0 ? v[(long)s * nv + meanIndex] : 0;
            if (w == 0 && dw == 0) continue;
            int stamp = s + 1;
            int parent = -1;
            bool residual = false;
            for (int i = stackStart[s + 1] - 1; i >= stackStart[s]; i--)
            {
                int loc = stack[i];
                int first = nodeStart[loc], last = nodeStart[loc + 1] - 1;
                for (int ni = last; ni >= first; ni--)
                {
                    int n = nodeIds[ni];
                    if (kept is not null && !kept[n])
                    {
                        residual = true;
                        continue;
                    }
                    if (seen[n] != stamp)
                    {
                        seen[n] = stamp;
                        cum[n] += w;
                        cumDiv[n] += dw;
                    }
                    if (trackEdges && parent >= 0 && n != parent && (edgeDest is null || edgeDest[n]))
                    {
                        bool inline = ni != last;
                        int e = table!.FindOrAdd(parent, n, inline);
                        while (edgeSeen.Count <= e) edgeSeen.Add(0);
                        if (edgeSeen[e] != stamp)
                        {
                            edgeSeen[e] = stamp;
                            table.Add(e, dw, w, residual, inline);
                        }
                    }
                    parent = n;
                    residual = false;
                }
            }
            if (parent >= 0 && !residual)
            {
                flat[parent] += w;
                flatDiv[parent] += dw;
            }
        }
        return values;
    }

    /// <summary>Nodes that appear as an inlined (not outermost) line of some location.</summary>
    public static bool[] InlinedNodes(Profile p, LocationNodes ln)
    {
        var inlined = new bool[ln.NodeCount];
        for (int l = 0; l < p.Locations.Length; l++)
        {
            var nodes = ln.NodesOf(l);
            for (int i = 0; i < nodes.Length - 1; i++) inlined[nodes[i]] = true;
        }
        return inlined;
    }
}
