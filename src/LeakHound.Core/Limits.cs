namespace LeakHound.Core;

/// <summary>
/// Caps on every size and count read from untrusted input, checked before anything is allocated
/// for it. The defaults admit any real profile (the benchmark's 2-million-sample heap profile uses
/// a small part of each) while refusing inputs that would exhaust memory.
/// </summary>
public sealed record Limits
{
    public static readonly Limits Default = new();

    /// <summary>Bytes after decompression; also the largest file read whole.</summary>
    public long MaxDecompressedBytes { get; init; } = 4L << 30;

    /// <summary>Samples in one profile.</summary>
    public int MaxSamples { get; init; } = 100_000_000;

    /// <summary>Locations, functions, mappings or strings in one profile (each).</summary>
    public int MaxTableEntries { get; init; } = 50_000_000;

    /// <summary>Values per sample (sample types).</summary>
    public int MaxSampleTypes { get; init; } = 64;

    /// <summary>Goroutines (rows) in one goroutine dump; a million-goroutine dump is about 1 GB of text.</summary>
    public int MaxGoroutines { get; init; } = 50_000_000;

    /// <summary>Frames in one stack (also one goroutine's stack in a goroutine dump).</summary>
    public int MaxStackDepth { get; init; } = 1 << 16;

    /// <summary>Length of one string, in bytes.</summary>
    public int MaxStringBytes { get; init; } = 1 << 24;

    /// <summary>Nesting of length-delimited messages.</summary>
    public int MaxNesting { get; init; } = 16;

    /// <summary>Uncompressed bytes of one heap dump; it is read as a stream, never whole.</summary>
    public long MaxHeapDumpBytes { get; init; } = 1L << 40;

    /// <summary>Object records in one heap dump (each costs about 29 bytes of index).</summary>
    public int MaxHeapDumpObjects { get; init; } = 1 << 28;

    /// <summary>Pointer fields of all objects in one heap dump (and, separately, of all stack frames and of the data and BSS segments).</summary>
    public int MaxHeapDumpPointers { get; init; } = 1 << 30;

    /// <summary>Records of each other kind in one heap dump: goroutines, stack frames, types, finalizers, memprof buckets, alloc samples…</summary>
    public int MaxHeapDumpRecords { get; init; } = 1 << 27;

    /// <summary>Contents of one object, stack frame or data/BSS segment, held while its pointer fields are read.</summary>
    public int MaxHeapDumpRecordBytes { get; init; } = 1 << 30;

    /// <summary>Section headers in one ELF file (real binaries have tens; extended numbering allows millions).</summary>
    public int MaxElfSections { get; init; } = 1 << 20;

    /// <summary>Symbols in one ELF symbol table (.symtab or .dynsym).</summary>
    public int MaxElfSymbols { get; init; } = 50_000_000;

    /// <summary>Bytes of one ELF section read whole (a symbol or string table).</summary>
    public long MaxElfSectionBytes { get; init; } = 1L << 30;
}
