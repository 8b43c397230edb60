using System.Globalization;
using LeakHound.Analysis.HeapDumps;
using LeakHound.Analysis.HeapGraph;
using LeakHound.Core;

namespace LeakHound.Reports.HeapDump;

/// <summary>
/// Why one object is alive: <c>anchors</c> (the roots that reach it), <c>path</c> (a shortest chain
/// of references from a root, with the field offset of each hop) and <c>owners</c> (the objects
/// pointing to it, recursively as a tree).
/// </summary>
public static class HeapRetentionReports
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>An object node as text: address, size, retained size and allocation site when sampled.</summary>
    public static string DescribeObject(HeapDumpGraph g, AllocationSites? sites, int node)
    {
        if (!g.Graph.IsObject(node)) return g.DescribeNode(node);
        string text = string.Create(Inv, $"0x{g.Graph.Address(node):x} ({g.Graph.Size(node)} bytes, retains {g.Dominators.RetainedSize(node)})");
        if (sites?.SiteOf(node) is >= 0 and var s) text += " allocated by " + sites.Function(s);
        return text;
    }

    private static object NodeJson(HeapDumpGraph g, AllocationSites? sites, int node)
    {
        if (!g.Graph.IsObject(node)) return new { root = g.DescribeNode(node), kind = g.Graph.IsRoot(node) ? HeapRootKinds.Name(g.RootKind(g.Graph.RootIndex(node))) : "all roots" };
        int site = sites?.SiteOf(node) ?? -1;
        return new
        {
            address = HeapJson.Hex(g.Graph.Address(node)), size = g.Graph.Size(node), retained = g.Dominators.RetainedSize(node),
            site = site >= 0 ? sites!.Stacks[site] : null,
        };
    }

    public static void WriteAnchors(HeapDumpGraph g, AllocationSites sites, int node, bool json, TextWriter w)
    {
        var anchors = g.Queries.Anchors(node);
        if (json)
        {
            HeapJson.Write(w, new
            {
                @object = NodeJson(g, sites, node),
                anchors = anchors.Select(r => new { kind = HeapRootKinds.Name(g.RootKind(r)), root = g.DescribeRoot(r), slot = HeapJson.Hex(g.RootSlotAddress(r)) }),
            });
            return;
        }
        w.WriteLine("Object " + DescribeObject(g, sites, node));
        if (anchors.Length == 0)
        {
            w.WriteLine("No root reaches it: it is garbage not yet swept, or held only by objects no root reaches.");
            return;
        }
        w.WriteLine(string.Create(Inv, $"Kept alive by {anchors.Length} root{(anchors.Length == 1 ? "" : "s")}:"));
        foreach (int r in anchors) w.WriteLine("  " + g.DescribeRoot(r));
    }

    public static void WritePath(HeapDumpGraph g, AllocationSites sites, int node, bool json, TextWriter w)
    {
        var path = g.Queries.ShortestPath(node);
        if (json)
        {
            HeapJson.Write(w, new
            {
                @object = NodeJson(g, sites, node),
                path = path is null ? null : path.Nodes.Select((v, i) => new { node = NodeJson(g, sites, v), fieldOffset = i < path.FieldOffsets.Length ? path.FieldOffsets[i] : (int?)null }),
            });
            return;
        }
        if (path is null)
        {
            w.WriteLine("Object " + DescribeObject(g, sites, node));
            w.WriteLine("No root reaches it.");
            return;
        }
        w.WriteLine(string.Create(Inv, $"A shortest path from a root to 0x{g.Graph.Address(node):x} ({path.Length} reference{(path.Length == 1 ? "" : "s")}):"));
        WritePathLines(g, sites, path, w, "  ");
    }

    /// <summary>One line per node; each hop says which field of the node before it holds the pointer.</summary>
    public static void WritePathLines(HeapDumpGraph g, AllocationSites? sites, RetentionPath path, TextWriter w, string indent)
    {
        for (int i = 0; i < path.Nodes.Length; i++)
        {
            string via = i == 0 ? "" : path.FieldOffsets[i - 1] >= 0 ? string.Create(Inv, $"-> +{path.FieldOffsets[i - 1]}: ") : "-> ";
            w.WriteLine(indent + via + DescribeObject(g, sites, path.Nodes[i]));
        }
    }

    /// <summary>
    /// The owners of the node, their owners and so on to <paramref name="depth"/> levels (negative:
    /// unlimited); a node already shown is marked and not expanded again, so cycles end.
    /// </summary>
    public static void WriteOwners(HeapDumpGraph g, AllocationSites sites, int node, int depth, bool json, TextWriter w, int maxLines = 10_000)
    {
        var shown = new HashSet<int>();
        int lines = 0;
        object Json(int v, int level)
        {
            bool again = !shown.Add(v);
            var owners = again || (depth >= 0 && level >= depth) || ++lines > maxLines ? [] : Owners(g, v);
            return new
            {
                node = NodeJson(g, sites, v), fieldOffset = (int?)null, shownAbove = again,
                owners = owners.Select(o => new { via = g.Graph.FieldOffset(o, v), owner = Json(o, level + 1) }).ToArray(),
            };
        }
        if (json)
        {
            HeapJson.Write(w, Json(node, 0));
            return;
        }
        w.WriteLine("Object " + DescribeObject(g, sites, node));
        var stack = new Stack<(int Node, int Child, int Level)>();
        foreach (int o in Owners(g, node).Reverse()) stack.Push((o, node, 1));
        shown.Add(node);
        while (stack.Count > 0 && lines < maxLines)
        {
            var (v, child, level) = stack.Pop();
            int offset = g.Graph.FieldOffset(v, child);
            string via = offset >= 0 ? string.Create(Inv, $"+{offset} of ") : "";
            bool again = !shown.Add(v);
            w.WriteLine(new string(' ', 2 * level) + "<- " + via + DescribeObject(g, sites, v) + (again ? " (shown above)" : ""));
            lines++;
            if (again || (depth >= 0 && level >= depth)) continue;
            foreach (int o in Owners(g, v).Reverse()) stack.Push((o, v, level + 1));
        }
        if (stack.Count > 0) w.WriteLine(string.Create(Inv, $"(stopped after {maxLines} lines)"));
    }

    private static int[] Owners(HeapDumpGraph g, int node)
    {
        var list = new GrowableArray<int>(4);
        foreach (int o in g.Graph.Owners(node))
            if (o != ObjectGraph.SuperRoot) list.Add(o);
        return list.ToArray();
    }
}
