using System.Diagnostics;
using System.Globalization;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Bench;

/// <summary>
/// Times reading and indexing a heap dump (HeapDumpReader.Read: one streaming pass, objects sorted,
/// pointer fields resolved to values), five runs in one process, and reports the throughput in MB
/// of uncompressed dump per second, with the file's own size for gzipped dumps.
/// </summary>
public static class HeapDumpRead
{
    public static void Run(string path)
    {
        var times = new List<double>();
        HeapDump? dump = null;
        for (int i = 0; i < 5; i++)
        {
            dump = null;
            GC.Collect();
            var sw = Stopwatch.StartNew();
            dump = HeapDumpReader.Read(path, Limits.Default);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        GC.Collect();
        long live = GC.GetTotalMemory(true);
        GC.KeepAlive(dump);
        times.Sort();
        double median = times[2];

        // The floor: the same pass with a visitor that keeps nothing (decompression, varints, copies).
        var floor = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            HeapDumpReader.Visit(path, new NothingKept(), Limits.Default);
            floor.Add(sw.Elapsed.TotalSeconds);
        }
        floor.Sort();
        double mb = dump!.Length / 1e6, fileMb = new FileInfo(path).Length / 1e6;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"{path}: {dump.Length} bytes uncompressed{(dump.Gzipped ? $" ({new FileInfo(path).Length} gzipped)" : "")}, {dump.Objects.Count} objects, {dump.Objects.PointerCount} pointer fields, {dump.Frames.Length} frames"));
        Console.WriteLine(string.Create(inv,
            $"read+index: median {median:F3} s = {mb / median:F0} MB/s uncompressed{(dump.Gzipped ? $", {fileMb / median:F0} MB/s of gzip" : "")} (runs {string.Join(", ", times.Select(t => t.ToString("F3", inv)))})"));
        Console.WriteLine(string.Create(inv,
            $"parse only (a visitor that keeps nothing): median {floor[1]:F3} s = {mb / floor[1]:F0} MB/s (runs {string.Join(", ", floor.Select(t => t.ToString("F3", inv)))})"));
        Console.WriteLine(string.Create(inv,
            $"live managed memory holding the model: {live >> 20} MB; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB"));
    }

    private sealed class NothingKept : HeapDumpVisitor;
}
