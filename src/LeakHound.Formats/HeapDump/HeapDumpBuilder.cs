using LeakHound.Core;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Collects the records of a heap dump into flat arrays as they stream past, then sorts the objects
/// by address (the runtime writes them span by span, in no address order), checks that no two
/// overlap, and marks Go 1.22+ span tail slots. Object contents are not kept, only where they are.
/// </summary>
internal sealed class HeapDumpBuilder : HeapDumpVisitor
{
    private readonly string _source;
    private readonly ChunkedColumn<ulong> _objAddress = new();
    private readonly ChunkedColumn<long> _objSize = new();
    private readonly ChunkedColumn<long> _objContent = new();
    private readonly ChunkedColumn<int> _objPtrStart = new();
    private readonly ChunkedColumn<int> _objPtrOffset = new();
    private readonly ChunkedColumn<ulong> _objPtrValue = new();

    private GrowableArray<HeapDumpType> _types = new(64);
    private GrowableArray<HeapDumpItab> _itabs = new(64);
    private GrowableArray<HeapDumpGoroutine> _goroutines = new(64);
    private GrowableArray<int> _goroutineFrameStart = new(64);
    private readonly ChunkedColumn<HeapDumpFrame> _frames = new();
    private readonly ChunkedColumn<int> _framePtrStart = new();
    private readonly ChunkedColumn<int> _framePtrOffset = new();
    private readonly ChunkedColumn<ulong> _framePtrValue = new();
    private GrowableArray<HeapDumpSegment> _segments = new(2);
    private GrowableArray<int> _segPtrStart = new(2);
    private readonly ChunkedColumn<int> _segPtrOffset = new();
    private readonly ChunkedColumn<ulong> _segPtrValue = new();
    private GrowableArray<HeapDumpFinalizer> _finalizers = new(16);
    private GrowableArray<HeapDumpFinalizer> _queued = new(0);
    private GrowableArray<HeapDumpOtherRoot> _otherRoots = new(0);
    private GrowableArray<HeapDumpThread> _threads = new(16);
    private GrowableArray<HeapDumpDefer> _defers = new(0);
    private GrowableArray<HeapDumpPanic> _panics = new(0);
    private GrowableArray<HeapDumpBucket> _buckets = new(64);
    private GrowableArray<HeapDumpProfileFrame> _bucketFrames = new(256);
    private readonly ChunkedColumn<HeapDumpAllocSample> _samples = new();
    private HeapDumpMemStats? _memStats;
    private long _length = -1;

    public HeapDumpBuilder(string source)
    {
        _source = source;
    }

    public override void OnType(long offset, in HeapDumpType type) => _types.Add(type);

    public override void OnItab(long offset, in HeapDumpItab itab) => _itabs.Add(itab);

    public override void OnObject(long offset, ulong address, long contentOffset, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        _objAddress.Add(address);
        _objSize.Add(contents.Length);
        _objContent.Add(contentOffset);
        _objPtrStart.Add(_objPtrOffset.Count);
        AddPointers(_objPtrOffset, _objPtrValue, contents, pointerOffsets);
    }

    private void AddPointers(ChunkedColumn<int> offsets, ChunkedColumn<ulong> values, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        offsets.AddRange(pointerOffsets);
        var p = Params;
        foreach (int off in pointerOffsets) values.Add(p.ReadPointer(contents, off));
    }

    public override void OnGoroutine(long offset, int row, in HeapDumpGoroutine goroutine)
    {
        _goroutines.Add(goroutine);
        _goroutineFrameStart.Add(_frames.Count);
    }

    public override void OnStackFrame(long offset, in HeapDumpFrame frame, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        _frames.Add(frame);
        _framePtrStart.Add(_framePtrOffset.Count);
        AddPointers(_framePtrOffset, _framePtrValue, contents, pointerOffsets);
    }

    public override void OnOsThread(long offset, in HeapDumpThread thread) => _threads.Add(thread);

    public override void OnSegment(long offset, in HeapDumpSegment segment, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets)
    {
        _segments.Add(segment);
        _segPtrStart.Add(_segPtrOffset.Count);
        AddPointers(_segPtrOffset, _segPtrValue, contents, pointerOffsets);
    }

    public override void OnFinalizer(long offset, in HeapDumpFinalizer finalizer, bool queued)
    {
        if (queued) _queued.Add(finalizer);
        else _finalizers.Add(finalizer);
    }

    public override void OnOtherRoot(long offset, in HeapDumpOtherRoot root) => _otherRoots.Add(root);

    public override void OnDefer(long offset, in HeapDumpDefer record) => _defers.Add(record);

    public override void OnPanic(long offset, in HeapDumpPanic record) => _panics.Add(record);

    public override void OnMemStats(long offset, HeapDumpMemStats stats) => _memStats = stats;

    public override void OnMemProf(long offset, in HeapDumpBucket bucket, ReadOnlySpan<HeapDumpProfileFrame> frames)
    {
        _buckets.Add(bucket);
        _bucketFrames.AddRange(frames);
    }

    public override void OnAllocSample(long offset, in HeapDumpAllocSample sample) => _samples.Add(sample);

    public override void OnEof(long offset, long length) => _length = length;

    public HeapDump Build(bool gzipped)
    {
        if (Params is null) throw new InputException(_source, "the dump has no params record");
        var objects = BuildObjects();
        _goroutineFrameStart.Add(_frames.Count);
        _framePtrStart.Add(_framePtrOffset.Count);
        _segPtrStart.Add(_segPtrOffset.Count);
        return new HeapDump
        {
            Source = _source,
            Gzipped = gzipped,
            Length = _length,
            Params = Params,
            MemStats = _memStats,
            Strings = Strings.ToArray(),
            Objects = objects,
            Types = _types.ToArray(),
            Itabs = _itabs.ToArray(),
            Goroutines = _goroutines.ToArray(),
            GoroutineFrameStart = _goroutineFrameStart.ToArray(),
            Frames = _frames.ToArray(),
            FramePointers = new HeapDumpPointerFields(_framePtrStart.ToArray(), _framePtrOffset.ToArray(), _framePtrValue.ToArray()),
            Segments = _segments.ToArray(),
            SegmentPointers = new HeapDumpPointerFields(_segPtrStart.ToArray(), _segPtrOffset.ToArray(), _segPtrValue.ToArray()),
            Finalizers = _finalizers.ToArray(),
            QueuedFinalizers = _queued.ToArray(),
            OtherRoots = _otherRoots.ToArray(),
            Threads = _threads.ToArray(),
            Defers = _defers.ToArray(),
            Panics = _panics.ToArray(),
            MemProf = _buckets.ToArray(),
            MemProfFrames = _bucketFrames.ToArray(),
            AllocSamples = _samples.ToArray(),
        };
    }

    /// <summary>
    /// Sorts the objects by address. The columns are permuted straight from their chunks into
    /// exactly sized arrays, each column's chunks dropped once copied.
    /// </summary>
    private HeapObjects BuildObjects()
    {
        int n = _objAddress.Count;
        _objPtrStart.Add(_objPtrOffset.Count);
        ulong[] address;
        long[] size, content;
        int[] start, ptrOffset;
        ulong[] ptrValue;
        address = _objAddress.ToArray();
        if (IsSorted(address))
        {
            size = _objSize.ToArray();
            content = _objContent.ToArray();
            start = _objPtrStart.ToArray();
            ptrOffset = _objPtrOffset.ToArray();
            ptrValue = _objPtrValue.ToArray();
        }
        else
        {
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Array.Sort(address, order);
            size = _objSize.Permute(order);
            content = _objContent.Permute(order);
            start = new int[n + 1];
            ptrOffset = new int[_objPtrOffset.Count];
            ptrValue = new ulong[_objPtrValue.Count];
            int at = 0;
            for (int i = 0; i < n; i++)
            {
                int from = _objPtrStart[order[i]], count = _objPtrStart[order[i] + 1] - from;
                start[i] = at;
                _objPtrOffset.CopyTo(from, count, ptrOffset.AsSpan(at));
                _objPtrValue.CopyTo(from, count, ptrValue.AsSpan(at));
                at += count;
            }
            start[n] = at;
            _objPtrStart.Clear();
            _objPtrOffset.Clear();
            _objPtrValue.Clear();
        }
        CheckNoOverlap(address, size, content);
        var tail = SpanTailSlots.Find(Params, address, size, start);
        return new HeapObjects(address, size, content, start, ptrOffset, ptrValue, tail);
    }

    private static bool IsSorted(ReadOnlySpan<ulong> a)
    {
        for (int i = 1; i < a.Length; i++)
            if (a[i] < a[i - 1]) return false;
        return true;
    }

    private void CheckNoOverlap(ulong[] address, long[] size, long[] content)
    {
        for (int i = 1; i < address.Length; i++)
        {
            ulong prevEnd = address[i - 1] + (ulong)size[i - 1];
            if (address[i] < prevEnd || prevEnd < address[i - 1])
                throw InputException.AtOffset(_source, content[i],
                    $"the object at 0x{address[i]:x} overlaps the object at 0x{address[i - 1]:x} ({size[i - 1]} bytes, contents at offset {content[i - 1]}): expected objects at distinct addresses");
        }
    }
}
