using System.Diagnostics;
using LeakHound.Analysis.Trends;
using LeakHound.Hunt.Store;

namespace LeakHound.Bench;

/// <summary>Times the parts of <c>leakhound analyze STORE</c>: reading the rows, parsing the goroutine profiles (all cores), the analysis (which parses the heap profiles a few at a time).</summary>
public static class AnalyzePhases
{
    public static void Run(string path)
    {
        var sw = Stopwatch.StartNew();
        using var store = SnapshotStore.Open(path, readOnly: true);
        var rows = store.ReadAll().Where(r => r.Status != LeakHound.Hunt.SnapshotStatus.Gap).ToArray();
        Console.WriteLine($"read {rows.Length} rows: {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        var snapshots = new Snapshot[rows.Length];
        Parallel.For(0, rows.Length, i => snapshots[i] = rows[i].ToSnapshot(path));
        Console.WriteLine($"goroutine profiles: {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        var heaps = snapshots.Where(s => s.Heap is not null).Select(s => s.Heap!).ToArray();
        long samples = 0;
        foreach (var h in heaps.Take(50)) samples += h.Load().SampleCount;
        Console.WriteLine($"parse 50 heap profiles on one thread: {sw.ElapsedMilliseconds} ms ({samples} samples)");
        sw.Restart();
        var result = LeakAnalyzer.Analyze(snapshots, new LeakAnalyzerOptions());
        Console.WriteLine($"peak working set: {Environment.WorkingSet >> 20} MB now, {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB peak");
        Console.WriteLine($"analysis with heap profiles: {sw.ElapsedMilliseconds} ms ({result.Verdict}, {result.Suspects.Count} suspects)");
    }
}
