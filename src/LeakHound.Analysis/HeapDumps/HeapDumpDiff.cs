using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// What grew between two heap dumps of one process: retained bytes by root (roots matched by their
/// description: a global's address or symbol, a goroutine's frame and slot), sampled live objects
/// by allocation site (matched by stack), and objects by slot size; each list ranked by growth in
/// bytes, largest first. Roots of one description (several slots of one global) are summed.
/// </summary>
public static class HeapDumpDiff
{
    /// <summary>One row: a key, its count and bytes in the old and new dump.</summary>
    public sealed record Row(string Key, long OldCount, long NewCount, long OldBytes, long NewBytes)
    {
        public long CountDelta => NewCount - OldCount;
        public long BytesDelta => NewBytes - OldBytes;
    }

    public sealed record Result(
        long OldReachable, long NewReachable, long OldUnreachable, long NewUnreachable,
        Row[] ByRoot, Row[] BySite, Row[] BySize);

    public static Result Compare(HeapDumpGraph older, HeapDumpGraph newer)
    {
        return new Result(
            older.Dominators.ReachableSize, newer.Dominators.ReachableSize,
            older.Dominators.UnreachableSize, newer.Dominators.UnreachableSize,
            Join(ByRoot(older), ByRoot(newer)),
            Join(BySite(older), BySite(newer)),
            Join(BySize(older), BySize(newer)));
    }

    private static Dictionary<string, (long Count, long Bytes)> ByRoot(HeapDumpGraph g)
    {
        var rows = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        for (int r = 0; r < g.Graph.RootCount; r++)
        {
            long retained = g.Dominators.RetainedSize(g.Graph.RootNode(r));
            string key = g.DescribeRoot(r);
            rows.TryGetValue(key, out var t);
            rows[key] = (t.Item1 + 1, t.Item2 + retained);
        }
        return rows;
    }

    private static Dictionary<string, (long Count, long Bytes)> BySite(HeapDumpGraph g)
    {
        var sites = AllocationSites.Build(g);
        var rows = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var nodes = sites.SampledNodes;
        var of = sites.SampledSites;
        for (int i = 0; i < nodes.Length; i++)
        {
            string key = sites.StackText(of[i]);
            rows.TryGetValue(key, out var t);
            rows[key] = (t.Item1 + 1, t.Item2 + g.Graph.Size(nodes[i]));
        }
        return rows;
    }

    private static Dictionary<string, (long Count, long Bytes)> BySize(HeapDumpGraph g)
    {
        var bySize = new Dictionary<long, (long Count, long Bytes)>();
        foreach (long size in g.Graph.Sizes)
        {
            bySize.TryGetValue(size, out var t);
            bySize[size] = (t.Count + 1, t.Bytes + size);
        }
        return bySize.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value, StringComparer.Ordinal);
    }

    private static Row[] Join(Dictionary<string, (long Count, long Bytes)> older, Dictionary<string, (long Count, long Bytes)> newer)
    {
        var keys = new HashSet<string>(older.Keys, StringComparer.Ordinal);
        keys.UnionWith(newer.Keys);
        var rows = new List<Row>(keys.Count);
        foreach (var k in keys)
        {
            older.TryGetValue(k, out var o);
            newer.TryGetValue(k, out var n);
            if (o == n) continue;
            rows.Add(new Row(k, o.Count, n.Count, o.Bytes, n.Bytes));
        }
        rows.Sort((a, b) => b.BytesDelta.CompareTo(a.BytesDelta) is var c && c != 0 ? c
            : b.CountDelta.CompareTo(a.CountDelta) is var d && d != 0 ? d : string.CompareOrdinal(a.Key, b.Key));
        return rows.ToArray();
    }
}
