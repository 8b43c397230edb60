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

/// <summary>What one pass over the samples gathered: node values, and edges and tags when asked for.</summary>
public readonly record struct GraphPass(NodeValues Values, EdgeTable? Edges, NodeTags? Tags)
{
    public void Deconstruct(out NodeValues values, out EdgeTable? edges)
    {
        values = Values;
        edges = Edges;
    }
}

/// <summary>
/// One pass over the samples that adds each sample's value to the nodes of its stack (cumulative
/// once per node per sample, flat to the leaf), to the edges between consecutive kept nodes, and
/// to the tags of wanted nodes: pprof's newGraph, with node and edge sets as flat arrays and stamps
/// instead of per-sample maps.
/// </summary>
public static class GraphAccumulator
{
    /// <param name="valueIndex">The sample value to add.</param>
    /// <param name="meanIndex">The sample value that divides it for -mean, or -1.</param>
    /// <param name="kept">Nodes to keep (others are skipped, leaving residual edges), or null for all.</param>
    /// <param name="sampleFilter">Samples to include, or null for all.</param>
    /// <param name="tags">Node tags to gather in the same pass (for kept nodes only), or null.</param>
    public static GraphPass Accumulate(
        Profile p, LocationNodes ln, int valueIndex, int meanIndex, bool[]? kept, EdgeScope edges, bool[]? sampleFilter = null,
        TagRequest? tags = null)
    {
        var signatures = tags is null ? null : SampleSignatures.Of(p, tags.Options);
        var (compact, wantedCount) = tags is null ? ([], 0) : TagSlots.Compact(tags.Wanted);
        TagSlots? NewSlots() => signatures is null ? null : new TagSlots(signatures, tags!.Wanted, compact, wantedCount);
        NodeTags? Tags(TagSlots? slots) => slots?.ToTags(ln.NodeCount, tags!.Options);

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
            if (!any)
            {
                var only = NewSlots();
                return new(Range(p, ln, valueIndex, meanIndex, kept, null, null, only, sampleFilter, 0, p.SampleCount), new EdgeTable(), Tags(only));
            }
        }
        var table = edges == EdgeScope.None ? null : new EdgeTable();

        // Samples are independent: chunks are added up on each core, then summed (tags in sample
        // order, so they come out as from one pass).
        int workers = Math.Min(Environment.ProcessorCount, Math.Max(1, p.SampleCount / 100_000));
        if (workers <= 1)
        {
            var slots = NewSlots();
            return new(Range(p, ln, valueIndex, meanIndex, kept, table, edgeDest, slots, sampleFilter, 0, p.SampleCount), table, Tags(slots));
        }
        var parts = new (NodeValues Values, EdgeTable? Edges, TagSlots? Slots)[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            int from = (int)((long)p.SampleCount * w / workers), to = (int)((long)p.SampleCount * (w + 1) / workers);
            var t = table is null ? null : new EdgeTable();
            var slots = NewSlots();
            parts[w] = (Range(p, ln, valueIndex, meanIndex, kept, t, edgeDest, slots, sampleFilter, from, to), t, slots);
        });
        var values = parts[0].Values;
        for (int w = 1; w < workers; w++) values.Add(parts[w].Values);
        if (table is not null)
            foreach (var part in parts) table.AddAll(part.Edges!);
        var tagSlots = parts[0].Slots;
        for (int w = 1; w < workers; w++) tagSlots?.AddAll(parts[w].Slots!);
        return new(values, table, Tags(tagSlots));
    }

    private static NodeValues Range(
        Profile p, LocationNodes ln, int valueIndex, int meanIndex, bool[]? kept, EdgeTable? table, bool[]? edgeDest,
        TagSlots? tags, bool[]? sampleFilter, int fromSample, int toSample)
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
        var wanted = tags?.Wanted;

        for (int s = fromSample; s < toSample; s++)
        {
            if (sampleFilter is not null && !sampleFilter[s]) continue;
            long w = v[(long)s * nv + valueIndex];
            long dw = meanIndex >= 0 ? v[(long)s * nv + meanIndex] : 0;
            if (w == 0 && dw == 0) continue;
            int stamp = s + 1;
            int sig = tags is null ? -1 : tags.SignatureOf(s);
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
                        if (sig >= 0 && wanted![n]) tags!.Add(n, sig, s, w, dw, flat: false);
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
                if (sig >= 0 && wanted![parent]) tags!.Add(parent, sig, s, w, dw, flat: true);
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
