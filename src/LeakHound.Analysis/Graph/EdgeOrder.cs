using LeakHound.Core;

namespace LeakHound.Analysis.Graph;

/// <summary>pprof's edge order: |weight| descending, then source name, then target name.</summary>
public static class EdgeOrder
{
    public static List<int> Sorted(EdgeTable edges, IEnumerable<int> list, Func<int, string> name)
    {
        var sorted = new List<int>(list);
        sorted.Sort((a, b) =>
        {
            if (edges.Weight(a) != edges.Weight(b)) return GoMath.Abs(edges.Weight(b)).CompareTo(GoMath.Abs(edges.Weight(a)));
            int c = string.CompareOrdinal(name(edges.Src(a)), name(edges.Src(b)));
            return c != 0 ? c : string.CompareOrdinal(name(edges.Dst(a)), name(edges.Dst(b)));
        });
        return sorted;
    }
}
