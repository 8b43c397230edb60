using LeakHound.Analysis.HeapDumps;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// The heap dump's graph on the shared dumps, against what their README says they hold: the global
/// map `registry` with 2000 *Item each owning a 1000-byte Blob (1024-byte slots), and a two-node
/// cycle (64-byte Node slots) with a finalizer on one node, held by the global `cycleHolder`.
/// </summary>
public class HeapDumpGraphSharedTests
{
    private const int RegistryItems = 2000;
    private const long BlobSlot = 1024;
    private const long NodeSlot = 64;
    private const int Peers = 100;

    private static readonly Dictionary<string, HeapDumpGraph> Graphs = [];

    private static HeapDumpGraph Graph(string name)
    {
        lock (Graphs)
        {
            if (!Graphs.TryGetValue(name, out var g)) Graphs[name] = g = HeapDumpGraph.Build(SharedHeapDumps.Read(name));
            return g;
        }
    }

    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void BlobsOfTheRegistryAreAnchoredByOneGlobal(string name)
    {
        var g = Graph(name);
        var byGlobal = new Dictionary<int, int>();
        int blobs = 0;
        for (int obj = 0; obj < g.Graph.ObjectCount; obj++)
        {
            int node = g.Graph.ObjectNode(obj);
            if (g.Graph.Size(node) != BlobSlot) continue;
            blobs++;
            foreach (int root in g.Queries.Anchors(node))
                if (g.RootKind(root) == HeapRootKind.Global) byGlobal[root] = byGlobal.GetValueOrDefault(root) + 1;
        }
        Assert.True(blobs >= RegistryItems);
        // registry's one pointer (to the map's header) anchors every Blob of the registry; peers
        // anchors the first 100 too, and no other global anchors as many.
        var (registry, count) = byGlobal.MaxBy(kv => kv.Value);
        Assert.True(count >= RegistryItems, $"{count}");
        Assert.StartsWith("global 0x", g.DescribeRoot(registry));
        Assert.Single(byGlobal, kv => kv.Value >= RegistryItems);
        // A shortest path to such a blob starts at that global: global -> map -> ... -> Item -> Blob.
        int blob = Enumerable.Range(0, g.Graph.ObjectCount).Select(g.Graph.ObjectNode)
            .First(v => g.Graph.Size(v) == BlobSlot && g.Queries.Anchors(v).SequenceEqual([registry]));
        var path = g.Queries.ShortestPath(blob)!;
        Assert.Equal(g.Graph.RootNode(registry), path.Nodes[0]);
        Assert.True(path.Length >= 3, $"{path.Length}");
        Assert.Equal(blob, path.Nodes[^1]);
        Assert.All(path.FieldOffsets.Skip(1), o => Assert.True(o >= 0));
    }

    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void FinalizersFindTheOneCycle(string name)
    {
        var g = Graph(name);
        var entries = FinalizerCycles.Find(g);
        Assert.Equal(SharedHeapDumps.Counts[name].Finalizers, entries.Length);
        var cycle = Assert.Single(entries, e => e.Cycle.Length > 0);
        Assert.Equal(2, cycle.Cycle.Length);
        Assert.All(cycle.Cycle, v => Assert.Equal(NodeSlot, g.Graph.Size(v)));
        Assert.Equal(cycle.Node, cycle.Cycle[0]);
        Assert.True(cycle.HeldByOtherRoots);
        Assert.Contains(g.Queries.Anchors(cycle.Node), r => g.RootKind(r) == HeapRootKind.Global);
    }

    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void SuspectIsTheRegistryMap(string name)
    {
        var g = Graph(name);
        var suspects = LeakSuspects.Find(g, AllocationSites.Build(g));
        var top = suspects[0];
        // The registry's map alone holds the blobs of the items that peers (the first 100) does not also reach.
        Assert.True(top.Retained >= (RegistryItems - Peers) * BlobSlot);
        Assert.True(top.Retained >= LeakSuspects.Threshold * g.Dominators.ReachableSize);
        Assert.Contains(top.BySize, s => s.Size == BlobSlot && s.Count == RegistryItems - Peers);
        Assert.Equal(HeapRootKind.Global, g.RootKind(Assert.Single(top.Anchors)));
        Assert.True(g.Graph.IsRoot(top.Path!.Nodes[0]));
    }
}
