namespace LeakHound.Formats.HeapDump;

/// <summary>
/// An append-only column stored in fixed chunks, for the builder's big columns (objects, pointer
/// fields, frames): growing never copies, and at most one chunk is unused, where a doubling array
/// would hold up to twice the data plus its previous copy while it grows.
/// </summary>
internal sealed class ChunkedColumn<T>
{
    private const int Shift = 14;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private readonly List<T[]> _chunks = [];
    private int _count;

    public int Count => _count;

    public void Add(T value)
    {
        int c = _count >> Shift;
        if (c == _chunks.Count) _chunks.Add(new T[ChunkSize]);
        _chunks[c][_count & Mask] = value;
        _count++;
    }

    public void AddRange(ReadOnlySpan<T> values)
    {
        while (!values.IsEmpty)
        {
            int c = _count >> Shift;
            if (c == _chunks.Count) _chunks.Add(new T[ChunkSize]);
            int room = ChunkSize - (_count & Mask);
            int n = Math.Min(room, values.Length);
            values[..n].CopyTo(_chunks[c].AsSpan(_count & Mask));
            _count += n;
            values = values[n..];
        }
    }

    public T this[int i] => _chunks[i >> Shift][i & Mask];

    /// <summary>Copies [from, from + count) into <paramref name="destination"/>.</summary>
    public void CopyTo(int from, int count, Span<T> destination)
    {
        while (count > 0)
        {
            int n = Math.Min(count, ChunkSize - (from & Mask));
            _chunks[from >> Shift].AsSpan(from & Mask, n).CopyTo(destination);
            destination = destination[n..];
            from += n;
            count -= n;
        }
    }

    /// <summary>The column as one exactly sized array; the chunks are dropped as they are copied.</summary>
    public T[] ToArray()
    {
        var result = new T[_count];
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = Math.Min(ChunkSize, _count - (c << Shift));
            _chunks[c].AsSpan(0, n).CopyTo(result.AsSpan(c << Shift));
            _chunks[c] = [];
        }
        Clear();
        return result;
    }

    /// <summary>The values in the given order (result[i] = this[order[i]]).</summary>
    public T[] Permute(int[] order)
    {
        var result = new T[order.Length];
        for (int i = 0; i < order.Length; i++) result[i] = this[order[i]];
        Clear();
        return result;
    }

    public void Clear()
    {
        _chunks.Clear();
        _count = 0;
    }
}
