namespace LeakHound.Formats.HeapDump;

/// <summary>
/// The object records of a heap dump, column-wise and sorted by address; an object's id is its
/// index. Contents are not kept: <see cref="ContentOffset"/> says where they are in the
/// uncompressed dump (for a gzipped dump, <see cref="HeapDumpContentReader"/> decompresses again up
/// to there). Pointer fields are in compressed-row form: object i's are
/// [<see cref="PointerStart"/>[i], <see cref="PointerStart"/>[i+1]) of <see cref="PointerFieldOffset"/>
/// (offset in the object) and <see cref="PointerValue"/> (the word at that offset, in the dump's byte
/// order and pointer size; often 0 or outside the heap).
/// </summary>
public sealed class HeapObjects
{
    internal HeapObjects(ulong[] address, long[] size, long[] contentOffset, int[] pointerStart, int[] pointerFieldOffset,
        ulong[] pointerValue, bool[] spanTail)
    {
        Address = address;
        Size = size;
        ContentOffset = contentOffset;
        PointerStart = pointerStart;
        PointerFieldOffset = pointerFieldOffset;
        PointerValue = pointerValue;
        SpanTail = spanTail;
        long total = 0, tailBytes = 0;
        int tails = 0;
        for (int i = 0; i < size.Length; i++)
        {
            total += size[i];
            if (spanTail[i])
            {
                tails++;
                tailBytes += size[i];
            }
        }
        TotalBytes = total;
        SpanTailCount = tails;
        SpanTailBytes = tailBytes;
    }

    public int Count => Address.Length;

    /// <summary>The object's slot address, ascending. From Go 1.22 an object over 512 bytes with pointers starts with an 8-byte malloc header and Go pointers to it point 8 bytes in.</summary>
    public ulong[] Address { get; }

    /// <summary>The contents' length: the slot size (the size class, or the span for a large object), not the type's size.</summary>
    public long[] Size { get; }

    /// <summary>Where the contents start in the uncompressed dump.</summary>
    public long[] ContentOffset { get; }

    /// <summary>Length <see cref="Count"/> + 1.</summary>
    public int[] PointerStart { get; }

    public int[] PointerFieldOffset { get; }

    public ulong[] PointerValue { get; }

    /// <summary>
    /// The record is a span's tail slot that holds the span's pointer bitmap, not an object (Go 1.22+
    /// dumps, small-object spans with pointers; see docs/formats/heapdump.md). MemStats.HeapObjects
    /// does not count these; their "pointers" are bitmap words.
    /// </summary>
    public bool[] SpanTail { get; }

    /// <summary>The sum of <see cref="Size"/>, span tail slots included.</summary>
    public long TotalBytes { get; }

    public int SpanTailCount { get; }

    public long SpanTailBytes { get; }

    public int PointerCount => PointerFieldOffset.Length;

    public ReadOnlySpan<int> FieldOffsetsOf(int id) => PointerFieldOffset.AsSpan(PointerStart[id], PointerStart[id + 1] - PointerStart[id]);

    public ReadOnlySpan<ulong> PointersOf(int id) => PointerValue.AsSpan(PointerStart[id], PointerStart[id + 1] - PointerStart[id]);

    /// <summary>
    /// The object whose [Address, Address + Size) contains <paramref name="address"/>, or -1. Interior
    /// pointers (a field of a struct, an element of an array, a pointer past a malloc header) resolve
    /// to the object that contains them.
    /// </summary>
    public int ObjectAt(ulong address)
    {
        var a = Address;
        int lo = 0, hi = a.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (a[mid] <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found >= 0 && address - a[found] < (ulong)Size[found] ? found : -1;
    }
}
