using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using LeakHound.Analysis.HeapDumps;
using LeakHound.Analysis.HeapGraph;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Reports.HeapDump;

/// <summary>
/// Views of a heap dump's object graph: the summary's graph section (reachable bytes, roots by
/// kind, top retainers), the dominator tree (as Eclipse MAT shows it), the retaining subgraph as
/// DOT, an object's bytes with its pointer slots, and <c>find</c>'s matches.
/// </summary>
public static class HeapGraphViews
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string Bytes(long n) => Measurement.Label(n, "bytes");

    private readonly record struct KindTotals(int Roots, long Retained);

    private static KindTotals[] RootsByKind(HeapDumpGraph g)
    {
        var totals = new KindTotals[HeapRootKinds.All.Length];
        for (int r = 0; r < g.Graph.RootCount; r++)
        {
            ref var t = ref totals[(int)g.RootKind(r)];
            t = new KindTotals(t.Roots + 1, t.Retained + g.Dominators.RetainedSize(g.Graph.RootNode(r)));
        }
        return totals;
    }

    public static void WriteSummary(HeapDumpGraph g, TextWriter w)
    {
        var d = g.Dominators;
        w.WriteLine();
        w.WriteLine(string.Create(Inv, $"Reachable from roots: {d.ReachableObjectCount} objects, {Bytes(d.ReachableSize)} ({d.ReachableSize} bytes)"));
        w.WriteLine(string.Create(Inv, $"Unreachable:          {d.UnreachableObjectCount} objects, {Bytes(d.UnreachableSize)} ({d.UnreachableSize} bytes): garbage not yet swept, or cycles no root reaches"));
        w.WriteLine();
        w.WriteLine("Roots by kind (retained: what only roots of that kind, one by one, keep alive):");
        var totals = RootsByKind(g);
        foreach (var kind in HeapRootKinds.All)
        {
            var t = totals[(int)kind];
            if (t.Roots > 0) w.WriteLine(string.Create(Inv, $"  {HeapRootKinds.Name(kind),-26} {t.Roots,9} roots {t.Retained,14} bytes retained"));
        }
        w.WriteLine();
        w.WriteLine("Largest objects by retained size:");
        w.WriteLine(string.Create(Inv, $"  {"retained",14} {"% reach",8} {"size",10}  object"));
        foreach (int v in d.TopRetainers(10))
            w.WriteLine(string.Create(Inv, $"  {d.RetainedSize(v),14} {Measurement.Percentage(d.RetainedSize(v), d.ReachableSize),8} {g.Graph.Size(v),10}  0x{g.Graph.Address(v):x}"));
    }

    public static void WriteSummaryJson(HeapDumpGraph g, TextWriter w)
    {
        var d = g.Dominators;
        var totals = RootsByKind(g);
        HeapJson.Write(w, new
        {
            source = g.Dump.Source, version = g.Dump.Params.Version,
            objects = g.Graph.ObjectCount, objectBytes = g.Graph.Sizes.Sum(),
            reachableObjects = d.ReachableObjectCount, reachableBytes = d.ReachableSize,
            unreachableObjects = d.UnreachableObjectCount, unreachableBytes = d.UnreachableSize,
            rootsByKind = HeapRootKinds.All.Where(k => totals[(int)k].Roots > 0)
                .Select(k => new { kind = HeapRootKinds.Name(k), roots = totals[(int)k].Roots, retained = totals[(int)k].Retained }),
            topRetainers = d.TopRetainers(10).Select(v => new { address = HeapJson.Hex(g.Graph.Address(v)), size = g.Graph.Size(v), retained = d.RetainedSize(v) }),
        });
    }

    /// <summary>
    /// MAT's dominator tree: the objects no other object dominates (their immediate dominator is a
    /// root or all roots together), largest first, each expanded while a child retains at least 1%
    /// of the reachable heap (at most 5 children a level, 4 levels).
    /// </summary>
    public static void WriteDominators(HeapDumpGraph g, AllocationSites sites, int top, bool json, TextWriter w)
    {
        var d = g.Dominators;
        long total = d.ReachableSize;
        long expand = Math.Max(1, total / 100);
        var topLevel = new List<int>();
        var stack = new Stack<int>();
        stack.Push(ObjectGraph.SuperRoot);
        while (stack.Count > 0)
            foreach (int c in d.Children(stack.Pop()))
                if (g.Graph.IsObject(c)) topLevel.Add(c);
                else stack.Push(c);
        topLevel.Sort((a, b) => d.RetainedSize(b).CompareTo(d.RetainedSize(a)) is var k && k != 0 ? k : a.CompareTo(b));
        var shown = topLevel.Take(Math.Max(0, top)).ToArray();
        string Dominator(int v) => d.ImmediateDominator(v) == ObjectGraph.SuperRoot ? "several roots" : g.DescribeNode(d.ImmediateDominator(v));
        object Json(int v, int level) => new
        {
            address = HeapJson.Hex(g.Graph.Address(v)), size = g.Graph.Size(v), retained = d.RetainedSize(v),
            share = total == 0 ? 0 : (double)d.RetainedSize(v) / total,
            site = sites.SiteOf(v) is >= 0 and var s ? sites.Function(s) : null,
            children = level >= 4 ? [] : d.Children(v).ToArray().Take(5).Where(c => d.RetainedSize(c) >= expand).Select(c => Json(c, level + 1)).ToArray(),
        };
        if (json)
        {
            HeapJson.Write(w, new
            {
                reachableBytes = total, topLevelObjects = topLevel.Count,
                dominators = shown.Select(v => new { dominatedBy = Dominator(v), tree = Json(v, 0) }),
            });
            return;
        }
        w.WriteLine(string.Create(Inv, $"Dominator tree: {topLevel.Count} top-level objects, {Bytes(total)} reachable; the largest {shown.Length}:"));
        w.WriteLine(string.Create(Inv, $"  {"retained",14} {"%",7} {"shallow",10}  object"));
        void Line(int v, int level)
        {
            string site = sites.SiteOf(v) is >= 0 and var s ? " " + sites.Function(s) : "";
            string by = level == 0 ? "  <- " + Dominator(v) : "";
            w.WriteLine(string.Create(Inv, $"  {d.RetainedSize(v),14} {Measurement.Percentage(d.RetainedSize(v), total),7} {g.Graph.Size(v),10}  {new string(' ', 2 * level)}0x{g.Graph.Address(v):x}{site}{by}"));
            if (level >= 4) return;
            foreach (int c in d.Children(v).ToArray().Take(5))
                if (d.RetainedSize(c) >= expand) Line(c, level + 1);
        }
        foreach (int v in shown) Line(v, 0);
    }

    /// <summary>The retaining subgraph of a node as DOT: roots as boxes, objects with finalizers filled, the node itself bold.</summary>
    public static void WriteDot(HeapDumpGraph g, AllocationSites sites, int node, TextWriter w)
    {
        var sub = g.Queries.RetainingSubgraphOf(node);
        var finalized = new HashSet<int>();
        foreach (var f in g.Dump.Finalizers)
            if (g.NodeAt(f.Object) is >= 0 and var v) finalized.Add(v);
        w.WriteLine(string.Create(Inv, $"digraph \"retainers of 0x{g.Graph.Address(node):x}\" {{"));
        w.WriteLine("  node [fontname=\"Helvetica\" fontsize=10];");
        foreach (int v in sub.Nodes)
        {
            string label = g.Graph.IsObject(v)
                ? string.Create(Inv, $"0x{g.Graph.Address(v):x}\\n{g.Graph.Size(v)} B, retains {g.Dominators.RetainedSize(v)} B") +
                  (sites.SiteOf(v) is >= 0 and var s ? "\\n" + Escape(sites.Function(s)) : "")
                : Escape(g.DescribeNode(v));
            var attrs = new StringBuilder(string.Create(Inv, $"label=\"{label}\""));
            if (g.Graph.IsRoot(v)) attrs.Append(" shape=box");
            if (finalized.Contains(v)) attrs.Append(" style=filled fillcolor=\"#f4b183\" tooltip=\"has a finalizer\"");
            if (v == node) attrs.Append(" penwidth=3");
            w.WriteLine(string.Create(Inv, $"  n{v} [{attrs}];"));
        }
        for (int e = 0; e < sub.EdgeCount; e++)
        {
            string label = sub.EdgeFieldOffset[e] >= 0 ? string.Create(Inv, $" [label=\"+{sub.EdgeFieldOffset[e]}\"]") : "";
            w.WriteLine(string.Create(Inv, $"  n{sub.EdgeFrom[e]} -> n{sub.EdgeTo[e]}{label};"));
        }
        w.WriteLine("}");
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>The object's bytes, 16 a line, then each pointer slot with the object (and offset) it points into.</summary>
    public static void WriteHexdump(HeapDumpGraph g, int node, bool json, TextWriter w, Limits limits)
    {
        var dump = g.Dump;
        int obj = g.DumpObject(node);
        long size = dump.Objects.Size[obj];
        if (size > limits.MaxHeapDumpRecordBytes)
            throw new InputException(dump.Source, $"object 0x{dump.Objects.Address[obj]:x} of {size} bytes is over the record limit");
        var bytes = HeapDumpContentReader.Read(dump.Source, [(dump.Objects.ContentOffset[obj], (int)size)], limits)[0];
        var offsets = dump.Objects.FieldOffsetsOf(obj).ToArray();
        var values = dump.Objects.PointersOf(obj).ToArray();
        string Target(ulong value) => g.NodeAt(value) is >= 0 and var t
            ? string.Create(Inv, $"0x{g.Graph.Address(t):x}+{value - g.Graph.Address(t)}") : "";
        ulong start = dump.Objects.Address[obj];
        if (json)
        {
            HeapJson.Write(w, new
            {
                address = HeapJson.Hex(start), size, bytes = Convert.ToHexStringLower(bytes),
                pointers = offsets.Select((o, k) => new { offset = o, value = HeapJson.Hex(values[k]), target = Target(values[k]) is { Length: > 0 } t ? t : null }),
            });
            return;
        }
        w.WriteLine(string.Create(Inv, $"Object 0x{start:x}, {size} bytes, {offsets.Length} pointer slots (* marks a slot's first byte):"));
        var slot = new HashSet<int>(offsets);
        for (int line = 0; line < bytes.Length; line += 16)
        {
            var sb = new StringBuilder(string.Create(Inv, $"  {line:x6}"));
            for (int k = line; k < line + 16; k++)
            {
                sb.Append(slot.Contains(k) ? '*' : ' ');
                sb.Append(k < bytes.Length ? bytes[k].ToString("x2", Inv) : "  ");
            }
            sb.Append("  ");
            for (int k = line; k < Math.Min(line + 16, bytes.Length); k++) sb.Append(bytes[k] is >= 0x20 and < 0x7f ? (char)bytes[k] : '.');
            w.WriteLine(sb.ToString());
        }
        if (offsets.Length == 0) return;
        w.WriteLine("Pointer slots:");
        for (int k = 0; k < offsets.Length; k++)
        {
            string target = Target(values[k]);
            w.WriteLine(string.Create(Inv, $"  +{offsets[k],-6} 0x{values[k]:x}{(target.Length > 0 ? " -> object " + target : values[k] == 0 ? " (nil)" : " (not into an object)")}"));
        }
    }

    public static void WriteFind(HeapDumpGraph g, AllocationSites sites, ObjectFinder.Query q, bool json, TextWriter w, Limits limits, int max = 1000)
    {
        var found = ObjectFinder.Find(g, sites, q, limits);
        if (json)
        {
            HeapJson.Write(w, new
            {
                query = q.Describe, count = found.Length,
                objects = found.Select(m => new
                {
                    address = HeapJson.Hex(g.Graph.Address(m.Node)), size = g.Graph.Size(m.Node), retained = g.Dominators.RetainedSize(m.Node), name = m.Name,
                    site = sites.SiteOf(m.Node) is >= 0 and var s ? sites.Stacks[s] : null,
                }),
            });
            return;
        }
        long bytes = found.Sum(m => g.Graph.Size(m.Node));
        w.WriteLine(string.Create(Inv, $"{found.Length} objects, {bytes} bytes, with {q.Describe}:"));
        foreach (var m in found.Take(max))
            w.WriteLine("  " + HeapRetentionReports.DescribeObject(g, sites, m.Node) + (m.Name is { Length: > 0 } n ? "  " + n : ""));
        if (found.Length > max) w.WriteLine(string.Create(Inv, $"  ... {found.Length - max} more (--json lists all)"));
    }
}
