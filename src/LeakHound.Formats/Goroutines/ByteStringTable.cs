using System.Runtime.CompilerServices;
using System.Text;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// Interns byte strings without making a .NET string per occurrence: an entry is a range of the
/// input (or of a small side arena for text that had to be decoded, like quoted labels), found
/// again by hash and byte comparison. Strings are made once per distinct entry, at the end.
/// Id 0 is always "".
/// </summary>
internal sealed class ByteStringTable
{
    private struct Entry
    {
        public int Offset; // into the input, or ~offset into the arena when negative
        public int Length;
        public int Next;
    }

    private readonly byte[] _input;
    private byte[] _arena = new byte[256];
    private int _arenaLength;
    private Entry[] _entries;
    private int[] _buckets; // entry index + 1; 0 = empty; chains stay short at a load of at most 1
    private int _count;

    public ByteStringTable(byte[] input, int capacityHint)
    {
        _input = input;
        int size = 1024;
        while (size < capacityHint && size < (1 << 28)) size <<= 1;
        _buckets = new int[size];
        _entries = new Entry[Math.Max(16, capacityHint)];
        _entries[0] = new Entry { Offset = 0, Length = 0, Next = 0 };
        _count = 1;
        Link(0, Hash(default));
    }

    public int Count => _count;

    /// <summary>The id of input[start..start+length].</summary>
    public int Intern(int start, int length)
    {
        if (length == 0) return 0;
        var bytes = new ReadOnlySpan<byte>(_input, start, length);
        int h = Hash(bytes);
        int found = Find(bytes, h);
        return found >= 0 ? found : Add(start, length, h);
    }

    /// <summary>The id of a string that is not a range of the input.</summary>
    public int Intern(string s)
    {
        if (s.Length == 0) return 0;
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (_arenaLength + max > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + max));
        int n = Encoding.UTF8.GetBytes(s, _arena.AsSpan(_arenaLength));
        var bytes = new ReadOnlySpan<byte>(_arena, _arenaLength, n);
        int h = Hash(bytes);
        int found = Find(bytes, h);
        if (found >= 0) return found;
        int id = Add(~_arenaLength, n, h);
        _arenaLength += n;
        return id;
    }

    /// <summary>The strings by id. The table cannot be used afterwards (its index is dropped first, to lower the peak).</summary>
    public string[] ToStrings()
    {
        _buckets = [];
        var strings = new string[_count];
        for (int i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            strings[i] = e.Length == 0 ? "" : Encoding.UTF8.GetString(Bytes(in e));
        }
        return strings;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var h = new HashCode();
        h.AddBytes(bytes);
        return h.ToHashCode();
    }

    private ReadOnlySpan<byte> Bytes(in Entry e) =>
        e.Offset >= 0 ? new ReadOnlySpan<byte>(_input, e.Offset, e.Length) : new ReadOnlySpan<byte>(_arena, ~e.Offset, e.Length);

    private int Find(ReadOnlySpan<byte> bytes, int h)
    {
        int i = _buckets[h & (_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref var e = ref _entries[i];
            if (e.Length == bytes.Length && Bytes(in e).SequenceEqual(bytes)) return i;
            i = e.Next - 1;
        }
        return -1;
    }

    private int Add(int offset, int length, int h)
    {
        if (_count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        int id = _count++;
        _entries[id] = new Entry { Offset = offset, Length = length };
        if (_count > _buckets.Length && _buckets.Length < (1 << 30)) Rehash();
        else Link(id, h);
        return id;
    }

    private void Link(int id, int hash)
    {
        ref var e = ref _entries[id];
        int b = hash & (_buckets.Length - 1);
        e.Next = _buckets[b];
        _buckets[b] = id + 1;
    }

    /// <summary>Doubles the index; hashes are recomputed (entries do not keep them, to stay small).</summary>
    private void Rehash()
    {
        _buckets = new int[_buckets.Length * 2];
        for (int i = 0; i < _count; i++) Link(i, Hash(Bytes(in _entries[i])));
    }
}
