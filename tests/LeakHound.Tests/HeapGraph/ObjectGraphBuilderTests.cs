using LeakHound.Analysis.HeapGraph;
using LeakHound.Core;

namespace LeakHound.Tests.HeapGraph;

/// <summary>Pointer resolution (interior pointers, misses, repeats), node numbering and the input checks.</summary>
public class ObjectGraphBuilderTests
{
    [Fact]
    public void NodeNumberingIsSuperRootThenRootsThenObjects()
    {
        var h = new TestHeap();
        h.Objects(8, 8, 8);
        h.Root(2);
        h.Root(0);
        var g = h.Build();
        Assert.Equal(6, g.NodeCount);
        Assert.Equal([1, 2], g.Children(ObjectGraph.SuperRoot).ToArray());
        Assert.Equal(1, g.RootNode(0));
        Assert.Equal(3, g.ObjectNode(0));
        Assert.Equal([g.ObjectNode(2)], g.Children(g.RootNode(0)).ToArray());
        Assert.Equal([g.ObjectNode(0)], g.Children(g.RootNode(1)).ToArray());
        Assert.True(g.IsRoot(2) && !g.IsRoot(3) && !g.IsRoot(0));
        Assert.True(g.IsObject(5) && !g.IsObject(6) && !g.IsObject(2));
        Assert.Equal(1, g.RootIndex(2));
        Assert.Equal(2, g.ObjectIndex(5));
        Assert.Equal(-1, g.ObjectIndex(1));
        Assert.Equal(TestHeap.AddressOf(1), g.Address(4));
        Assert.Equal(0, g.Size(1));
    }

    [Fact]
    public void InteriorPointersResolveAndMissesAreDropped()
    {
        var h = new TestHeap();
        h.Objects(64, 48, 32);
        h.Ref(0, 1, field: 0, interior: 47);            // last byte of object 1
        h.Ref(0, 2, field: 8, interior: 16);            // middle of object 2
        h.RawPointer(0, TestHeap.AddressOf(1) + 48, 16); // one past the end: the gap after object 1
        h.RawPointer(0, TestHeap.AddressOf(0) - 1, 24);  // before the first object
        h.RawPointer(0, TestHeap.AddressOf(2) + 32, 32); // past the last object
        h.RawPointer(0, 0, 40);                          // nil
        h.Ref(1, 1, field: 24, interior: 8);            // self-pointer is kept
        h.Root(0, interior: 63);
        h.RawRoot(0x1234);
        var g = h.Build();
        int a = g.ObjectNode(0), b = g.ObjectNode(1), c = g.ObjectNode(2);
        Assert.Equal([b, c], g.Children(a).ToArray());
        Assert.Equal([0, 8], g.ChildFieldOffsets(a).ToArray());
        Assert.Equal([b], g.Children(b).ToArray());
        Assert.Equal(24, g.FieldOffset(b, b));
        Assert.Equal(4, g.DroppedPointers);
        Assert.Equal(1, g.DroppedRootPointers);
        Assert.Empty(g.Children(g.RootNode(1)).ToArray());
        Assert.Equal([-1], g.ChildFieldOffsets(g.RootNode(0)).ToArray());
        Assert.Equal(2 + 1 + 3, g.EdgeCount);
    }

    [Fact]
    public void RepeatedPointersMakeOneEdgeWithTheFirstFieldOffset()
    {
        var h = new TestHeap();
        h.Objects(64, 64, 64);
        h.Ref(0, 2, field: 40).Ref(0, 1, field: 8).Ref(0, 2, field: 16, interior: 8).Ref(0, 1, field: 0);
        h.Ref(1, 2, field: 0);
        var g = h.Build();
        Assert.Equal([g.ObjectNode(2), g.ObjectNode(1)], g.Children(g.ObjectNode(0)).ToArray());
        Assert.Equal([40, 8], g.ChildFieldOffsets(g.ObjectNode(0)).ToArray());
        Assert.Equal(2, g.DuplicatePointers);
        Assert.Equal([g.ObjectNode(2)], g.Children(g.ObjectNode(1)).ToArray());
    }

    [Fact]
    public void WithoutFieldOffsetsEveryOffsetIsUnknown()
    {
        var h = new TestHeap();
        h.Objects(16, 16);
        h.Ref(0, 1, field: 8);
        var g = h.Build(withFieldOffsets: false);
        Assert.False(g.HasFieldOffsets);
        Assert.Equal([-1], g.ChildFieldOffsets(g.ObjectNode(0)).ToArray());
        Assert.Equal(-1, g.FieldOffset(g.ObjectNode(0), g.ObjectNode(1)));
    }

    [Fact]
    public void OwnersAreTheReverseEdges()
    {
        var rng = new Random(3);
        var g = RandomHeaps.Graph(rng, objects: 500, roots: 10, density: 2.5);
        var expected = new List<int>[g.NodeCount];
        for (int v = 0; v < g.NodeCount; v++) expected[v] = [];
        for (int u = 0; u < g.NodeCount; u++)
            foreach (int c in g.Children(u)) expected[c].Add(u);
        for (int v = 0; v < g.NodeCount; v++) Assert.Equal(expected[v], g.Owners(v).ToArray());
    }

    /// <summary>Every edge of random heaps against a linear scan for the containing object.</summary>
    [Fact]
    public void RandomHeapsResolveLikeALinearScan()
    {
        var rng = new Random(99);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            var input = RandomHeaps.Input(rng, objects: rng.Next(0, 300), roots: rng.Next(0, 8), density: rng.NextDouble() * 4);
            var g = ObjectGraphBuilder.Build(input, "random heap");
            int Scan(ulong p)
            {
                for (int i = 0; i < input.ObjectCount; i++)
                    if (p >= input.Address[i] && p - input.Address[i] < (ulong)input.Size[i]) return i;
                return -1;
            }
            long dropped = 0, duplicates = 0;
            for (int i = 0; i < input.ObjectCount; i++)
            {
                var targets = new List<int>();
                var offsets = new List<int>();
                for (int p = input.PointerStart[i]; p < input.PointerStart[i + 1]; p++)
                {
                    int t = Scan(input.PointerValue[p]);
                    if (t < 0) dropped++;
                    else if (targets.Contains(g.ObjectNode(t))) duplicates++;
                    else
                    {
                        targets.Add(g.ObjectNode(t));
                        offsets.Add(input.PointerFieldOffset![p]);
                    }
                }
                Assert.Equal(targets, g.Children(g.ObjectNode(i)).ToArray());
                Assert.Equal(offsets, g.ChildFieldOffsets(g.ObjectNode(i)).ToArray());
            }
            Assert.Equal(dropped, g.DroppedPointers);
            Assert.Equal(duplicates, g.DuplicatePointers);
            for (int r = 0; r < input.RootCount; r++)
            {
                int t = Scan(input.RootPointer[r]);
                Assert.Equal(t < 0 ? [] : new[] { g.ObjectNode(t) }, g.Children(g.RootNode(r)).ToArray());
            }
            for (int k = 0; k < 50; k++)
            {
                ulong probe = input.ObjectCount == 0 ? (ulong)rng.NextInt64() : input.Address[rng.Next(input.ObjectCount)] + (ulong)rng.Next(-16, 600);
                int t = Scan(probe);
                Assert.Equal(t < 0 ? -1 : g.ObjectNode(t), g.FindObject(probe));
            }
        }
    }

    [Fact]
    public void AddressIndexCopesWithAVerySparseHeap()
    {
        // Three clusters terabytes apart: the page size grows to keep the table small, lookups stay exact.
        var address = new List<ulong>();
        var size = new List<long>();
        foreach (ulong cluster in new ulong[] { 0x1000, 0xc000000000, 0x7f0000000000 })
            for (int i = 0; i < 1000; i++)
            {
                address.Add(cluster + (ulong)i * 32);
                size.Add(24);
            }
        var index = new AddressIndex(address.ToArray(), size.ToArray());
        for (int i = 0; i < address.Count; i++)
        {
            Assert.Equal(i, index.Find(address[i]));
            Assert.Equal(i, index.Find(address[i] + 23));
            Assert.Equal(-1, index.Find(address[i] + 24));
        }
        Assert.Equal(-1, index.Find(0xfff));
        Assert.Equal(-1, index.Find(0x5000000000));
        Assert.Equal(-1, index.Find(ulong.MaxValue));
    }

    [Theory]
    [InlineData("unsorted", "objects are not in ascending address order: 0xc000010000 follows 0xc000011000")]
    [InlineData("duplicate", "objects are not in ascending address order")]
    [InlineData("overlap", "object at 0xc000010010 overlaps the one at 0xc000010000 of 32 bytes")]
    [InlineData("negative", "object 0 at 0xc000010000 has a negative size -8")]
    [InlineData("starts", "pointer offsets go backwards")]
    [InlineData("count", "object table: 3 pointers but 2 pointer values")]
    [InlineData("sizes", "object table: 2 addresses but 1 sizes")]
    [InlineData("wrap", "runs past the end of the address space")]
    public void MalformedInputIsAnInputError(string fault, string message)
    {
        ulong a = TestHeap.AddressOf(0);
        var input = fault switch
        {
            "unsorted" => Make([a + 0x1000, a], [8, 8]),
            "duplicate" => Make([a, a], [0, 8]),
            "overlap" => Make([a, a + 0x10], [32, 8]),
            "negative" => Make([a], [-8]),
            "starts" => Make([a, a + 8], [8, 8], start: [0, 2, 1], values: [a, a]),
            "count" => Make([a, a + 8], [8, 8], start: [0, 1, 3], values: [a, a]),
            "sizes" => Make([a, a + 8], [8]),
            "wrap" => Make([ulong.MaxValue - 4], [8]),
            _ => throw new ArgumentException(fault),
        };
        var e = Assert.Throws<InputException>(() => ObjectGraphBuilder.Build(input, "dump.bin"));
        Assert.Equal("dump.bin", e.InputName);
        Assert.Contains(message, e.Message);
    }

    private static ObjectGraphInput Make(ulong[] address, long[] size, int[]? start = null, ulong[]? values = null) => new()
    {
        Address = address,
        Size = size,
        PointerStart = start ?? new int[address.Length + 1],
        PointerValue = values ?? [],
        RootPointer = [],
    };
}
