using System.Text;
using LeakHound.Core;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Decodes the records of a heap dump one by one and hands each to a <see cref="HeapDumpVisitor"/>.
/// Checks everything a later reader relies on: the header, the params record before anything that
/// holds pointers, every count and length against <see cref="Limits"/>, pointer fields inside their
/// contents and word-aligned, booleans 0 or 1, the EOF record and nothing after it.
/// </summary>
internal sealed class HeapDumpParser
{
    public static ReadOnlySpan<byte> Header => "go1.7 heap dump\n"u8;

    private readonly HeapDumpStream _s;
    private readonly Limits _limits;
    private readonly HeapDumpVisitor _v;
    private readonly HeapDumpStrings _strings;
    private readonly long[] _counts = new long[HeapDumpRecordKinds.Count];
    private HeapDumpParams? _params;
    private int[] _fieldOffsets = new int[64];
    private HeapDumpProfileFrame[] _profileFrames = new HeapDumpProfileFrame[64];
    private long _objectPointers, _framePointers, _segmentPointers, _memProfFrames;

    public HeapDumpParser(HeapDumpStream stream, Limits limits, HeapDumpVisitor visitor)
    {
        _s = stream;
        _limits = limits;
        _v = visitor;
        _strings = new HeapDumpStrings(limits.MaxTableEntries);
        _v.Strings = _strings;
    }

    /// <summary>Reads the whole dump; returns its uncompressed length.</summary>
    public long Run()
    {
        ReadHeader();
        while (true)
        {
            long at = _s.Offset;
            ulong tag = _s.ReadUvarint("a record kind");
            if (tag >= HeapDumpRecordKinds.Count)
                throw InputException.AtOffset(_s.Source, at, $"unknown record kind {tag}: expected a record kind from 0 to {HeapDumpRecordKinds.Count - 1}");
            var kind = (HeapDumpRecordKind)tag;
            Count(kind, at);
            switch (kind)
            {
                case HeapDumpRecordKind.Eof:
                    long length = _s.Offset;
                    if (!_s.AtEnd) throw InputException.AtOffset(_s.Source, length, "data after the EOF record: expected the end of the dump");
                    _v.OnEof(at, length);
                    return length;
                case HeapDumpRecordKind.Object: ReadObject(at); break;
                case HeapDumpRecordKind.OtherRoot:
                    _v.OnOtherRoot(at, new HeapDumpOtherRoot(ReadString("the other root's description"), U("the other root's pointer")));
                    break;
                case HeapDumpRecordKind.Type: ReadType(at); break;
                case HeapDumpRecordKind.Goroutine: ReadGoroutine(at); break;
                case HeapDumpRecordKind.StackFrame: ReadFrame(at); break;
                case HeapDumpRecordKind.Params: ReadParams(at); break;
                case HeapDumpRecordKind.Finalizer:
                case HeapDumpRecordKind.QueuedFinalizer:
                    var f = new HeapDumpFinalizer(U("the finalizer's object"), U("the finalizer's funcval"), U("the finalizer's entry pc"),
                        U("the finalizer's argument type"), U("the finalizer's object type"));
                    _v.OnFinalizer(at, f, kind == HeapDumpRecordKind.QueuedFinalizer);
                    break;
                case HeapDumpRecordKind.Itab:
                    _v.OnItab(at, new HeapDumpItab(U("the itab's address"), U("the itab's type")));
                    break;
                case HeapDumpRecordKind.OsThread:
                    _v.OnOsThread(at, new HeapDumpThread(U("the thread's address"), U("the thread's id"), U("the thread's OS id")));
                    break;
                case HeapDumpRecordKind.MemStats: ReadMemStats(at); break;
                case HeapDumpRecordKind.Data:
                case HeapDumpRecordKind.Bss: ReadSegment(at, kind); break;
                case HeapDumpRecordKind.Defer:
                    _v.OnDefer(at, new HeapDumpDefer(U("the defer's address"), U("the defer's goroutine"), U("the defer's sp"), U("the defer's pc"),
                        U("the defer's funcval"), U("the defer's entry pc"), U("the defer's link")));
                    break;
                case HeapDumpRecordKind.Panic:
                    _v.OnPanic(at, new HeapDumpPanic(U("the panic's address"), U("the panic's goroutine"), U("the panic value's type"),
                        U("the panic value's data"), U("the panic's defer"), U("the panic's link")));
                    break;
                case HeapDumpRecordKind.MemProf: ReadMemProf(at); break;
                case HeapDumpRecordKind.AllocSample:
                    _v.OnAllocSample(at, new HeapDumpAllocSample(U("the sampled object's address"), U("the sample's bucket id")));
                    break;
            }
        }
    }

    /// <summary>How many records of each kind were read (indexed by <see cref="HeapDumpRecordKind"/>).</summary>
    public IReadOnlyList<long> Counts => _counts;

    private ulong U(string what) => _s.ReadUvarint(what);

    private int ReadString(string what) => _strings.Intern(_s.ReadString(what, _limits.MaxStringBytes), _s);

    private void Count(HeapDumpRecordKind kind, long at)
    {
        long n = ++_counts[(int)kind];
        long max = kind == HeapDumpRecordKind.Object ? _limits.MaxHeapDumpObjects : _limits.MaxHeapDumpRecords;
        if (n > max)
            throw InputException.AtOffset(_s.Source, at, $"more than {max} {HeapDumpRecordKinds.Name(kind)} records (the limit)");
        if (kind == HeapDumpRecordKind.Goroutine && n > _limits.MaxGoroutines)
            throw InputException.AtOffset(_s.Source, at, $"more than {_limits.MaxGoroutines} goroutine records (the limit)");
        if (kind is HeapDumpRecordKind.Params or HeapDumpRecordKind.MemStats && n > 1)
            throw InputException.AtOffset(_s.Source, at, $"a second {HeapDumpRecordKinds.Name(kind)} record: a dump has one");
    }

    private void ReadHeader()
    {
        var head = _s.Peek(Header.Length);
        if (head.SequenceEqual(Header))
        {
            _s.Skip(Header.Length);
            return;
        }
        const string expected = "expected a Go heap dump (runtime/debug.WriteHeapDump), which starts with \"go1.7 heap dump\\n\"";
        if (head.IsEmpty) throw InputException.AtOffset(_s.Source, 0, "the file is empty; " + expected);
        int nl = head.IndexOf((byte)'\n');
        if (nl > 0 && head.StartsWith("go1."u8) && head[..nl].EndsWith(" heap dump"u8))
        {
            string found = Encoding.ASCII.GetString(head[..nl]);
            throw InputException.AtOffset(_s.Source, 0, $"\"{found}\" is the heap dump format of Go 1.3–1.6; LeakHound reads \"go1.7 heap dump\" (Go 1.7 and later)");
        }
        if (Header.StartsWith(head)) throw _s.TruncatedAt(head.Length, "the rest of the header \"go1.7 heap dump\\n\"");
        throw InputException.AtOffset(_s.Source, 0, expected);
    }

    private HeapDumpParams RequireParams(long at, HeapDumpRecordKind kind) =>
        _params ?? throw InputException.AtOffset(_s.Source, at, $"a {HeapDumpRecordKinds.Name(kind)} record before the params record: expected params first (it gives the pointer size)");

    private void ReadParams(long at)
    {
        bool bigEndian = _s.ReadBool("the params' big-endian flag");
        long sizeAt = _s.Offset;
        ulong ptrSize = U("the pointer size");
        if (ptrSize is not (4 or 8)) throw InputException.AtOffset(_s.Source, sizeAt, $"pointer size {ptrSize}: expected 4 or 8");
        ulong heapStart = U("the heap's start address"), heapEnd = U("the heap's end address");
        string arch = _strings[ReadString("the architecture")];
        string version = _strings[ReadString("the Go version")];
        ulong ncpu = U("the CPU count");
        _params = new HeapDumpParams(bigEndian, (int)ptrSize, heapStart, heapEnd, arch, version, ncpu);
        _v.Params = _params;
        _v.OnParams(at, _params);
    }

    private void ReadType(long at)
    {
        ulong address = U("the type's address"), size = U("the type's size");
        int name = ReadString("the type's name");
        bool indirect = _s.ReadBool("the type's indirect flag");
        _v.OnType(at, new HeapDumpType(address, size, name, indirect));
    }

    private void ReadObject(long at)
    {
        var p = RequireParams(at, HeapDumpRecordKind.Object);
        ulong address = U("the object's address");
        var contents = _s.ReadBlock("the object's contents", _limits.MaxHeapDumpRecordBytes, out long contentOffset);
        var fields = ReadFields(contents.Length, p, at, HeapDumpRecordKind.Object);
        _objectPointers += fields.Length;
        CheckPointerTotal(_objectPointers, at, "objects");
        _v.OnObject(at, address, contentOffset, contents, fields);
    }

    private void ReadGoroutine(long at)
    {
        var g = new HeapDumpGoroutine(
            Address: U("the goroutine's address"), StackPointer: U("the goroutine's sp"), Id: U("the goroutine's id"),
            CreatorPc: U("the goroutine's creator pc"), Status: U("the goroutine's status"),
            IsSystem: _s.ReadBool("the goroutine's system flag"), IsBackground: _s.ReadBool("the goroutine's background flag"),
            WaitSince: U("the goroutine's wait time"), WaitReason: ReadString("the goroutine's wait reason"),
            Context: U("the goroutine's context pointer"), Thread: U("the goroutine's thread"),
            TopDefer: U("the goroutine's top defer"), TopPanic: U("the goroutine's top panic"));
        _v.OnGoroutine(at, (int)_counts[(int)HeapDumpRecordKind.Goroutine] - 1, g);
    }

    private void ReadFrame(long at)
    {
        var p = RequireParams(at, HeapDumpRecordKind.StackFrame);
        int goroutine = (int)_counts[(int)HeapDumpRecordKind.Goroutine] - 1;
        if (goroutine < 0) throw InputException.AtOffset(_s.Source, at, "a stack frame record before any goroutine record: expected its goroutine first");
        ulong sp = U("the frame's sp");
        long depthAt = _s.Offset;
        ulong depth = U("the frame's depth");
        if (depth > int.MaxValue) throw InputException.AtOffset(_s.Source, depthAt, $"frame depth {depth} is out of range");
        ulong childSp = U("the child frame's sp");
        var contents = _s.ReadBlock("the frame's contents", _limits.MaxHeapDumpRecordBytes, out long contentOffset);
        int size = contents.Length;
        ulong entry = U("the function's entry pc"), pc = U("the frame's pc"), continuation = U("the frame's continuation pc");
        int function = ReadString("the frame's function name");
        // The contents were copied aside, so reading the name and the fields leaves them intact.
        var fields = ReadFields(size, p, at, HeapDumpRecordKind.StackFrame);
        _framePointers += fields.Length;
        CheckPointerTotal(_framePointers, at, "stack frames");
        var frame = new HeapDumpFrame(goroutine, sp, (int)depth, childSp, size, contentOffset, entry, pc, continuation, function);
        _v.OnStackFrame(at, frame, contents, fields);
    }

    private void ReadSegment(long at, HeapDumpRecordKind kind)
    {
        var p = RequireParams(at, kind);
        ulong address = U("the segment's address");
        var contents = _s.ReadBlock("the segment's contents", _limits.MaxHeapDumpRecordBytes, out long contentOffset);
        var fields = ReadFields(contents.Length, p, at, kind);
        _segmentPointers += fields.Length;
        CheckPointerTotal(_segmentPointers, at, "data and BSS segments");
        var segment = new HeapDumpSegment(kind == HeapDumpRecordKind.Data ? HeapDumpSegmentKind.Data : HeapDumpSegmentKind.Bss, address, contents.Length, contentOffset);
        _v.OnSegment(at, segment, contents, fields);
    }

    private void CheckPointerTotal(long total, long at, string what)
    {
        if (total > _limits.MaxHeapDumpPointers)
            throw InputException.AtOffset(_s.Source, at, $"more than {_limits.MaxHeapDumpPointers} pointer fields in {what} (the limit)");
    }

    /// <summary>
    /// A field list: (kind, offset) pairs up to kind 0. Only kind 1 (pointer) is written since Go 1.5;
    /// each offset must leave a whole pointer inside the contents and be word-aligned, and there
    /// cannot be more fields than words, which also bounds what is kept.
    /// </summary>
    private ReadOnlySpan<int> ReadFields(int contentLength, HeapDumpParams p, long recordAt, HeapDumpRecordKind kind)
    {
        int ptr = p.PointerSize;
        int maxFields = contentLength / ptr;
        int n = 0;
        while (true)
        {
            long at = _s.Offset;
            ulong fieldKind = U("a field kind");
            if (fieldKind == 0) return new ReadOnlySpan<int>(_fieldOffsets, 0, n);
            if (fieldKind != 1)
                throw InputException.AtOffset(_s.Source, at, $"field kind {fieldKind} in the {HeapDumpRecordKinds.Name(kind)} record at offset {recordAt}: expected 1 (pointer) or 0 (end of list)");
            long offsetAt = _s.Offset;
            ulong off = U("a field offset");
            if (off > (ulong)(contentLength - ptr) || contentLength < ptr || off % (ulong)ptr != 0)
                throw InputException.AtOffset(_s.Source, offsetAt,
                    $"pointer field at offset {off} of the {HeapDumpRecordKinds.Name(kind)} record at offset {recordAt}: expected a multiple of {ptr} inside its {contentLength} bytes of contents");
            if (n == maxFields)
                throw InputException.AtOffset(_s.Source, at, $"the {HeapDumpRecordKinds.Name(kind)} record at offset {recordAt} has more pointer fields than its {contentLength} bytes hold words");
            if (n == _fieldOffsets.Length) Array.Resize(ref _fieldOffsets, Math.Min(n * 2, maxFields));
            _fieldOffsets[n++] = (int)off;
        }
    }

    private void ReadMemStats(long at)
    {
        var values = new ulong[HeapDumpMemStats.FieldNames.Count];
        for (int i = 0; i < values.Length; i++) values[i] = U("a memstats field");
        var pauses = new ulong[HeapDumpMemStats.PauseCount];
        for (int i = 0; i < pauses.Length; i++) pauses[i] = U("a memstats pause time");
        ulong numGC = U("memstats NumGC");
        _v.OnMemStats(at, new HeapDumpMemStats(values, pauses, numGC));
    }

    private void ReadMemProf(long at)
    {
        ulong id = U("the bucket's id"), size = U("the bucket's allocation size");
        long countAt = _s.Offset;
        ulong frames = U("the bucket's frame count");
        if (frames > (ulong)_limits.MaxStackDepth)
            throw InputException.AtOffset(_s.Source, countAt, $"{frames} frames in one memprof bucket is over the limit of {_limits.MaxStackDepth}");
        int n = (int)frames;
        if (_memProfFrames + n > _limits.MaxHeapDumpRecords)
            throw InputException.AtOffset(_s.Source, countAt, $"more than {_limits.MaxHeapDumpRecords} memprof frames (the limit)");
        int start = (int)_memProfFrames;
        _memProfFrames += n;
        if (_profileFrames.Length < n) _profileFrames = new HeapDumpProfileFrame[Math.Max(n, _profileFrames.Length * 2)];
        for (int i = 0; i < n; i++)
        {
            int function = ReadString("a memprof frame's function");
            int file = ReadString("a memprof frame's file");
            _profileFrames[i] = new HeapDumpProfileFrame(function, file, U("a memprof frame's line"));
        }
        var bucket = new HeapDumpBucket(id, size, start, n, U("the bucket's allocation count"), U("the bucket's free count"));
        _v.OnMemProf(at, bucket, new ReadOnlySpan<HeapDumpProfileFrame>(_profileFrames, 0, n));
    }
}
