using System.Diagnostics;
using LeakHound.Analysis.Goroutines;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Bench;

/// <summary>Times parsing and grouping of a goroutine dump separately, five runs each, in one process.</summary>
public static class GoroutinePhases
{
    public static void Run(string path)
    {
        if (Environment.GetEnvironmentVariable("LEAKHOUND_BENCH_MEMORY") == "1")
        {
            var d = GoroutineDumpReader.ReadFile(path, Limits.Default);
            Console.WriteLine($"after parse: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
            var gs = GoroutineGrouping.Group(d, StackSimilarity.IgnorePointers);
            Console.WriteLine($"after grouping {gs.Count} groups: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
            return;
        }
        var parse = new List<double>();
        var group = new List<double>();
        GoroutineDump? dump = null;
        int groups = 0;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            dump = GoroutineDumpReader.ReadFile(path, Limits.Default);
            parse.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            groups = GoroutineGrouping.Group(dump, StackSimilarity.IgnorePointers).Count;
            group.Add(sw.Elapsed.TotalMilliseconds);
        }
        GC.Collect();
        long live = GC.GetTotalMemory(true);
        GC.KeepAlive(dump);
        Console.WriteLine($"live managed memory holding the last dump: {live >> 20} MB; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
        parse.Sort();
        group.Sort();
        Console.WriteLine($"{dump!.Count} goroutines, {dump.Frames.Length} frames, {groups} groups");
        Console.WriteLine($"parse: median {parse[2]:F0} ms (first run {parse.Max():F0} ms, runs {string.Join(", ", parse.Select(x => x.ToString("F0")))})");
        Console.WriteLine($"group: median {group[2]:F0} ms (runs {string.Join(", ", group.Select(x => x.ToString("F0")))})");
    }
}
