namespace LeakHound.Analysis.Graph;

/// <summary>
/// Edges between nodes (caller → callee) with pprof's weight, residual and inline attributes.
/// Edge ids are dense; a removed edge keeps its id and is marked <see cref="Removed"/>.
/// </summary>
public sealed class EdgeTable
{
    private readonly Dictionary<long, int> _ids = [];
    private readonly List<int> _src = [], _dst = [];
    private readonly List<long> _weight = [], _weightDiv = [];
    private readonly List<bool> _residual = [], _inline = [], _removed = [];

    public int Count => _src.Count;
    public int Src(int e) => _src[e];
    public int Dst(int e) => _dst[e];
    public long Weight(int e) => _weight[e];
    public long WeightDiv(int e) => _weightDiv[e];
    public bool Residual(int e) => _residual[e];
    public bool Inline(int e) => _inline[e];
    public bool Removed(int e) => _removed[e];

    /// <summary>The edge's weight, as a mean when divisors were collected.</summary>
    public long WeightValue(int e) => _weightDiv[e] == 0 ? _weight[e] : _weight[e] / _weightDiv[e];

    public int FindOrAdd(int src, int dst, bool inline)
    {
        long key = PairKey.Of(src, dst);
        if (_ids.TryGetValue(key, out int e)) return e;
        e = _src.Count;
        _ids.Add(key, e);
        _src.Add(src);
        _dst.Add(dst);
        _weight.Add(0);
        _weightDiv.Add(0);
        _residual.Add(false);
        _inline.Add(inline);
        _removed.Add(false);
        return e;
    }

    /// <summary>Adds one sample's weight to an edge, as pprof's AddToEdgeDiv.</summary>
    public void Add(int e, long dw, long w, bool residual, bool inline)
    {
        _weightDiv[e] += dw;
        _weight[e] += w;
        if (residual) _residual[e] = true;
        if (!inline) _inline[e] = false;
    }

    /// <summary>
    /// Adds the edges of a table built over other samples: weights summed, residual if either was,
    /// inline only if both were — as if one table had seen all the samples.
    /// </summary>
    public void AddAll(EdgeTable other)
    {
        for (int e = 0; e < other.Count; e++)
        {
            int mine = FindOrAdd(other._src[e], other._dst[e], other._inline[e]);
            Add(mine, other._weightDiv[e], other._weight[e], other._residual[e], other._inline[e]);
        }
    }

    public void Remove(int e) => _removed[e] = true;

    /// <summary>
    /// Removes live edges into the graph's nodes whose |weight| is below the cutoff; returns how
    /// many were removed. As in pprof, edges into nodes left out of the graph (no value) stay.
    /// </summary>
    public int TrimBelow(long cutoff, bool[] inGraph)
    {
        int dropped = 0;
        for (int e = 0; e < _src.Count; e++)
        {
            if (_removed[e] || !inGraph[_dst[e]]) continue;
            if (Math.Abs(_weight[e]) < cutoff)
            {
                _removed[e] = true;
                dropped++;
            }
        }
        return dropped;
    }
}
