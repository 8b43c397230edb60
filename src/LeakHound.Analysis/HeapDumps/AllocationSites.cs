using LeakHound.Analysis.HeapGraph;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// Where sampled live objects were allocated: each alloc sample record names an object and the
/// memprof bucket of its allocation, whose frames are the allocation stack. Sites are stacks of
/// function names (innermost first); buckets with the same stack (different sizes) are one site.
/// Only sampled objects have a site (MemProfileRate decides which: one per 512 KiB allocated by default).
/// </summary>
public sealed class AllocationSites
{
    private readonly int[] _sampleNode; // ascending
    private readonly int[] _sampleSite;

    private AllocationSites(string[][] stacks, int[] sampleNode, int[] sampleSite)
    {
        Stacks = stacks;
        _sampleNode = sampleNode;
        _sampleSite = sampleSite;
    }

    /// <summary>Each site's stack, function names innermost first.</summary>
    public string[][] Stacks { get; }

    public int Count => Stacks.Length;

    /// <summary>The sampled object nodes, ascending.</summary>
    public ReadOnlySpan<int> SampledNodes => _sampleNode;

    /// <summary>The site of each of <see cref="SampledNodes"/>.</summary>
    public ReadOnlySpan<int> SampledSites => _sampleSite;

    /// <summary>The allocating function: the innermost frame outside the runtime package, else the innermost frame.</summary>
    public string Function(int site)
    {
        foreach (var f in Stacks[site])
            if (!f.StartsWith("runtime.", StringComparison.Ordinal)) return f;
        return Stacks[site].Length > 0 ? Stacks[site][0] : "(no frames)";
    }

    /// <summary>The stack on one line, innermost first.</summary>
    public string StackText(int site) => Stacks[site].Length == 0 ? "(no frames)" : string.Join(" <- ", Stacks[site]);

    /// <summary>The site of an object node, or -1 when it was not sampled.</summary>
    public int SiteOf(int node)
    {
        int i = Array.BinarySearch(_sampleNode, node);
        return i >= 0 ? _sampleSite[i] : -1;
    }

    public static AllocationSites Build(HeapDumpGraph g)
    {
        var dump = g.Dump;
        var siteOfStack = new Dictionary<string, int>(StringComparer.Ordinal);
        var stacks = new List<string[]>();
        var bucketSite = new int[dump.MemProf.Length];
        for (int b = 0; b < dump.MemProf.Length; b++)
        {
            var frames = dump.FramesOf(dump.MemProf[b]);
            var names = new string[frames.Length];
            for (int k = 0; k < frames.Length; k++) names[k] = dump.Str(frames[k].Function);
            string key = string.Join('\n', names);
            if (!siteOfStack.TryGetValue(key, out int site))
            {
                siteOfStack[key] = site = stacks.Count;
                stacks.Add(names);
            }
            bucketSite[b] = site;
        }
        var pairs = new List<(int Node, int Site)>(dump.AllocSamples.Length);
        foreach (var s in dump.AllocSamples)
        {
            int node = g.NodeAt(s.Object);
            int bucket = dump.MemProfIndexOf(s.Bucket);
            if (node < 0 || bucket < 0) continue;
            pairs.Add((node, bucketSite[bucket]));
        }
        pairs.Sort();
        // One object sampled twice (it cannot be, but the dump is input) keeps its first site.
        var nodes = new List<int>(pairs.Count);
        var sites = new List<int>(pairs.Count);
        foreach (var (node, site) in pairs)
        {
            if (nodes.Count > 0 && nodes[^1] == node) continue;
            nodes.Add(node);
            sites.Add(site);
        }
        return new AllocationSites(stacks.ToArray(), nodes.ToArray(), sites.ToArray());
    }

    /// <summary>
    /// Per site: sampled objects, their bytes, and the bytes they retain, where a sampled object
    /// dominated by another of the same site is not counted again (its bytes are in the other's).
    /// </summary>
    public SiteTotals[] Totals(DominatorTree dominators)
    {
        var totals = new SiteTotals[Count];
        var graph = dominators.Graph;
        for (int i = 0; i < _sampleNode.Length; i++)
        {
            ref var t = ref totals[_sampleSite[i]];
            t.Objects++;
            t.Bytes += graph.Size(_sampleNode[i]);
        }
        // Depth-first over the dominator tree, counting for each site how many of its sampled
        // objects are on the current path: an object adds its retained size only when none is.
        var active = new int[Count];
        var stack = new Stack<(int Node, int Cursor)>();
        stack.Push((ObjectGraph.SuperRoot, 0));
        while (stack.Count > 0)
        {
            var (node, cursor) = stack.Pop();
            var children = dominators.Children(node);
            if (cursor == 0)
            {
                int site = SiteOf(node);
                if (site >= 0)
                {
                    if (active[site] == 0) totals[site].Retained += dominators.RetainedSize(node);
                    active[site]++;
                }
            }
            if (cursor < children.Length)
            {
                stack.Push((node, cursor + 1));
                stack.Push((children[cursor], 0));
            }
            else if (SiteOf(node) is >= 0 and var s)
            {
                active[s]--;
            }
        }
        return totals;
    }
}

/// <summary>A site's sampled live objects, their bytes, and what they retain.</summary>
public record struct SiteTotals(long Objects, long Bytes, long Retained);
