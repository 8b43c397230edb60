using System.Text;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Interns the strings of a heap dump (function, file and type names, wait reasons, root
/// descriptions) straight from the bytes, without making a .NET string per occurrence: a frame's
/// function name is hashed and found again, and only a new one is decoded. Id 0 is "".
/// </summary>
public sealed class HeapDumpStrings
{
    private readonly List<string> _strings = [""];
    private readonly List<byte[]> _bytes = [[]];
    private readonly List<int> _next = [0];
    private int[] _buckets = new int[1024]; // id + 1 of the first entry; 0 = empty
    private readonly int _max;

    internal HeapDumpStrings(int maxEntries)
    {
        _max = maxEntries;
        Link(0, Hash(default));
    }

    public int Count => _strings.Count;

    public string this[int id] => _strings[id];

    /// <summary>The strings by id (the list itself, not a copy).</summary>
    public IReadOnlyList<string> All => _strings;

    internal int Intern(ReadOnlySpan<byte> bytes, HeapDumpStream at)
    {
        if (bytes.IsEmpty) return 0;
        int h = Hash(bytes);
        for (int i = _buckets[h & (_buckets.Length - 1)] - 1; i >= 0; i = _next[i] - 1)
            if (bytes.SequenceEqual(_bytes[i])) return i;
        if (_strings.Count >= _max)
            throw at.Corrupt($"more than {_max} distinct strings (the limit)");
        int id = _strings.Count;
        _strings.Add(Encoding.UTF8.GetString(bytes));
        _bytes.Add(bytes.ToArray());
        _next.Add(0);
        if (_strings.Count > _buckets.Length)
        {
            _buckets = new int[_buckets.Length * 2];
            for (int i = 0; i < _strings.Count; i++) Link(i, Hash(_bytes[i]));
        }
        else
        {
            Link(id, h);
        }
        return id;
    }

    private void Link(int id, int hash)
    {
        int b = hash & (_buckets.Length - 1);
        _next[id] = _buckets[b];
        _buckets[b] = id + 1;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var h = new HashCode();
        h.AddBytes(bytes);
        return h.ToHashCode();
    }

    /// <summary>The strings as an array, for the model; the table's index is dropped.</summary>
    internal string[] ToArray()
    {
        _buckets = [];
        _bytes.Clear();
        return [.. _strings];
    }
}
