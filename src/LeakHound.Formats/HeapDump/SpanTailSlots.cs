namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Finds the object records of a Go 1.22+ dump that are not objects. From Go 1.22 a span of small
/// objects with pointers (slots of at most 512 bytes on 64-bit) keeps its pointer bitmap in its last
/// page-size/64 bytes, and has correspondingly fewer slots; the dump writer still walks
/// page-size/slot-size slots, and the ones over the bitmap are not free, so it writes them as
/// objects. Such a slot is recognised by its place alone: a one-page span (every small size class
/// uses one 8 KiB page) whose slot reaches into the last page-size/(8 × pointer size) bytes, in a span
/// whose objects have pointers. A span with pointers is told from a noscan one by its other slots:
/// every live object of a scan span has at least one pointer field.
/// </summary>
internal static class SpanTailSlots
{
    private const long PageSize = 8192;

    /// <summary>Marks span tail slots; <paramref name="address"/> must be sorted.</summary>
    public static bool[] Find(HeapDumpParams p, ulong[] address, long[] size, int[] pointerStart)
    {
        var tail = new bool[address.Length];
        if (!p.HasMallocHeaders) return tail;
        long maxSmall = (long)p.PointerSize * 8 * p.PointerSize;
        long bitmapBytes = PageSize / p.PointerSize / 8;
        int i = 0;
        while (i < address.Length)
        {
            ulong page = address[i] & ~(ulong)(PageSize - 1);
            int end = i + 1;
            while (end < address.Length && address[end] < page + PageSize) end++;
            MarkPage(tail, page, i, end, address, size, pointerStart, maxSmall, bitmapBytes);
            i = end;
        }
        return tail;
    }

    private static void MarkPage(bool[] tail, ulong page, int from, int to, ulong[] address, long[] size, int[] pointerStart,
        long maxSmall, long bitmapBytes)
    {
        long slot = size[from];
        if (slot <= 0 || slot > maxSmall) return;
        bool scan = false, anyTail = false;
        for (int k = from; k < to; k++)
        {
            long offset = (long)(address[k] - page);
            if (size[k] != slot || offset % slot != 0) return; // not one small-object span: leave the page alone
            bool inBitmap = offset + slot > PageSize - bitmapBytes;
            anyTail |= inBitmap;
            if (!inBitmap && pointerStart[k + 1] > pointerStart[k]) scan = true;
        }
        if (!scan || !anyTail) return;
        for (int k = from; k < to; k++)
            if ((long)(address[k] - page) + slot > PageSize - bitmapBytes) tail[k] = true;
    }
}
