namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Receives the records of a heap dump in file order from <see cref="HeapDumpReader.Visit"/>, one
/// call per record; <paramref name="offset"/> arguments are where the record starts in the
/// uncompressed dump. Spans (contents, pointer field offsets, memprof frames) are valid only
/// during the call. Pointer values are read from the contents with <see cref="HeapDumpParams.ReadPointer"/>.
/// Every method does nothing unless overridden.
/// </summary>
public abstract class HeapDumpVisitor
{
    /// <summary>The dump's strings; ids in records index it. Set before the first record.</summary>
    public HeapDumpStrings Strings { get; internal set; } = null!;

    /// <summary>The params record (always the first record; required before objects, frames and segments).</summary>
    public HeapDumpParams Params { get; internal set; } = null!;

    public virtual void OnParams(long offset, HeapDumpParams p) { }

    public virtual void OnType(long offset, in HeapDumpType type) { }

    public virtual void OnItab(long offset, in HeapDumpItab itab) { }

    /// <summary>
    /// An object record: <paramref name="contents"/> (the whole size-class slot) start at
    /// <paramref name="contentOffset"/> of the uncompressed dump; <paramref name="pointerOffsets"/>
    /// are the offsets in it of words that hold pointers.
    /// </summary>
    public virtual void OnObject(long offset, ulong address, long contentOffset, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets) { }

    /// <summary>A goroutine record; <paramref name="row"/> counts goroutine records from 0 (the frames that follow name it).</summary>
    public virtual void OnGoroutine(long offset, int row, in HeapDumpGoroutine goroutine) { }

    public virtual void OnStackFrame(long offset, in HeapDumpFrame frame, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets) { }

    public virtual void OnOsThread(long offset, in HeapDumpThread thread) { }

    public virtual void OnSegment(long offset, in HeapDumpSegment segment, ReadOnlySpan<byte> contents, ReadOnlySpan<int> pointerOffsets) { }

    /// <summary>A registered finalizer (<paramref name="queued"/> false) or one queued to run (true).</summary>
    public virtual void OnFinalizer(long offset, in HeapDumpFinalizer finalizer, bool queued) { }

    public virtual void OnOtherRoot(long offset, in HeapDumpOtherRoot root) { }

    public virtual void OnDefer(long offset, in HeapDumpDefer record) { }

    public virtual void OnPanic(long offset, in HeapDumpPanic record) { }

    public virtual void OnMemStats(long offset, HeapDumpMemStats stats) { }

    /// <summary>A memprof bucket; its FrameStart counts frames over all buckets so far, and <paramref name="frames"/> are its own.</summary>
    public virtual void OnMemProf(long offset, in HeapDumpBucket bucket, ReadOnlySpan<HeapDumpProfileFrame> frames) { }

    public virtual void OnAllocSample(long offset, in HeapDumpAllocSample sample) { }

    /// <summary>The EOF record; <paramref name="length"/> is the dump's uncompressed length.</summary>
    public virtual void OnEof(long offset, long length) { }
}
