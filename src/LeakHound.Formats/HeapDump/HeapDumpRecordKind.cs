namespace LeakHound.Formats.HeapDump;

/// <summary>The record kinds of a heap dump: the uvarint tag that starts each record (docs/formats/heapdump.md).</summary>
public enum HeapDumpRecordKind
{
    Eof = 0,
    Object = 1,
    OtherRoot = 2,
    Type = 3,
    Goroutine = 4,
    StackFrame = 5,
    Params = 6,
    Finalizer = 7,
    Itab = 8,
    OsThread = 9,
    MemStats = 10,
    QueuedFinalizer = 11,
    Data = 12,
    Bss = 13,
    Defer = 14,
    Panic = 15,
    MemProf = 16,
    AllocSample = 17,
}

/// <summary>Names of the record kinds as LeakHound prints them.</summary>
public static class HeapDumpRecordKinds
{
    public const int Count = 18;

    public static string Name(HeapDumpRecordKind kind) => kind switch
    {
        HeapDumpRecordKind.Eof => "eof",
        HeapDumpRecordKind.Object => "object",
        HeapDumpRecordKind.OtherRoot => "other root",
        HeapDumpRecordKind.Type => "type",
        HeapDumpRecordKind.Goroutine => "goroutine",
        HeapDumpRecordKind.StackFrame => "stack frame",
        HeapDumpRecordKind.Params => "params",
        HeapDumpRecordKind.Finalizer => "finalizer",
        HeapDumpRecordKind.Itab => "itab",
        HeapDumpRecordKind.OsThread => "os thread",
        HeapDumpRecordKind.MemStats => "memstats",
        HeapDumpRecordKind.QueuedFinalizer => "queued finalizer",
        HeapDumpRecordKind.Data => "data segment",
        HeapDumpRecordKind.Bss => "bss segment",
        HeapDumpRecordKind.Defer => "defer",
        HeapDumpRecordKind.Panic => "panic",
        HeapDumpRecordKind.MemProf => "memprof bucket",
        HeapDumpRecordKind.AllocSample => "alloc sample",
        _ => "record kind " + (int)kind,
    };
}
