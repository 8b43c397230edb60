namespace LeakHound.Formats.HeapDump;

// The fixed-size records of a heap dump, as read (docs/formats/heapdump.md). Each is a small
// struct: the model keeps them in flat arrays indexed by dense ids, and the streaming reader hands
// them to a HeapDumpVisitor. Strings are ids into the dump's HeapDumpStrings; addresses and PCs are
// the runtime's own values.

/// <summary>A type record: a type that some itab refers to. <paramref name="Indirect"/>: an interface holding it stores a pointer to the value.</summary>
public readonly record struct HeapDumpType(ulong Address, ulong Size, int Name, bool Indirect);

/// <summary>An itab record: the itab's address and the address of the type stored in interfaces that use it.</summary>
public readonly record struct HeapDumpItab(ulong Address, ulong Type);

/// <summary>
/// A goroutine record. <paramref name="CreatorPc"/> is the pc of the go statement that created it
/// (the dump has no function names for it); <paramref name="Status"/> is the runtime's G status
/// (see <see cref="GoroutineStatus"/>); <paramref name="WaitSince"/> is runtime nanotime, 0 when unknown;
/// <paramref name="Context"/> is the scheduler's closure context pointer, a root;
/// <paramref name="Thread"/>, <paramref name="TopDefer"/> and <paramref name="TopPanic"/> are addresses (0 for none).
/// </summary>
public readonly record struct HeapDumpGoroutine(
    ulong Address, ulong StackPointer, ulong Id, ulong CreatorPc, ulong Status, bool IsSystem, bool IsBackground,
    ulong WaitSince, int WaitReason, ulong Context, ulong Thread, ulong TopDefer, ulong TopPanic);

/// <summary>
/// A stack frame record. <paramref name="Goroutine"/> is the row of the goroutine record it follows;
/// <paramref name="Depth"/> 0 is the innermost frame; <paramref name="Size"/> bytes of frame contents
/// start at <paramref name="ContentOffset"/> in the uncompressed dump and at address
/// <paramref name="StackPointer"/>; <paramref name="Function"/> is a string id.
/// </summary>
public readonly record struct HeapDumpFrame(
    int Goroutine, ulong StackPointer, int Depth, ulong ChildStackPointer, long Size, long ContentOffset,
    ulong EntryPc, ulong Pc, ulong ContinuationPc, int Function);

/// <summary>Which segment a data or BSS record describes.</summary>
public enum HeapDumpSegmentKind { Data, Bss }

/// <summary>A data or BSS segment: the module's globals, <paramref name="Size"/> bytes at <paramref name="Address"/>, contents at <paramref name="ContentOffset"/>.</summary>
public readonly record struct HeapDumpSegment(HeapDumpSegmentKind Kind, ulong Address, long Size, long ContentOffset);

/// <summary>
/// A registered or queued finalizer: the object, the finalizer's funcval and entry PC, the type of its
/// argument (fint) and the object's pointer type (ot), as type descriptor addresses.
/// </summary>
public readonly record struct HeapDumpFinalizer(ulong Object, ulong FuncVal, ulong EntryPc, ulong ArgType, ulong ObjectType);

/// <summary>Another root: a description (string id) and the pointer.</summary>
public readonly record struct HeapDumpOtherRoot(int Description, ulong Pointer);

/// <summary>An OS thread (M): its descriptor's address, the runtime's id and the OS's id.</summary>
public readonly record struct HeapDumpThread(ulong Address, ulong Id, ulong OsId);

/// <summary>A defer record of goroutine <paramref name="Goroutine"/> (its descriptor's address); <paramref name="FuncVal"/> is 0 for open-coded defers.</summary>
public readonly record struct HeapDumpDefer(ulong Address, ulong Goroutine, ulong StackPointer, ulong Pc, ulong FuncVal, ulong EntryPc, ulong Link);

/// <summary>A panic record of goroutine <paramref name="Goroutine"/>: the panic value as an interface (type, data); <paramref name="Defer"/> is always 0 since Go 1.5.</summary>
public readonly record struct HeapDumpPanic(ulong Address, ulong Goroutine, ulong ArgType, ulong ArgData, ulong Defer, ulong Link);

/// <summary>
/// A memory profile bucket: its id (the bucket's address), the allocation size, its stack
/// (<see cref="HeapDump.MemProfFrames"/>[FrameStart..FrameStart+FrameCount], innermost first) and
/// the allocation and free counts (sampled, as in the heap profile).
/// </summary>
public readonly record struct HeapDumpBucket(ulong Id, ulong Size, int FrameStart, int FrameCount, ulong Allocs, ulong Frees);

/// <summary>A frame of a memprof bucket: function and file (string ids) and line. An unknown PC has function "(0x…)", file "?" and line 0.</summary>
public readonly record struct HeapDumpProfileFrame(int Function, int File, ulong Line);

/// <summary>An alloc sample: a sampled live object and the id of the memprof bucket of its allocation.</summary>
public readonly record struct HeapDumpAllocSample(ulong Object, ulong Bucket);
