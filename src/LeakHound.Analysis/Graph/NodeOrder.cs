namespace LeakHound.Analysis.Graph;

/// <summary>pprof's node orders: by |flat| (or |cum|), then printable name, then the other value, then the whole node info.</summary>
public static class NodeOrder
{
    public static void Sort(int[] nodes, LocationNodes ln, NodeValues v, bool cum)
    {
        var names = new Dictionary<int, string>(nodes.Length);
        string Name(int n)
        {
            if (!names.TryGetValue(n, out var s)) names[n] = s = ln.Infos[n].PrintableName();
            return s;
        }
        Comparison<int> cmp = cum
            ? (a, b) =>
            {
                int c = Math.Abs(v.Cum[b]).CompareTo(Math.Abs(v.Cum[a]));
                if (c != 0) return c;
                c = string.CompareOrdinal(Name(a), Name(b));
                if (c != 0) return c;
                c = Math.Abs(v.Flat[b]).CompareTo(Math.Abs(v.Flat[a]));
                if (c != 0) return c;
                return string.CompareOrdinal(ln.Infos[a].GoSprint(), ln.Infos[b].GoSprint());
            }
            : (a, b) =>
            {
                int c = Math.Abs(v.Flat[b]).CompareTo(Math.Abs(v.Flat[a]));
                if (c != 0) return c;
                c = string.CompareOrdinal(Name(a), Name(b));
                if (c != 0) return c;
                c = Math.Abs(v.Cum[b]).CompareTo(Math.Abs(v.Cum[a]));
                if (c != 0) return c;
                return string.CompareOrdinal(ln.Infos[a].GoSprint(), ln.Infos[b].GoSprint());
            };
        Array.Sort(nodes, cmp);
    }
}
