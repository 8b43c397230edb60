namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// What kind of root holds a pointer, following the runtime's own marking (mgcmark.go, markroot)
/// and what its heap dump records (docs/heapdump-analysis.md).
/// </summary>
public enum HeapRootKind : byte
{
    /// <summary>A pointer slot of a goroutine's stack frame.</summary>
    Frame,
    /// <summary>A pointer slot of the data or BSS segment: a global variable.</summary>
    Global,
    /// <summary>A goroutine's scheduler context (sched.ctxt, a closure being resumed).</summary>
    GoroutineContext,
    /// <summary>A registered finalizer's funcval.</summary>
    FinalizerFunction,
    /// <summary>
    /// A pointer field of an object with a registered finalizer: the collector marks what the
    /// object references, not the object itself, so a cycle back to it keeps it alive forever.
    /// </summary>
    FinalizerField,
    /// <summary>An object whose finalizer is queued to run (found unreachable, kept for the finalizer).</summary>
    QueuedFinalizer,
    /// <summary>A queued finalizer's funcval.</summary>
    QueuedFinalizerFunction,
    /// <summary>An "other root" record, with the runtime's description.</summary>
    Other,
}

public static class HeapRootKinds
{
    public static readonly HeapRootKind[] All = Enum.GetValues<HeapRootKind>();

    /// <summary>A short lowercase name, as the reports and JSON use it.</summary>
    public static string Name(HeapRootKind kind) => kind switch
    {
        HeapRootKind.Frame => "frame",
        HeapRootKind.Global => "global",
        HeapRootKind.GoroutineContext => "goroutine context",
        HeapRootKind.FinalizerFunction => "finalizer function",
        HeapRootKind.FinalizerField => "finalizer object field",
        HeapRootKind.QueuedFinalizer => "queued finalizer",
        HeapRootKind.QueuedFinalizerFunction => "queued finalizer function",
        _ => "other",
    };
}
