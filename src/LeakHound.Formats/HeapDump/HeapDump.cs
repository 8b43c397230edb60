namespace LeakHound.Formats.HeapDump;

/// <summary>
/// A Go heap dump (runtime/debug.WriteHeapDump, "go1.7 heap dump") held column-wise: objects sorted
/// by address with their pointer fields (<see cref="Objects"/>), and every other record kind in a flat
/// array in dump order. Object contents stay in the file (offsets only). Strings are interned:
/// ids index <see cref="Strings"/>. Built by <see cref="HeapDumpReader.Read"/>; docs/formats/heapdump.md.
/// </summary>
public sealed class HeapDump
{
    private Dictionary<ulong, int>? _bucketIndex;
    private Dictionary<ulong, int>? _typeIndex;

    /// <summary>The file the dump was read from.</summary>
    public required string Source { get; init; }

    /// <summary>The file was gzipped: content offsets count uncompressed bytes.</summary>
    public required bool Gzipped { get; init; }

    /// <summary>Uncompressed length in bytes.</summary>
    public required long Length { get; init; }

    public required HeapDumpParams Params { get; init; }

    /// <summary>The memstats record; null when the dump has none (every Go runtime writes one).</summary>
    public required HeapDumpMemStats? MemStats { get; init; }

    public required string[] Strings { get; init; }

    public required HeapObjects Objects { get; init; }

    /// <summary>Type records (the types of itabs), in dump order; a type can appear more than once.</summary>
    public required HeapDumpType[] Types { get; init; }

    public required HeapDumpItab[] Itabs { get; init; }

    /// <summary>Goroutine records; a goroutine's row indexes <see cref="GoroutineFrameStart"/>.</summary>
    public required HeapDumpGoroutine[] Goroutines { get; init; }

    /// <summary>Goroutine g's frames are <see cref="Frames"/>[GoroutineFrameStart[g]..GoroutineFrameStart[g+1]], innermost first. Length: goroutines + 1.</summary>
    public required int[] GoroutineFrameStart { get; init; }

    /// <summary>Stack frame records in dump order (grouped by goroutine).</summary>
    public required HeapDumpFrame[] Frames { get; init; }

    /// <summary>The pointer fields of each frame (offsets from the frame's sp): stack roots.</summary>
    public required HeapDumpPointerFields FramePointers { get; init; }

    /// <summary>The data and BSS segment records (one of each per dump).</summary>
    public required HeapDumpSegment[] Segments { get; init; }

    /// <summary>The pointer fields of each segment (offsets from its start): the globals that are roots.</summary>
    public required HeapDumpPointerFields SegmentPointers { get; init; }

    /// <summary>Registered finalizers (the object is a root of what its finalizer reaches, not of itself).</summary>
    public required HeapDumpFinalizer[] Finalizers { get; init; }

    /// <summary>Finalizers queued to run: their objects were found unreachable and are roots until the finalizer runs.</summary>
    public required HeapDumpFinalizer[] QueuedFinalizers { get; init; }

    public required HeapDumpOtherRoot[] OtherRoots { get; init; }

    public required HeapDumpThread[] Threads { get; init; }

    public required HeapDumpDefer[] Defers { get; init; }

    public required HeapDumpPanic[] Panics { get; init; }

    /// <summary>Memprof buckets in dump order; their frames are in <see cref="MemProfFrames"/>.</summary>
    public required HeapDumpBucket[] MemProf { get; init; }

    public required HeapDumpProfileFrame[] MemProfFrames { get; init; }

    public required HeapDumpAllocSample[] AllocSamples { get; init; }

    public string Str(int id) => Strings[id];

    /// <summary>The object whose [Address, Address + Size) contains <paramref name="address"/>, or -1 (see <see cref="HeapObjects.ObjectAt"/>).</summary>
    public int ObjectAt(ulong address) => Objects.ObjectAt(address);

    public ReadOnlySpan<HeapDumpFrame> FramesOf(int goroutine) =>
        Frames.AsSpan(GoroutineFrameStart[goroutine], GoroutineFrameStart[goroutine + 1] - GoroutineFrameStart[goroutine]);

    public ReadOnlySpan<HeapDumpProfileFrame> FramesOf(in HeapDumpBucket bucket) => MemProfFrames.AsSpan(bucket.FrameStart, bucket.FrameCount);

    /// <summary>The index in <see cref="MemProf"/> of the bucket with this id (alloc samples name buckets by id), or -1.</summary>
    public int MemProfIndexOf(ulong bucketId)
    {
        _bucketIndex ??= Index(MemProf.Length, i => MemProf[i].Id);
        return _bucketIndex.TryGetValue(bucketId, out int i) ? i : -1;
    }

    /// <summary>The index in <see cref="Types"/> of the first type record at this address, or -1.</summary>
    public int TypeIndexOf(ulong address)
    {
        _typeIndex ??= Index(Types.Length, i => Types[i].Address);
        return _typeIndex.TryGetValue(address, out int i) ? i : -1;
    }

    private static Dictionary<ulong, int> Index(int count, Func<int, ulong> key)
    {
        var d = new Dictionary<ulong, int>(count);
        for (int i = 0; i < count; i++) d.TryAdd(key(i), i);
        return d;
    }
}
