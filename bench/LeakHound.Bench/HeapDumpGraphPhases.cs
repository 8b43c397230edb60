using System.Diagnostics;
using System.Globalization;
using LeakHound.Analysis.HeapDumps;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Bench;

/// <summary>
/// Times what every heap dump graph verb does before answering: reading the dump, then building the
/// object graph (roots, interior pointer resolution) with its dominator tree and retained sizes
/// (HeapDumpGraph.Build), three graph runs over one read.
/// </summary>
public static class HeapDumpGraphPhases
{
    public static void Run(string path)
    {
        var inv = CultureInfo.InvariantCulture;
        var sw = Stopwatch.StartNew();
        var dump = HeapDumpReader.Read(path, Limits.Default);
        double read = sw.Elapsed.TotalSeconds;
        var times = new List<double>();
        HeapDumpGraph? g = null;
        for (int i = 0; i < 3; i++)
        {
            g = null;
            GC.Collect();
            sw.Restart();
            g = HeapDumpGraph.Build(dump);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(inv,
            $"{path}: {dump.Length} bytes, {dump.Objects.Count} objects, {dump.Objects.PointerCount} pointer fields; read+index {read:F2} s = {dump.Length / 1e6 / read:F0} MB/s"));
        Console.WriteLine(string.Create(inv,
            $"graph ({g!.Graph.RootCount} roots, {g.Graph.EdgeCount} edges) + dominators + retained sizes: median {times[1]:F2} s (runs {string.Join(", ", times.Select(t => t.ToString("F2", inv)))}); reachable {g.Dominators.ReachableObjectCount} objects"));
        Console.WriteLine(string.Create(inv, $"process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB"));
    }
}
