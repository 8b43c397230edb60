using System.Globalization;
using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Text;

/// <summary>
/// The call graph in callgrind's format (for KCachegrind), as <c>go tool pprof -callgrind</c>: every
/// node (address granularity, untrimmed) in report order with its flat value, then its calls with
/// their weights, in the output unit; names and files compressed as "(N) name" then "(N)",
/// addresses given relative to the previous node's when that is shorter. With -call_tree, the
/// nodes are the call tree's (<see cref="CallTree"/>): a node per call path.
/// </summary>
public static class CallgrindReport
{
    public static void Write(Report rpt, TextWriter w)
    {
        var o = rpt.Options;
        // pprof keeps the binary's name on every node of this report (its "ob=" lines).
        var ln = LocationNodes.Build(rpt.Profile, o.Granularity, o.NoInlines, keepObjectNames: true);
        var graphOptions = rpt.GraphOptions(EdgeScope.All) with { NodeFraction = 0, EdgeFraction = 0, NodeCount = 0 };
        CallTree? tree = o.CallTree ? CallTree.Build(rpt.Profile, ln, rpt.ValueIndex, rpt.MeanIndex) : null;
        var g = tree is not null ? CallTreeGraph.Build(tree, graphOptions) : TrimmedGraph.Build(rpt.Profile, ln, graphOptions);
        var infos = g.Nodes.Infos; // the tree's nodes with -call_tree
        rpt.SelectOutputUnit(g, integersOnly: true); // callgrind values are integers
        var names = DisambiguatedNames(g, tree);
        var (_, outOf) = TreeReport.EdgesByNode(g);
        var printable = new Dictionary<int, string>();
        string Printable(int n)
        {
            if (!printable.TryGetValue(n, out var s)) printable[n] = s = infos[n].PrintableName();
            return s;
        }

        w.Write("positions: instr line\n");
        w.Write($"events: {rpt.SampleType}({rpt.OutputUnit})\n");
        var objfiles = new Dictionary<string, int>(StringComparer.Ordinal);
        var files = new Dictionary<string, int>(StringComparer.Ordinal);
        var functions = new Dictionary<string, int>(StringComparer.Ordinal);
        NodeInfo? prev = null;
        foreach (int n in g.Order)
        {
            var info = infos[n];
            if (prev is not { } p || info.Objfile != p.Objfile || info.File != p.File || info.Name != p.Name)
            {
                w.Write('\n');
                w.Write("ob=" + Compressed(objfiles, info.Objfile) + "\n");
                w.Write("fl=" + Compressed(files, info.File) + "\n");
                w.Write("fn=" + Compressed(functions, info.Name) + "\n");
            }
            w.Write($"{Address(prev, info.Address)} {info.Lineno.ToString(CultureInfo.InvariantCulture)} {Scaled(rpt, g.Values.FlatValue(n))}\n");
            foreach (int e in TreeReport.Sorted(g.Edges!, outOf[n], Printable))
            {
                var callee = infos[g.Edges!.Dst(e)];
                w.Write("cfl=" + Compressed(files, callee.File) + "\n");
                // A callee outside the graph (see TreeReport.EdgesByNode) has no name here, as in pprof.
                w.Write("cfn=" + Compressed(functions, names.GetValueOrDefault(g.Edges.Dst(e), "")) + "\n");
                w.Write($"calls=0 {Address(prev, callee.Address)} {callee.Lineno.ToString(CultureInfo.InvariantCulture)}\n");
                w.Write($"* * {Scaled(rpt, g.Edges.Weight(e))}\n");
            }
            prev = info;
        }
    }

    private static string Scaled(Report rpt, long v) =>
        ((long)Measurement.Scale(v, rpt.SampleUnit, rpt.OutputUnit).Value).ToString(CultureInfo.InvariantCulture);

    /// <summary>"(N) name" the first time a name is seen, "(N)" after; "" stays "".</summary>
    private static string Compressed(Dictionary<string, int> ids, string name)
    {
        if (name.Length == 0) return "";
        if (ids.TryGetValue(name, out int id)) return $"({id.ToString(CultureInfo.InvariantCulture)})";
        id = ids.Count + 1;
        ids[name] = id;
        return $"({id.ToString(CultureInfo.InvariantCulture)}) {name}";
    }

    /// <summary>The address relative to the previous node's ("*" when equal, "+N"/"-N" when shorter), else absolute hex.</summary>
    private static string Address(NodeInfo? prev, ulong current)
    {
        string abs = "0x" + current.ToString("x", CultureInfo.InvariantCulture);
        if (prev is not { } p) return abs;
        if (p.Address == current) return "*";
        long diff = unchecked((long)(current - p.Address));
        string relative = (diff >= 0 ? "+" : "") + diff.ToString(CultureInfo.InvariantCulture);
        return relative.Length < abs.Length ? relative : abs;
    }

    /// <summary>
    /// Callgrind merges functions with the same file and name; nodes of different functions (pprof's
    /// Node.Function: the node's info without address and line; in a call tree, that under the
    /// node's caller) under one name get " [i/n]", numbered in report order.
    /// </summary>
    private static Dictionary<int, string> DisambiguatedNames(TrimmedGraph g, CallTree? tree)
    {
        var infos = g.Nodes.Infos;
        var byName = new Dictionary<(string File, string Name), Dictionary<(int Caller, NodeInfo Info), int>>();
        (int, NodeInfo) Function(int n) => (tree is null ? -1 : tree.Parent[n], infos[n] with { Address = 0, Lineno = 0 });
        foreach (int n in g.Order)
        {
            var key = (infos[n].File, infos[n].Name);
            if (!byName.TryGetValue(key, out var functions)) byName[key] = functions = [];
            functions.TryAdd(Function(n), functions.Count);
        }
        var names = new Dictionary<int, string>();
        foreach (int n in g.Order)
        {
            var functions = byName[(infos[n].File, infos[n].Name)];
            names[n] = functions.Count > 1 ? $"{infos[n].Name} [{functions[Function(n)] + 1}/{functions.Count}]" : infos[n].Name;
        }
        return names;
    }
}
