using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// Finds the object whose [address, address + size) contains a pointer value. Go pointers may point
/// inside an object (a field, an element of an array, a sub-slice), so this is a range search, not an
/// exact match. The address space between the first object's start and the last one's end is cut
/// into equal pages; for each page the index keeps the first object that ends after the page starts,
/// so a lookup binary-searches only the objects of one page instead of all of them.
/// </summary>
public sealed class AddressIndex
{
    private readonly ulong[] _address;
    private readonly long[] _size;
    private readonly ulong _low;
    private readonly ulong _high;
    private readonly int _pageShift;
    // _firstInPage[p]: the first object whose end lies after the start of page p; one extra entry (= N).
    private readonly int[] _firstInPage;

    /// <summary>
    /// Indexes objects whose addresses are strictly ascending and whose ranges do not overlap (the
    /// caller checks that: <see cref="ObjectGraphBuilder"/> does).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AddressIndex(ulong[] address, long[] size)
    {
        _address = address;
        _size = size;
        int n = address.Length;
        if (n == 0)
        {
            _firstInPage = [0];
            return;
        }
        _low = address[0];
        _high = address[n - 1] + (ulong)size[n - 1];
        ulong span = _high - _low;
        // At most about one page per object (and never tiny pages): the table costs no more than
        // the address array itself, and a page holds a handful of objects on a dense heap.
        ulong maxPages = (ulong)Math.Max(n, 4096);
        int shift = 12;
        while (shift < 63 && (span >> shift) >= maxPages) shift++;
        _pageShift = shift;
        int pages = (int)(span >> shift) + 1;
        _firstInPage = new int[pages + 1];
        int obj = 0;
        for (int p = 0; p < pages; p++)
        {
            ulong pageStart = _low + ((ulong)p << shift);
            while (obj < n && address[obj] + (ulong)size[obj] <= pageStart) obj++;
            _firstInPage[p] = obj;
        }
        _firstInPage[pages] = n;
    }

    public int ObjectCount => _address.Length;

    /// <summary>The index of the object containing <paramref name="pointer"/>, or -1.</summary>
    public int Find(ulong pointer)
    {
        if (pointer < _low || pointer >= _high) return -1;
        int page = (int)((pointer - _low) >> _pageShift);
        // Objects that can hold the pointer end after the page starts (index ≥ first of this page)
        // and start at or before it; of the objects that end after the next page starts, only the
        // first can start before that, so the candidates end at the next page's first object.
        int lo = _firstInPage[page];
        int hi = Math.Min(_firstInPage[page + 1], _address.Length - 1);
        var address = _address;
        // The last candidate whose start is ≤ pointer.
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address[mid] <= pointer)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        if (found < 0) return -1;
        return pointer - address[found] < (ulong)_size[found] ? found : -1;
    }
}
