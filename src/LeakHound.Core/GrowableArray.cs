namespace LeakHound.Core;

/// <summary>An append-only array of structs that hands out its storage without copying at the end.</summary>
public struct GrowableArray<T>
{
    private T[] _items;
    private int _count;

    public GrowableArray(int capacity)
    {
        _items = capacity == 0 ? [] : new T[capacity];
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly ref T this[int i] => ref _items[i];

    public void Add(T item)
    {
        if (_count == _items.Length) Grow(_count + 1);
        _items[_count++] = item;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        if (_count + items.Length > _items.Length) Grow(_count + items.Length);
        items.CopyTo(_items.AsSpan(_count));
        _count += items.Length;
    }

    public void EnsureCapacity(int capacity)
    {
        if (capacity > (_items?.Length ?? 0)) Grow(capacity);
    }

    public readonly Span<T> AsSpan() => _items.AsSpan(0, _count);

    /// <summary>The items as an exactly sized array (the storage itself when it fits exactly).</summary>
    public T[] ToArray()
    {
        _items ??= [];
        if (_items.Length == _count) return _items;
        Array.Resize(ref _items, _count);
        return _items;
    }

    private void Grow(int needed)
    {
        _items ??= [];
        long size = Math.Max(Math.Max(4, (long)_items.Length * 2), needed);
        if (size > Array.MaxLength) size = Math.Max(needed, Array.MaxLength);
        Array.Resize(ref _items, (int)size);
    }
}
