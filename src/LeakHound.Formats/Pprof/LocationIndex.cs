namespace LeakHound.Formats.Pprof;

/// <summary>
/// Maps the ids a file gave its locations (or functions, mappings) to dense indices: a flat array
/// when the ids are small and dense, as Go writes them, a dictionary otherwise.
/// </summary>
public sealed class LocationIndex
{
    private readonly int[]? _dense;
    private readonly Dictionary<ulong, int>? _sparse;

    private LocationIndex(int[]? dense, Dictionary<ulong, int>? sparse)
    {
        _dense = dense;
        _sparse = sparse;
    }

    /// <summary>Builds the index; returns the first duplicated id through <paramref name="duplicate"/>, or null.</summary>
    public static LocationIndex Build(ReadOnlySpan<ulong> ids, out ulong? duplicate)
    {
        duplicate = null;
        ulong max = 0;
        foreach (var id in ids) if (id > max) max = id;
        if (max <= (ulong)ids.Length * 4 + 64)
        {
            var dense = new int[max + 1];
            Array.Fill(dense, -1);
            for (int i = 0; i < ids.Length; i++)
            {
                if (dense[ids[i]] >= 0) { duplicate ??= ids[i]; continue; }
                dense[ids[i]] = i;
            }
            return new LocationIndex(dense, null);
        }
        var sparse = new Dictionary<ulong, int>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
            if (!sparse.TryAdd(ids[i], i)) duplicate ??= ids[i];
        return new LocationIndex(null, sparse);
    }

    /// <summary>The dense index of <paramref name="id"/>, or -1 when no entry has it.</summary>
    public int Find(ulong id)
    {
        if (_dense is not null) return id < (ulong)_dense.Length ? _dense[id] : -1;
        return _sparse!.TryGetValue(id, out int i) ? i : -1;
    }
}
