using System.Globalization;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using HeapDumpModel = LeakHound.Formats.HeapDump.HeapDump;

namespace LeakHound.Reports.HeapDump;

/// <summary>
/// The summary of a heap dump that needs no object graph: the runtime, the heap's range, the
/// MemStats highlights, the objects (counted without Go 1.22+ span tail slots) by size class, and
/// how many records of each kind the dump holds. Written section by section; sections that need
/// the graph (retained sizes, dominators) belong after the size classes.
/// </summary>
public static class HeapDumpSummaryReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Objects larger than this are large objects (one span each), shown in one row.</summary>
    private const long MaxSmallSize = 32768;

    /// <summary>Writes the summary; <paramref name="graphSection"/> (retained sizes, roots) goes after the size classes.</summary>
    public static void Write(HeapDumpModel dump, TextWriter w, Action<TextWriter>? graphSection = null)
    {
        WriteRuntime(dump, w);
        WriteMemStats(dump, w);
        WriteObjects(dump, w);
        WriteSizeClasses(dump, w);
        graphSection?.Invoke(w);
        WriteRecords(dump, w);
    }

    private static string Bytes(long n) => Measurement.Label(n, "bytes");

    private static string Hex(ulong v) => "0x" + v.ToString("x", Inv);

    private static void WriteRuntime(HeapDumpModel d, TextWriter w)
    {
        var p = d.Params;
        w.WriteLine(string.Create(Inv, $"Heap dump: {d.Source} ({(d.Gzipped ? "gzipped, " : "")}{d.Length} bytes uncompressed)"));
        w.WriteLine(string.Create(Inv, $"Runtime:   {p.Version} {p.Arch}, {p.PointerSize}-byte {(p.BigEndian ? "big" : "little")}-endian pointers, {p.CpuCount} CPUs"));
        w.WriteLine(string.Create(Inv, $"Heap:      {Hex(p.HeapStart)}-{Hex(p.HeapEnd)} ({Bytes((long)(p.HeapEnd - p.HeapStart))} of arenas)"));
        if (p.HasMallocHeaders)
            w.WriteLine("           Go 1.22+: objects over 512 bytes with pointers start with an 8-byte malloc header");
    }

    private static void WriteMemStats(HeapDumpModel d, TextWriter w)
    {
        w.WriteLine();
        if (d.MemStats is not { } m)
        {
            w.WriteLine("MemStats:  none in the dump");
            return;
        }
        w.WriteLine("MemStats (when the dump was written):");
        Row(w, "HeapAlloc", m.HeapAlloc, bytes: true, "bytes in live and not yet swept objects");
        Row(w, "HeapObjects", m.HeapObjects, bytes: false, "objects allocated and not yet freed");
        Row(w, "HeapInuse", m.HeapInuse, bytes: true, "bytes in in-use spans");
        Row(w, "HeapIdle", m.HeapIdle, bytes: true, "bytes in idle spans");
        Row(w, "HeapReleased", m.HeapReleased, bytes: true, "bytes returned to the OS");
        Row(w, "HeapSys", m.HeapSys, bytes: true, "heap bytes obtained from the OS");
        Row(w, "StackInuse", m.StackInuse, bytes: true, "bytes in stack spans");
        Row(w, "Sys", m.Sys, bytes: true, "total bytes obtained from the OS");
        Row(w, "TotalAlloc", m.TotalAlloc, bytes: true, "cumulative bytes allocated");
        Row(w, "Mallocs", m.Mallocs, bytes: false, "cumulative allocations");
        Row(w, "Frees", m.Frees, bytes: false, "cumulative frees");
        Row(w, "NextGC", m.NextGC, bytes: true, "heap goal of the next cycle");
        Row(w, "NumGC", m.NumGC, bytes: false, "completed GC cycles");
        Row(w, "PauseTotalNs", m.PauseTotalNs, bytes: false, "total stop-the-world pause, ns");
    }

    private static void Row(TextWriter w, string name, ulong value, bool bytes, string meaning)
    {
        string shown = bytes && value <= long.MaxValue ? $"{Bytes((long)value)} ({value.ToString(Inv)})" : value.ToString(Inv);
        w.WriteLine(string.Create(Inv, $"  {name,-13} {shown,-26} {meaning}"));
    }

    private static void WriteObjects(HeapDumpModel d, TextWriter w)
    {
        var o = d.Objects;
        w.WriteLine();
        int live = o.Count - o.SpanTailCount;
        long liveBytes = o.TotalBytes - o.SpanTailBytes;
        w.WriteLine(string.Create(Inv, $"Objects:   {live} objects, {Bytes(liveBytes)} ({liveBytes} bytes of slots), {o.PointerCount} pointer fields"));
        if (o.SpanTailCount > 0)
            w.WriteLine(string.Create(Inv,
                $"           not counted: {o.SpanTailCount} object records ({o.SpanTailBytes} bytes) that are span tail slots holding pointer bitmaps (Go 1.22+)"));
        if (d.MemStats is { } m && (ulong)live != m.HeapObjects)
            w.WriteLine(string.Create(Inv, $"           MemStats.HeapObjects says {m.HeapObjects}"));
    }

    private static void WriteSizeClasses(HeapDumpModel d, TextWriter w)
    {
        var o = d.Objects;
        var bySize = new SortedDictionary<long, (long Count, long Bytes)>();
        long largeCount = 0, largeBytes = 0, total = 0;
        for (int i = 0; i < o.Count; i++)
        {
            if (o.SpanTail[i]) continue;
            long size = o.Size[i];
            total += size;
            if (size > MaxSmallSize)
            {
                largeCount++;
                largeBytes += size;
                continue;
            }
            bySize.TryGetValue(size, out var c);
            bySize[size] = (c.Count + 1, c.Bytes + size);
        }
        w.WriteLine();
        w.WriteLine("Objects by size class:");
        w.WriteLine(string.Create(Inv, $"  {"size",10} {"objects",10} {"bytes",14} {"% bytes",8}"));
        foreach (var (size, c) in bySize)
            w.WriteLine(string.Create(Inv, $"  {size,10} {c.Count,10} {c.Bytes,14} {Measurement.Percentage(c.Bytes, total),8}"));
        if (largeCount > 0)
            w.WriteLine(string.Create(Inv, $"  {"> " + MaxSmallSize,10} {largeCount,10} {largeBytes,14} {Measurement.Percentage(largeBytes, total),8}  (large objects, one span each)"));
    }

    private static void WriteRecords(HeapDumpModel d, TextWriter w)
    {
        int data = 0, bss = 0;
        foreach (var s in d.Segments)
        {
            if (s.Kind == HeapDumpSegmentKind.Data) data++;
            else bss++;
        }
        w.WriteLine();
        w.WriteLine("Records:");
        w.WriteLine(string.Create(Inv, $"  objects {d.Objects.Count}, types {d.Types.Length}, itabs {d.Itabs.Length}, goroutines {d.Goroutines.Length}, stack frames {d.Frames.Length}, os threads {d.Threads.Length}"));
        w.WriteLine(string.Create(Inv, $"  data segments {data}, bss segments {bss}, finalizers {d.Finalizers.Length}, queued finalizers {d.QueuedFinalizers.Length}, other roots {d.OtherRoots.Length}"));
        w.WriteLine(string.Create(Inv, $"  defers {d.Defers.Length}, panics {d.Panics.Length}, memprof buckets {d.MemProf.Length}, alloc samples {d.AllocSamples.Length}"));
        w.WriteLine("Roots:");
        w.WriteLine(string.Create(Inv,
            $"  stack pointer fields {d.FramePointers.Count}, global pointer fields {d.SegmentPointers.Count} (data and BSS), finalizers {d.Finalizers.Length + d.QueuedFinalizers.Length}, other roots {d.OtherRoots.Length}"));
    }
}
