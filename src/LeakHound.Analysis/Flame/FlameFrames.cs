using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Analysis.Flame;

/// <summary>
/// The distinct frames of a flame graph: one per graph node identity (<see cref="NodeInfo"/>) at the
/// chosen granularity, shared by the profiles of a differential graph. Frame ids are ranks in
/// ordinal order of <see cref="Name"/>, so that children sorted by frame id are sorted by name and
/// the layout of two graphs of the same program lines up.
/// </summary>
public sealed class FlameFrames
{
    private readonly NodeInfo[] _infos;
    private readonly string[] _names;

    private FlameFrames(NodeInfo[] infos, string[] names)
    {
        _infos = infos;
        _names = names;
    }

    public int Count => _infos.Length;

    /// <summary>The graph node identity of a frame.</summary>
    public NodeInfo Info(int frame) => _infos[frame];

    /// <summary>The full name pprof prints for the frame ("net/http.(*conn).serve", with file:line under -lines).</summary>
    public string Name(int frame) => _names[frame];

    /// <summary>The function name alone ("" for a location without symbols): what colours and callers go by.</summary>
    public string Function(int frame) => _infos[frame].Name;

    /// <summary>A short name for a box: the package's directories dropped, the file's too under -lines.</summary>
    public string Label(int frame)
    {
        var info = _infos[frame];
        if (info.Name.Length == 0 || info.Address != 0) return _names[frame];
        string label = GoPackages.ShortName(info.Name);
        if (info.Lineno != 0)
            label += " " + GoPath.Base(info.File) + ":" + info.Lineno.ToString(System.Globalization.CultureInfo.InvariantCulture);
        else if (info.File.Length != 0)
            label += " " + GoPath.Base(info.File);
        return label;
    }

    /// <summary>
    /// The frames of every node of the given location tables, ranked by name; returns, per table,
    /// the frame of each of its nodes.
    /// </summary>
    public static (FlameFrames Frames, int[][] FrameOfNode) Build(IReadOnlyList<LocationNodes> tables)
    {
        var ids = new Dictionary<NodeInfo, int>();
        var infos = new List<NodeInfo>();
        var provisional = new int[tables.Count][];
        for (int t = 0; t < tables.Count; t++)
        {
            var ln = tables[t];
            var map = new int[ln.NodeCount];
            for (int n = 0; n < ln.NodeCount; n++)
            {
                var info = ln.Infos[n];
                if (!ids.TryGetValue(info, out int id))
                {
                    id = infos.Count;
                    infos.Add(info);
                    ids.Add(info, id);
                }
                map[n] = id;
            }
            provisional[t] = map;
        }

        var names = infos.Select(i => i.PrintableName()).ToArray();
        var order = new int[infos.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Ties (equal printed names of different identities) keep their first-seen order.
        Array.Sort(order, (a, b) =>
        {
            int c = string.CompareOrdinal(names[a], names[b]);
            return c != 0 ? c : a.CompareTo(b);
        });
        var rank = new int[order.Length];
        var sortedInfos = new NodeInfo[order.Length];
        var sortedNames = new string[order.Length];
        for (int r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
            sortedInfos[r] = infos[order[r]];
            sortedNames[r] = names[order[r]];
        }
        foreach (var map in provisional)
            for (int n = 0; n < map.Length; n++) map[n] = rank[map[n]];
        return (new FlameFrames(sortedInfos, sortedNames), provisional);
    }
}
