using System.Runtime.CompilerServices;

namespace LeakHound.Analysis.HeapGraph;

/// <summary>
/// A heap's object graph over dense node ids, in compressed adjacency (one flat target array plus
/// per-node offsets), built by <see cref="ObjectGraphBuilder"/>.
/// <para>
/// Node numbering: node 0 is a virtual super-root whose children are all the roots; nodes
/// 1..R are the roots in input order (root r is node 1 + r); nodes R+1..R+N are the objects in
/// address order (object i is node R + 1 + i). So node ids grow from the super-root through the
/// roots to the objects, and <see cref="RootNode"/>, <see cref="ObjectNode"/>,
/// <see cref="RootIndex"/> and <see cref="ObjectIndex"/> convert between them.
/// </para>
/// <para>
/// Edges: super-root → every root; root → the object its pointer points into (none when it points
/// into no object); object → each distinct object its pointers point into, in the order of the first
/// pointer to each, with that first pointer's field offset. Several pointers from one object to the
/// same object make one edge (the graph's questions — who keeps what alive — do not depend on how
/// many); self-pointers are kept. Edges out of the super-root and the roots have field offset -1.
/// </para>
/// The reverse edges (<see cref="Owners"/>) are built on first use and kept.
/// </summary>
public sealed class ObjectGraph
{
    public const int SuperRoot = 0;

    private readonly int[] _edgeStart;
    private readonly int[] _edgeTarget;
    private readonly int[]? _edgeFieldOffset;
    private int[]? _ownerStart;
    private int[]? _owner;
    private readonly AddressIndex _addressIndex;

    internal ObjectGraph(
        ulong[] address, long[] size, int rootCount, int[] edgeStart, int[] edgeTarget, int[]? edgeFieldOffset,
        long droppedPointers, int droppedRootPointers, long duplicatePointers, AddressIndex addressIndex)
    {
        Addresses = address;
        Sizes = size;
        RootCount = rootCount;
        _edgeStart = edgeStart;
        _edgeTarget = edgeTarget;
        _edgeFieldOffset = edgeFieldOffset;
        DroppedPointers = droppedPointers;
        DroppedRootPointers = droppedRootPointers;
        DuplicatePointers = duplicatePointers;
        _addressIndex = addressIndex;
    }

    public int RootCount { get; }
    public int ObjectCount => Addresses.Length;
    public int NodeCount => 1 + RootCount + ObjectCount;
    public int EdgeCount => _edgeStart[NodeCount];

    /// <summary>Object addresses by object index (ascending).</summary>
    public ulong[] Addresses { get; }

    /// <summary>Object sizes in bytes by object index.</summary>
    public long[] Sizes { get; }

    /// <summary>Object pointers that pointed into no object (into globals, stacks, freed memory, or garbage words).</summary>
    public long DroppedPointers { get; }

    /// <summary>Roots whose pointer pointed into no object (they have no edge).</summary>
    public int DroppedRootPointers { get; }

    /// <summary>Object pointers folded into an earlier edge from the same object to the same object.</summary>
    public long DuplicatePointers { get; }

    /// <summary>Whether the edges carry field offsets (the input had them).</summary>
    public bool HasFieldOffsets => _edgeFieldOffset is not null;

    public int RootNode(int root) => 1 + root;
    public int ObjectNode(int obj) => 1 + RootCount + obj;
    public bool IsRoot(int node) => node >= 1 && node <= RootCount;
    public bool IsObject(int node) => node > RootCount && node < NodeCount;

    /// <summary>The root index of a root node, or -1 for any other node.</summary>
    public int RootIndex(int node) => IsRoot(node) ? node - 1 : -1;

    /// <summary>The object index of an object node, or -1 for any other node.</summary>
    public int ObjectIndex(int node) => IsObject(node) ? node - 1 - RootCount : -1;

    /// <summary>The object's address; 0 for the super-root and the roots.</summary>
    public ulong Address(int node) => IsObject(node) ? Addresses[node - 1 - RootCount] : 0;

    /// <summary>The object's size; 0 for the super-root and the roots.</summary>
    public long Size(int node) => IsObject(node) ? Sizes[node - 1 - RootCount] : 0;

    /// <summary>The nodes this node points to.</summary>
    public ReadOnlySpan<int> Children(int node) =>
        _edgeTarget.AsSpan(_edgeStart[node], _edgeStart[node + 1] - _edgeStart[node]);

    /// <summary>Parallel to <see cref="Children"/>: the offset in this node of each pointer, -1 when unknown.</summary>
    public ReadOnlySpan<int> ChildFieldOffsets(int node)
    {
        int start = _edgeStart[node], count = _edgeStart[node + 1] - start;
        if (_edgeFieldOffset is not null && IsObject(node)) return _edgeFieldOffset.AsSpan(start, count);
        return MinusOnes(count);
    }

    /// <summary>The field offset of the edge <paramref name="from"/> → <paramref name="to"/>; -1 when unknown or there is no such edge.</summary>
    public int FieldOffset(int from, int to)
    {
        if (_edgeFieldOffset is null || !IsObject(from)) return -1;
        for (int e = _edgeStart[from], end = _edgeStart[from + 1]; e < end; e++)
            if (_edgeTarget[e] == to) return _edgeFieldOffset[e];
        return -1;
    }

    /// <summary>The object node whose range contains <paramref name="address"/>, or -1.</summary>
    public int FindObject(ulong address)
    {
        int obj = _addressIndex.Find(address);
        return obj < 0 ? -1 : ObjectNode(obj);
    }

    /// <summary>The nodes with an edge to this node (the super-root owns every root); reverse edges are built on first use.</summary>
    public ReadOnlySpan<int> Owners(int node)
    {
        var start = OwnerStart;
        return _owner!.AsSpan(start[node], start[node + 1] - start[node]);
    }

    internal int[] OwnerStart
    {
        get
        {
            if (_ownerStart is null) BuildOwners();
            return _ownerStart!;
        }
    }

    internal int[] OwnerArray
    {
        get
        {
            if (_ownerStart is null) BuildOwners();
            return _owner!;
        }
    }

    internal int[] EdgeStart => _edgeStart;
    internal int[] EdgeTarget => _edgeTarget;

    private static readonly int[] s_minusOnes = CreateMinusOnes(256);
    private static int[] CreateMinusOnes(int n)
    {
        var a = new int[n];
        Array.Fill(a, -1);
        return a;
    }

    private static ReadOnlySpan<int> MinusOnes(int count) =>
        count <= s_minusOnes.Length ? s_minusOnes.AsSpan(0, count) : CreateMinusOnes(count);

    private readonly object _ownersLock = new();

    /// <summary>
    /// Reverse CSR by counting; the owners of each node appear in ascending node order. The offsets
    /// array doubles as the fill cursor (each slot ends one bucket on, then all shift back by one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildOwners()
    {
        lock (_ownersLock)
        {
            if (_ownerStart is not null) return;
            int n = NodeCount, m = EdgeCount;
            var start = new int[n + 1];
            var target = _edgeTarget;
            for (int e = 0; e < m; e++) start[target[e] + 1]++;
            for (int v = 0; v < n; v++) start[v + 1] += start[v];
            var owner = new int[m];
            var edgeStart = _edgeStart;
            for (int u = 0; u < n; u++)
                for (int e = edgeStart[u], end = edgeStart[u + 1]; e < end; e++)
                    owner[start[target[e]]++] = u;
            for (int v = n; v > 0; v--) start[v] = start[v - 1];
            start[0] = 0;
            _owner = owner;
            Volatile.Write(ref _ownerStart, start);
        }
    }
}
