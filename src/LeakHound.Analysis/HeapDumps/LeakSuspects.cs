using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// Eclipse MAT's leak suspects over a Go heap: the topmost objects of the dominator tree that each
/// retain at least <see cref="Threshold"/> of the reachable heap (an object under another suspect
/// is part of that one), largest first. For each, the accumulation point: going down from the
/// suspect while one dominated object retains at least <see cref="AccumulationShare"/> of its
/// parent's retained size (a map's header → its bucket array, a slice header → its backing array),
/// where the retained objects actually pile up. docs/heapdump-analysis.md.
/// </summary>
public static class LeakSuspects
{
    /// <summary>A suspect retains at least this share of the reachable bytes.</summary>
    public const double Threshold = 0.10;

    /// <summary>Going down to the accumulation point while one child keeps at least this share of its parent.</summary>
    public const double AccumulationShare = 0.80;

    public sealed record Suspect(
        int Node, long Retained, int AccumulationPoint, RetentionPath? Path, int[] Anchors, int Site,
        int DominatedObjects, (long Size, long Count, long Bytes)[] BySize, (int Site, long Count, long Bytes)[] BySite);

    public static Suspect[] Find(HeapDumpGraph g, AllocationSites sites, int maxAnchors = 10)
    {
        var dom = g.Dominators;
        long total = dom.ReachableSize;
        long threshold = (long)Math.Ceiling(total * Threshold);
        var found = new List<int>();
        if (total == 0) return [];
        // Topmost objects over the threshold: roots are passed through, objects over it stop the descent.
        var queue = new Queue<int>();
        queue.Enqueue(ObjectGraph.SuperRoot);
        while (queue.Count > 0)
        {
            int u = queue.Dequeue();
            foreach (int c in dom.Children(u))
            {
                if (dom.RetainedSize(c) < threshold) break; // children come largest first
                if (g.Graph.IsObject(c)) found.Add(c);
                else queue.Enqueue(c);
            }
        }
        found.Sort((a, b) => dom.RetainedSize(b).CompareTo(dom.RetainedSize(a)) is var k && k != 0 ? k : a.CompareTo(b));
        var result = new Suspect[found.Count];
        for (int i = 0; i < found.Count; i++) result[i] = Describe(g, sites, found[i], maxAnchors);
        return result;
    }

    private static Suspect Describe(HeapDumpGraph g, AllocationSites sites, int node, int maxAnchors)
    {
        var dom = g.Dominators;
        int point = node;
        while (true)
        {
            var children = dom.Children(point);
            if (children.Length == 0 || dom.RetainedSize(children[0]) < dom.RetainedSize(point) * AccumulationShare) break;
            point = children[0];
        }
        var path = g.Queries.ShortestPath(node);
        var anchors = g.Queries.Anchors(node);
        if (anchors.Length > maxAnchors) anchors = anchors[..maxAnchors];
        var (count, bySize, bySite) = Holdings(g, sites, node);
        return new Suspect(node, dom.RetainedSize(node), point, path, anchors, sites.SiteOf(node), count, bySize, bySite);
    }

    /// <summary>What the node dominates (itself included): objects by slot size and sampled objects by allocation site, most bytes first.</summary>
    public static (int Count, (long Size, long Count, long Bytes)[] BySize, (int Site, long Count, long Bytes)[] BySite) Holdings(
        HeapDumpGraph g, AllocationSites sites, int node)
    {
        var dom = g.Dominators;
        var bySize = new Dictionary<long, (long Count, long Bytes)>();
        var bySite = new Dictionary<int, (long Count, long Bytes)>();
        var stack = new Stack<int>();
        stack.Push(node);
        int count = 0;
        while (stack.Count > 0)
        {
            int u = stack.Pop();
            long size = g.Graph.Size(u);
            count++;
            bySize.TryGetValue(size, out var s);
            bySize[size] = (s.Count + 1, s.Bytes + size);
            if (sites.SiteOf(u) is >= 0 and var site)
            {
                bySite.TryGetValue(site, out var t);
                bySite[site] = (t.Count + 1, t.Bytes + size);
            }
            foreach (int c in dom.Children(u)) stack.Push(c);
        }
        var sizes = bySize.Select(kv => (kv.Key, kv.Value.Count, kv.Value.Bytes))
            .OrderByDescending(x => x.Bytes).ThenBy(x => x.Key).ToArray();
        var siteRows = bySite.Select(kv => (kv.Key, kv.Value.Count, kv.Value.Bytes))
            .OrderByDescending(x => x.Bytes).ThenBy(x => x.Key).ToArray();
        return (count, sizes, siteRows);
    }
}
