using System.IO.Compression;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using HeapDumpModel = LeakHound.Formats.HeapDump.HeapDump;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// The shared dumps of Go 1.19, 1.21, 1.23 and 1.25 against the counts of an independent reader
/// (their README) and against what the program that wrote them holds (dumpgen.go.txt).
/// </summary>
public class HeapDumpReaderTests
{
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void CountsMatchTheIndependentReader(string name)
    {
        var e = SharedHeapDumps.Counts[name];
        var d = SharedHeapDumps.Read(name);
        Assert.Equal(e.Version, d.Params.Version);
        Assert.Equal(e.Objects, d.Objects.Count);
        Assert.Equal(e.ObjectBytes, d.Objects.TotalBytes);
        Assert.Equal(e.PointerFields, d.Objects.PointerCount);
        Assert.Equal(e.HeapObjects, d.MemStats!.HeapObjects);
        Assert.Equal(e.HeapAlloc, d.MemStats.HeapAlloc);
        Assert.Equal(e.Goroutines, d.Goroutines.Length);
        Assert.Equal(e.StackFrames, d.Frames.Length);
        Assert.Equal(e.Finalizers, d.Finalizers.Length);
        Assert.Equal(e.MemProf, d.MemProf.Length);
        Assert.Equal(e.AllocSamples, d.AllocSamples.Length);
        Assert.Equal(e.Types, d.Types.Length);
        Assert.Equal(e.Itabs, d.Itabs.Length);
        Assert.True(d.Gzipped);
        Assert.Equal(8, d.Params.PointerSize);
        Assert.False(d.Params.BigEndian);
        Assert.Equal("amd64", d.Params.Arch);
    }

    /// <summary>
    /// The runtime's own MemStats, read with the world stopped, count exactly the live objects: so the
    /// records LeakHound marks as span tail slots must be exactly the surplus (none before Go 1.22).
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void ObjectsOtherThanSpanTailsAreExactlyMemStatsHeapObjects(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var o = d.Objects;
        Assert.Equal(d.MemStats!.HeapObjects, (ulong)(o.Count - o.SpanTailCount));
        Assert.Equal(d.MemStats.HeapAlloc, (ulong)(o.TotalBytes - o.SpanTailBytes));
        Assert.Equal(SharedHeapDumps.HasMallocHeaders(name), o.SpanTailCount > 0);
    }

    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void ObjectsAreSortedDisjointAndInsideTheHeap(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var o = d.Objects;
        Assert.Equal(o.Count + 1, o.PointerStart.Length);
        Assert.Equal(o.PointerCount, o.PointerStart[^1]);
        for (int i = 0; i < o.Count; i++)
        {
            if (i > 0) Assert.True(o.Address[i - 1] + (ulong)o.Size[i - 1] <= o.Address[i]);
            Assert.InRange(o.Address[i], d.Params.HeapStart, d.Params.HeapEnd - 1);
            Assert.Equal(i, o.ObjectAt(o.Address[i]));
            Assert.Equal(i, o.ObjectAt(o.Address[i] + (ulong)o.Size[i] - 1));
        }
        Assert.Equal(-1, o.ObjectAt(0));
        Assert.Equal(-1, o.ObjectAt(o.Address[0] - 1));
        Assert.Equal(-1, o.ObjectAt(o.Address[^1] + (ulong)o.Size[^1]));
        Assert.Equal(-1, o.ObjectAt(ulong.MaxValue));
    }

    /// <summary>Each of the 2000 registry items and the 200 items held by blocked goroutines owns a 1000-byte Blob (slot 1024).</summary>
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void EveryItemOwnsItsBlob(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var items = Items(d);
        Assert.Equal(2200, items.Count);
        var o = d.Objects;
        foreach (int item in items)
            Assert.Equal(1024, o.Size[o.ObjectAt(o.PointersOf(item)[1])]);

        // The names, read back from the file by content offset: Item.Name is a string header (data
        // pointer at +0, length at +8); newItem(i) names it "item-" + i, for i in 0..1999 (the registry)
        // and 0, -1, …, -199 (spawnBlocked).
        var nameObjects = items.Select(i => o.ObjectAt(o.PointersOf(i)[0])).ToArray();
        var ranges = items.Concat(nameObjects).Select(n => (o.ContentOffset[n], (int)o.Size[n])).ToList();
        var contents = HeapDumpContentReader.Read(SharedHeapDumps.Path(name), ranges, Limits.Default);
        var names = new List<string>();
        for (int k = 0; k < items.Count; k++)
        {
            int length = (int)BitConverter.ToInt64(contents[k], 8);
            int at = (int)(o.PointersOf(items[k])[0] - o.Address[nameObjects[k]]);
            names.Add(System.Text.Encoding.ASCII.GetString(contents[items.Count + k], at, length));
        }
        var expected = Enumerable.Range(0, 2000).Concat(Enumerable.Range(0, 200).Select(i => -i)).Select(i => "item-" + i);
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    /// <summary>Objects laid out as Item (48 bytes: Name data, Blob, Peers data) whose Blob points to a 1024-byte object.</summary>
    private static List<int> Items(HeapDumpModel d)
    {
        var o = d.Objects;
        var items = new List<int>();
        for (int i = 0; i < o.Count; i++)
        {
            if (o.Size[i] != 48 || o.SpanTail[i]) continue;
            if (!o.FieldOffsetsOf(i).SequenceEqual(new[] { 0, 16, 24 })) continue;
            int blob = o.ObjectAt(o.PointersOf(i)[1]);
            if (blob >= 0 && o.Size[blob] == 1024 && o.PointersOf(i)[1] == o.Address[blob]) items.Add(i);
        }
        return items;
    }

    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void TwoHundredGoroutinesBlockOnChanSendInSpawnBlocked(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var blocked = Enumerable.Range(0, d.Goroutines.Length).Where(g => d.Str(d.Goroutines[g].WaitReason) == "chan send").ToList();
        Assert.Equal(200, blocked.Count);
        foreach (int g in blocked)
        {
            Assert.Equal(4UL, d.Goroutines[g].Status); // waiting
            var frames = d.FramesOf(g);
            Assert.Contains(frames.ToArray(), f => d.Str(f.Function) == "main.spawnBlocked.func1");
            for (int k = 0; k < frames.Length; k++) Assert.Equal(k, frames[k].Depth);
        }
        Assert.Equal(d.Frames.Length, d.GoroutineFrameStart[^1]);
    }

    /// <summary>makeFinalizerCycle: a finalizer on a Node (56 bytes, slot 64) whose Next points to a Node pointing back; the global cycleHolder holds it.</summary>
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void TheFinalizerSitsOnATwoNodeCycleHeldByAGlobal(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var o = d.Objects;
        var cycles = d.Finalizers.Where(f =>
        {
            int a = o.ObjectAt(f.Object);
            if (a < 0 || o.Size[a] != 64 || o.Address[a] != f.Object || o.PointerStart[a + 1] == o.PointerStart[a]) return false;
            int b = o.ObjectAt(o.PointersOf(a)[0]);
            return b >= 0 && b != a && o.Size[b] == 64 && o.PointersOf(b)[0] == o.Address[a];
        }).ToList();
        var cycle = Assert.Single(cycles);
        Assert.Contains(cycle.Object, d.SegmentPointers.PointerValue);
        Assert.Empty(d.QueuedFinalizers);
    }

    /// <summary>
    /// The global `interior` points at arr[5] of a [16]Item (768 bytes): 240 bytes in, or 248 from Go 1.22,
    /// whose malloc header puts the array 8 bytes into its 896-byte slot. It resolves to the array.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void TheInteriorPointerResolvesToTheItemArray(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var o = d.Objects;
        bool headers = SharedHeapDumps.HasMallocHeaders(name);
        Assert.Equal(headers, d.Params.HasMallocHeaders);
        int header = headers ? 8 : 0;
        long slot = headers ? 896 : 768;
        var globals = d.SegmentPointers.PointerValue;
        var interior = globals.Where(v =>
        {
            int a = o.ObjectAt(v);
            return a >= 0 && o.Size[a] == slot && v - o.Address[a] == (ulong)(header + 5 * 48);
        }).ToList();
        ulong p = Assert.Single(interior);
        int arr = o.ObjectAt(p);
        // arr[5] = Item{Name: "interior", Blob: &Blob{}}: the only non-nil pointers, at its Name and Blob.
        var fields = o.FieldOffsetsOf(arr).ToArray();
        var values = o.PointersOf(arr).ToArray();
        var nonNil = fields.Where((_, k) => values[k] != 0).ToArray();
        Assert.Equal(new[] { header + 240, header + 256 }, nonNil);
        Assert.Equal(1024, o.Size[o.ObjectAt(values[Array.IndexOf(fields, header + 256)])]);
        // With a malloc header the first word is the type, not a heap pointer field.
        Assert.Equal(headers, fields.All(f => f >= 8));
        Assert.Equal(arr, o.ObjectAt(o.Address[arr] + (ulong)slot - 1));
        Assert.NotEqual(arr, o.ObjectAt(o.Address[arr] + (ulong)slot));
    }

    /// <summary>The global `peers` slice points at a backing array of 100 *Item (800 bytes): its start, which is 8 bytes into the slot from Go 1.22.</summary>
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void ThePeersSlicePointsPastTheMallocHeader(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var o = d.Objects;
        var items = Items(d).Select(i => o.Address[i]).ToHashSet();
        var peers = d.SegmentPointers.PointerValue.Where(v =>
        {
            int a = o.ObjectAt(v);
            if (a < 0) return false;
            var ptrs = o.PointersOf(a).ToArray().Where(x => x != 0).ToArray();
            return ptrs.Length == 100 && ptrs.All(items.Contains);
        }).Distinct().ToList();
        ulong p = Assert.Single(peers);
        Assert.Equal(SharedHeapDumps.HasMallocHeaders(name) ? 8UL : 0UL, p - o.Address[o.ObjectAt(p)]);
    }

    [Fact]
    public void APlainDumpReadsAsTheGzippedOneAndContentOffsetsFindTheContents()
    {
        string gz = SharedHeapDumps.Path("dumpgen-go1.25");
        string plain = Path.Combine(Directory.CreateTempSubdirectory("leakhound-hd-").FullName, "dumpgen-go1.25.dump");
        try
        {
            using (var z = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress))
            using (var f = File.Create(plain))
                z.CopyTo(f);
            var a = SharedHeapDumps.Read("dumpgen-go1.25");
            var b = HeapDumpReader.Read(plain, Limits.Default);
            Assert.False(b.Gzipped);
            Assert.Equal(new FileInfo(plain).Length, b.Length);
            Assert.Equal(a.Length, b.Length);
            Assert.Equal(a.Objects.Address, b.Objects.Address);
            Assert.Equal(a.Objects.ContentOffset, b.Objects.ContentOffset);
            Assert.Equal(a.Objects.PointerValue, b.Objects.PointerValue);
            Assert.Equal(a.FramePointers.PointerValue, b.FramePointers.PointerValue);
            Assert.Equal(a.Strings, b.Strings);

            // Every object's pointer values, read back from both files by content offset, match the model.
            var o = a.Objects;
            var ranges = Enumerable.Range(0, o.Count).Select(i => (o.ContentOffset[i], (int)o.Size[i])).ToList();
            foreach (var path in new[] { gz, plain })
            {
                var contents = HeapDumpContentReader.Read(path, ranges, Limits.Default);
                for (int i = 0; i < o.Count; i++)
                {
                    Assert.Equal(o.Size[i], contents[i].Length);
                    var offs = o.FieldOffsetsOf(i);
                    var vals = o.PointersOf(i);
                    for (int k = 0; k < offs.Length; k++)
                        Assert.Equal(vals[k], BitConverter.ToUInt64(contents[i], offs[k]));
                }
            }
            // The segments' contents too: the global cycleHolder's value is read back at its offset.
            var seg = a.Segments.Select((s, i) => (s, i)).Single(x => x.s.Kind == HeapDumpSegmentKind.Bss);
            var bss = HeapDumpContentReader.Read(plain, [(seg.s.ContentOffset, (int)seg.s.Size)], Limits.Default)[0];
            var fo = a.SegmentPointers.FieldOffsetsOf(seg.i);
            var fv = a.SegmentPointers.PointersOf(seg.i);
            for (int k = 0; k < fo.Length; k++) Assert.Equal(fv[k], BitConverter.ToUInt64(bss, fo[k]));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(plain)!, recursive: true);
        }
    }

    /// <summary>
    /// Alloc samples name a live object (from Go 1.22, past the malloc header of a large object with
    /// pointers: the runtime records the pointer it returned) and a memprof bucket. The sampled Blobs
    /// were allocated at dumpgen's main.go:45, in newItem, which the compiler inlines: a dump's
    /// memprof frames name the function the code was compiled into, with the inlined line.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void AllocSamplesNameLiveObjectsAndTheirAllocationSite(string name)
    {
        var d = SharedHeapDumps.Read(name);
        var o = d.Objects;
        foreach (var s in d.AllocSamples)
        {
            Assert.True(d.MemProfIndexOf(s.Bucket) >= 0);
            int obj = d.ObjectAt(s.Object);
            ulong into = s.Object - o.Address[obj];
            Assert.True(into == 0 || (d.Params.HasMallocHeaders && into == 8 && o.Size[obj] > 512), $"sample 0x{s.Object:x} is {into} bytes into its object");
        }
        var blobs = Items(d).Select(i => o.ObjectAt(o.PointersOf(i)[1])).ToHashSet();
        var sampled = d.AllocSamples.Where(s => blobs.Contains(d.ObjectAt(s.Object))).ToList();
        Assert.InRange(sampled.Count, 100, 2200); // MemProfileRate 4096: about one Blob in four
        foreach (var s in sampled)
        {
            var bucket = d.MemProf[d.MemProfIndexOf(s.Bucket)];
            Assert.Equal(1024UL, bucket.Size);
            var top = d.FramesOf(bucket)[0];
            Assert.Equal(45UL, top.Line);
            Assert.EndsWith("main.go", d.Str(top.File));
            Assert.Contains(d.Str(top.Function), new[] { "main.newItem", "main.main", "main.spawnBlocked" });
        }
        foreach (var it in d.Itabs) Assert.True(d.TypeIndexOf(it.Type) >= 0);
    }
}
