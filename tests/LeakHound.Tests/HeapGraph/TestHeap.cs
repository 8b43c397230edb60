using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Tests.HeapGraph;

/// <summary>
/// Builds <see cref="ObjectGraphInput"/> for tests from object sizes, object-to-object references and
/// root targets: object i is placed at <see cref="Base"/> + i * <see cref="Stride"/>, and each reference
/// becomes a pointer value into its target (at the given interior offset) stored at a field offset.
/// </summary>
public sealed class TestHeap
{
    public const ulong Base = 0xc000010000;
    public const ulong Stride = 0x1000;

    private readonly List<long> _sizes = [];
    private readonly List<List<(ulong Value, int Field)>> _pointers = [];
    private readonly List<ulong> _roots = [];

    public static ulong AddressOf(int obj) => Base + (ulong)obj * Stride;

    /// <summary>Adds objects of these sizes (at most <see cref="Stride"/> each); returns the first one's index.</summary>
    public int Objects(params long[] sizes)
    {
        int first = _sizes.Count;
        foreach (var s in sizes)
        {
            _sizes.Add(s);
            _pointers.Add([]);
        }
        return first;
    }

    /// <summary>A pointer in <paramref name="from"/> at <paramref name="field"/> into <paramref name="to"/> (+ <paramref name="interior"/> bytes).</summary>
    public TestHeap Ref(int from, int to, int field = -1, ulong interior = 0)
    {
        var list = _pointers[from];
        _pointers[from].Add((AddressOf(to) + interior, field < 0 ? 8 * list.Count : field));
        return this;
    }

    /// <summary>A raw pointer value (it may point into no object).</summary>
    public TestHeap RawPointer(int from, ulong value, int field = -1)
    {
        var list = _pointers[from];
        list.Add((value, field < 0 ? 8 * list.Count : field));
        return this;
    }

    /// <summary>Adds a root pointing at <paramref name="obj"/>; returns the root index.</summary>
    public int Root(int obj, ulong interior = 0)
    {
        _roots.Add(AddressOf(obj) + interior);
        return _roots.Count - 1;
    }

    public int RawRoot(ulong value)
    {
        _roots.Add(value);
        return _roots.Count - 1;
    }

    public ObjectGraphInput Input(bool withFieldOffsets = true)
    {
        int n = _sizes.Count;
        var start = new int[n + 1];
        var values = new List<ulong>();
        var fields = new List<int>();
        for (int i = 0; i < n; i++)
        {
            start[i] = values.Count;
            foreach (var (v, f) in _pointers[i])
            {
                values.Add(v);
                fields.Add(f);
            }
        }
        start[n] = values.Count;
        return new ObjectGraphInput
        {
            Address = Enumerable.Range(0, n).Select(AddressOf).ToArray(),
            Size = _sizes.ToArray(),
            PointerStart = start,
            PointerValue = values.ToArray(),
            PointerFieldOffset = withFieldOffsets ? fields.ToArray() : null,
            RootPointer = _roots.ToArray(),
        };
    }

    public ObjectGraph Build(bool withFieldOffsets = true) => ObjectGraphBuilder.Build(Input(withFieldOffsets), "test heap");
}
