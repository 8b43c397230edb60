using System.Globalization;
using LeakHound.Analysis.HeapDumps;
using LeakHound.Core;

namespace LeakHound.Reports.HeapDump;

/// <summary>
/// The leak-hunting views of a heap dump: <c>suspects</c> (MAT's leak suspects), <c>sites</c>
/// (sampled live objects by allocation stack) and <c>finalizers</c> (objects with finalizers, and
/// cycles through them that can never be freed).
/// </summary>
public static class HeapLeakReports
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string Bytes(long n) => Measurement.Label(n, "bytes");

    public static void WriteSuspects(HeapDumpGraph g, AllocationSites sites, bool json, TextWriter w)
    {
        var suspects = LeakSuspects.Find(g, sites);
        long total = g.Dominators.ReachableSize;
        if (json)
        {
            HeapJson.Write(w, new
            {
                reachableBytes = total,
                rule = $"topmost dominators retaining at least {LeakSuspects.Threshold:P0} of the reachable bytes each",
                suspects = suspects.Select(s => new
                {
                    address = HeapJson.Hex(g.Graph.Address(s.Node)), size = g.Graph.Size(s.Node), retained = s.Retained,
                    share = total == 0 ? 0 : (double)s.Retained / total,
                    anchors = s.Anchors.Select(g.DescribeRoot),
                    site = s.Site >= 0 ? sites.Stacks[s.Site] : null,
                    accumulationPoint = new { address = HeapJson.Hex(g.Graph.Address(s.AccumulationPoint)), size = g.Graph.Size(s.AccumulationPoint), retained = g.Dominators.RetainedSize(s.AccumulationPoint) },
                    path = s.Path?.Nodes.Select((v, i) => new { node = g.Graph.IsObject(v) ? HeapJson.Hex(g.Graph.Address(v)) : g.DescribeNode(v), fieldOffset = i < s.Path.FieldOffsets.Length ? s.Path.FieldOffsets[i] : (int?)null }),
                    dominatedObjects = s.DominatedObjects,
                    bySize = s.BySize.Take(20).Select(x => new { size = x.Size, count = x.Count, bytes = x.Bytes }),
                    bySite = s.BySite.Take(20).Select(x => new { site = sites.Stacks[x.Site], count = x.Count, bytes = x.Bytes }),
                }),
            });
            return;
        }
        w.WriteLine(string.Create(Inv, $"Reachable heap: {Bytes(total)} ({total} bytes). Suspects: the topmost objects retaining at least {LeakSuspects.Threshold:P0} of it each."));
        if (suspects.Length == 0)
        {
            w.WriteLine("No single object retains that much.");
            return;
        }
        for (int i = 0; i < suspects.Length; i++)
        {
            var s = suspects[i];
            w.WriteLine();
            w.WriteLine(string.Create(Inv, $"Suspect {i + 1}: 0x{g.Graph.Address(s.Node):x} ({g.Graph.Size(s.Node)} bytes) retains {Bytes(s.Retained)} ({s.Retained} bytes, {Measurement.Percentage(s.Retained, total)} of the reachable heap) in {s.DominatedObjects} objects"));
            if (s.Anchors.Length > 0) w.WriteLine("  anchored by: " + string.Join("; ", s.Anchors.Select(g.DescribeRoot)));
            if (s.Site >= 0) w.WriteLine("  allocated by: " + sites.StackText(s.Site));
            if (s.AccumulationPoint != s.Node)
                w.WriteLine("  accumulates in: " + HeapRetentionReports.DescribeObject(g, sites, s.AccumulationPoint));
            if (s.Path is { } path)
            {
                w.WriteLine("  path from a root:");
                HeapRetentionReports.WritePathLines(g, sites, path, w, "    ");
            }
            w.WriteLine("  holds, by object size:");
            foreach (var (size, count, bytes) in s.BySize.Take(5))
                w.WriteLine(string.Create(Inv, $"    {count,9} x {size,7} bytes = {bytes,12} ({Measurement.Percentage(bytes, s.Retained)})"));
            if (s.BySite.Length > 0)
            {
                w.WriteLine("  holds, sampled objects by allocation site:");
                foreach (var (site, count, bytes) in s.BySite.Take(5))
                    w.WriteLine(string.Create(Inv, $"    {count,9} objects {bytes,12} bytes  {sites.StackText(site)}"));
            }
        }
    }

    public static void WriteSites(HeapDumpGraph g, AllocationSites sites, bool json, TextWriter w, int max = 50)
    {
        var totals = sites.Totals(g.Dominators);
        var order = Enumerable.Range(0, sites.Count).Where(s => totals[s].Objects > 0)
            .OrderByDescending(s => totals[s].Bytes).ThenByDescending(s => totals[s].Retained).ThenBy(s => s).ToArray();
        if (json)
        {
            HeapJson.Write(w, new
            {
                sampledObjects = sites.SampledNodes.Length,
                sites = order.Select(s => new { function = sites.Function(s), stack = sites.Stacks[s], objects = totals[s].Objects, bytes = totals[s].Bytes, retained = totals[s].Retained }),
            });
            return;
        }
        w.WriteLine(string.Create(Inv, $"Sampled live objects by allocation site ({sites.SampledNodes.Length} objects sampled; the dump's MemProfileRate decides which):"));
        w.WriteLine(string.Create(Inv, $"  {"objects",9} {"bytes",12} {"retained",12}  site"));
        foreach (int s in order.Take(max))
        {
            w.WriteLine(string.Create(Inv, $"  {totals[s].Objects,9} {totals[s].Bytes,12} {totals[s].Retained,12}  {sites.Function(s)}"));
            w.WriteLine("  " + new string(' ', 36) + sites.StackText(s));
        }
        if (order.Length > max) w.WriteLine(string.Create(Inv, $"  ... {order.Length - max} more sites (--json lists all)"));
    }

    public static void WriteFinalizers(HeapDumpGraph g, AllocationSites sites, bool json, TextWriter w, int max = 20)
    {
        var entries = FinalizerCycles.Find(g);
        // Cycles some root also holds first: few, and their anchors point at the code that keeps them.
        var cycles = entries.Where(e => e.Cycle.Length > 0).OrderBy(e => e.HeldByOtherRoots ? 0 : 1).ThenBy(e => e.Finalizer).ToArray();
        string Function(int f) => g.Symbols?.Name(g.Dump.Finalizers[f].EntryPc)?.Split('+')[0] ?? HeapJson.Hex(g.Dump.Finalizers[f].EntryPc);
        if (json)
        {
            HeapJson.Write(w, new
            {
                finalizers = entries.Select(e => new
                {
                    @object = HeapJson.Hex(g.Dump.Finalizers[e.Finalizer].Object),
                    size = e.Node >= 0 ? g.Graph.Size(e.Node) : (long?)null,
                    function = Function(e.Finalizer),
                    reachable = e.Node >= 0 && g.Dominators.IsReachable(e.Node),
                    cycle = e.Cycle.Select(v => HeapJson.Hex(g.Graph.Address(v))),
                    neverFreed = e.Cycle.Length > 0,
                    heldByOtherRoots = e.HeldByOtherRoots,
                }),
            });
            return;
        }
        w.WriteLine(string.Create(Inv, $"Objects with finalizers: {entries.Length}"));
        foreach (var e in entries.Take(max))
        {
            string obj = e.Node >= 0 ? HeapRetentionReports.DescribeObject(g, sites, e.Node) : HeapJson.Hex(g.Dump.Finalizers[e.Finalizer].Object) + " (in no object)";
            w.WriteLine($"  {obj}, finalizer {Function(e.Finalizer)}{(e.Cycle.Length > 0 ? ", on a cycle" : "")}");
        }
        if (entries.Length > max) w.WriteLine(string.Create(Inv, $"  ... {entries.Length - max} more (--json lists all)"));
        w.WriteLine();
        long cycleBytes = cycles.Sum(e => e.Cycle.Sum(v => g.Graph.Size(v)));
        w.WriteLine(string.Create(Inv, $"Cycles through an object with a finalizer (never freed: the finalizer cannot run while the object reaches itself): {cycles.Length}, {cycleBytes} bytes in the cycles' objects"));
        foreach (var e in cycles.Take(max))
        {
            string held = e.HeldByOtherRoots
                ? "also reachable from other roots: " + string.Join("; ", g.Queries.Anchors(e.Node)
                    .Where(r => g.RootKind(r) is not (HeapRootKind.FinalizerField or HeapRootKind.FinalizerFunction)).Take(3).Select(g.DescribeRoot))
                : "kept only by its own finalizer";
            w.WriteLine(string.Create(Inv, $"  cycle of {e.Cycle.Length} object{(e.Cycle.Length == 1 ? "" : "s")} ({held}):"));
            foreach (int v in e.Cycle) w.WriteLine("    " + HeapRetentionReports.DescribeObject(g, sites, v) + " ->");
            w.WriteLine(string.Create(Inv, $"    back to 0x{g.Graph.Address(e.Cycle[0]):x}"));
        }
        if (cycles.Length > max) w.WriteLine(string.Create(Inv, $"  ... {cycles.Length - max} more (--json lists all)"));
    }

    public static void WriteDiff(string oldSource, string newSource, HeapDumpDiff.Result d, bool json, TextWriter w, int max = 10)
    {
        if (json)
        {
            object Rows(HeapDumpDiff.Row[] rows) => rows.Select(r => new { key = r.Key, oldCount = r.OldCount, newCount = r.NewCount, oldBytes = r.OldBytes, newBytes = r.NewBytes, bytesDelta = r.BytesDelta });
            HeapJson.Write(w, new
            {
                old = oldSource, @new = newSource,
                oldReachable = d.OldReachable, newReachable = d.NewReachable, oldUnreachable = d.OldUnreachable, newUnreachable = d.NewUnreachable,
                byRoot = Rows(d.ByRoot), bySite = Rows(d.BySite), bySize = Rows(d.BySize),
            });
            return;
        }
        w.WriteLine($"Heap dump diff: {oldSource} -> {newSource}");
        w.WriteLine(string.Create(Inv, $"Reachable: {d.OldReachable} -> {d.NewReachable} bytes ({Signed(d.NewReachable - d.OldReachable)}); unreachable: {d.OldUnreachable} -> {d.NewUnreachable}"));
        Section(w, "Retained bytes by root, largest growth first:", "root", d.ByRoot, max);
        Section(w, "Sampled live objects by allocation site, largest growth first:", "site", d.BySite, max);
        Section(w, "Objects by size, largest growth first:", "size", d.BySize, max);
    }

    private static string Signed(long v) => v >= 0 ? "+" + v.ToString(Inv) : v.ToString(Inv);

    private static void Section(TextWriter w, string title, string what, HeapDumpDiff.Row[] rows, int max)
    {
        w.WriteLine();
        w.WriteLine(title);
        w.WriteLine(string.Create(Inv, $"  {"bytes",13} {"count",9} {"new bytes",12}  {what}"));
        foreach (var r in rows.Take(max))
            w.WriteLine(string.Create(Inv, $"  {Signed(r.BytesDelta),13} {Signed(r.CountDelta),9} {r.NewBytes,12}  {r.Key}"));
        if (rows.Length > max) w.WriteLine(string.Create(Inv, $"  ... {rows.Length - max} more that changed (--json lists all)"));
    }
}
