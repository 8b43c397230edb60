using System.Runtime.CompilerServices;
using LeakHound.Core;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// Builds an <see cref="ObjectGraph"/> from objects and roots with raw pointer values: each pointer is
/// resolved to the object whose range contains it (an interior pointer counts), pointers that hit no
/// object are dropped and counted, and repeated pointers from one object to the same object become
/// one edge carrying the first one's field offset. See <see cref="ObjectGraph"/> for the numbering.
/// </summary>
public static class ObjectGraphBuilder
{
    /// <summary>
    /// Checks the input's shape (ascending non-overlapping objects, consistent pointer offsets) and
    /// builds the graph. Bad shape is the dump's fault, so it is reported as an
    /// <see cref="InputException"/> naming <paramref name="source"/>.
    /// </summary>
    public static ObjectGraph Build(ObjectGraphInput input, string source)
    {
        Validate(input, source);
        var index = new AddressIndex(input.Address, input.Size);
        int n = input.ObjectCount, r = input.RootCount;
        int nodeCount = 1 + r + n;
        int pointers = input.PointerStart[n];
        int head = 2 * r; // room for the super-root's and the roots' edges in front of the object edges

        // Resolve every object pointer to an object index (-1: none), in parallel chunks. The array
        // is later compacted in place into the edge targets, which never run ahead of the reads.
        var target = new int[head + pointers];
        var values = input.PointerValue;
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, pointers / 65536));
        Parallel.For(0, chunks, c =>
        {
            int from = (int)((long)pointers * c / chunks), to = (int)((long)pointers * (c + 1) / chunks);
            for (int p = from; p < to; p++) target[head + p] = index.Find(values[p]);
        });

        int[]? fieldOffset = input.PointerFieldOffset is null ? null : new int[head + pointers];
        var edgeStart = new int[nodeCount + 1];
        int w = 0;
        for (int root = 0; root < r; root++) target[w++] = 1 + root;
        edgeStart[1] = w;
        int droppedRoots = 0;
        for (int root = 0; root < r; root++)
        {
            int obj = index.Find(input.RootPointer[root]);
            if (obj >= 0) target[w++] = 1 + r + obj;
            else droppedRoots++;
            edgeStart[2 + root] = w;
        }
        if (fieldOffset is not null) Array.Fill(fieldOffset, -1, 0, w);

        var (dropped, duplicates) = AppendObjectEdges(input, head, target, fieldOffset, edgeStart, ref w);
        return new ObjectGraph(input.Address, input.Size, r, edgeStart, target, fieldOffset, dropped, droppedRoots, duplicates, index);
    }

    /// <summary>
    /// Compacts the resolved object pointers (at target[head..]) into edges from position
    /// <paramref name="w"/> on, folding repeats: lastSource[obj] = 1 + the object that last made an
    /// edge to obj finds them within one object's pointers in one pass, with no per-object set.
    /// Compiled fully optimized at once: it runs once, over every pointer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (long Dropped, long Duplicates) AppendObjectEdges(
        ObjectGraphInput input, int head, int[] target, int[]? fieldOffset, int[] edgeStart, ref int w)
    {
        int n = input.ObjectCount, r = input.RootCount;
        var lastSource = new int[n];
        var starts = input.PointerStart;
        var offsets = input.PointerFieldOffset;
        long dropped = 0, duplicates = 0;
        int write = w;
        for (int obj = 0; obj < n; obj++)
        {
            int mark = obj + 1;
            for (int p = starts[obj], end = starts[obj + 1]; p < end; p++)
            {
                int t = target[head + p];
                if (t < 0) { dropped++; continue; }
                if (lastSource[t] == mark) { duplicates++; continue; }
                lastSource[t] = mark;
                if (fieldOffset is not null) fieldOffset[write] = offsets![p];
                target[write++] = 1 + r + t;
            }
            edgeStart[2 + r + obj] = write;
        }
        w = write;
        return (dropped, duplicates);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Validate(ObjectGraphInput input, string source)
    {
        var address = input.Address;
        var size = input.Size;
        int n = address.Length, r = input.RootCount;
        if (size.Length != n)
            throw new InputException(source, $"object table: {n} addresses but {size.Length} sizes");
        if ((long)n + r + 1 >= Array.MaxLength)
            throw new InputException(source, $"{n} objects and {r} roots are more nodes than one graph can hold");
        if (input.PointerStart.Length != n + 1 || input.PointerStart[0] != 0)
            throw new InputException(source, $"object table: pointer offsets must be {n + 1} entries starting at 0");
        var starts = input.PointerStart;
        for (int i = 0; i < n; i++)
            if (starts[i + 1] < starts[i])
                throw new InputException(source, $"object {i} (0x{address[i]:x}): pointer offsets go backwards");
        int pointers = starts[n];
        if (pointers > input.PointerValue.Length)
            throw new InputException(source, $"object table: {pointers} pointers but {input.PointerValue.Length} pointer values");
        if (input.PointerFieldOffset is { } fo && fo.Length < pointers)
            throw new InputException(source, $"object table: {pointers} pointers but {fo.Length} field offsets");
        if ((long)pointers + 2L * r >= Array.MaxLength)
            throw new InputException(source, $"{pointers} pointers and {r} roots are more edges than one graph can hold");
        for (int i = 0; i < n; i++)
        {
            if (size[i] < 0)
                throw new InputException(source, $"object {i} at 0x{address[i]:x} has a negative size {size[i]}");
            ulong end = address[i] + (ulong)size[i];
            if (end < address[i])
                throw new InputException(source, $"object {i} at 0x{address[i]:x} of {size[i]} bytes runs past the end of the address space");
            if (i + 1 == n) break;
            if (address[i + 1] <= address[i])
                throw new InputException(source, $"objects are not in ascending address order: 0x{address[i + 1]:x} follows 0x{address[i]:x}");
            if (address[i + 1] < end)
                throw new InputException(source, $"object at 0x{address[i + 1]:x} overlaps the one at 0x{address[i]:x} of {size[i]} bytes");
        }
    }
}
