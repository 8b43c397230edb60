using System.Diagnostics;
using LeakHound.Analysis.Graph;
using LeakHound.Core;
using LeakHound.Formats.Input;
using LeakHound.Formats.Pprof;
using LeakHound.Reports;

namespace LeakHound.Bench;

/// <summary>One timed run of each phase of <c>leakhound top</c>, to see where a whole-process time goes.</summary>
public static class PhaseTimes
{
    public static void Run(string path)
    {
        var sw = Stopwatch.StartNew();
        void Mark(string phase)
        {
            Console.WriteLine($"{phase,-22} {sw.Elapsed.TotalMilliseconds,8:F0} ms   (GC heap {GC.GetTotalMemory(false) >> 20} MB)");
            sw.Restart();
        }
        var raw = File.ReadAllBytes(path);
        Mark("read file");
        var data = InputBytes.Gunzip(raw, path, Limits.Default);
        Mark("gunzip");
        var p = ProtoProfileReader.Read(data, path, Limits.Default);
        Mark("decode proto");
        var rpt = Report.Create(p, new ReportOptions().For(ReportKind.Top));
        Mark("report total");
        var ln = LocationNodes.Build(p, Granularity.Functions, false);
        Mark("location nodes");
        var g = TrimmedGraph.Build(p, ln, rpt.GraphOptions(EdgeScope.IntoInlined));
        Mark("trimmed graph");
        Console.WriteLine($"{p.SampleCount} samples, {p.Stack.Length} frames, {ln.NodeCount} nodes, {g.Order.Length} shown");
    }
}

/// <summary>
/// The hardware floor the brief measures against: gunzip the file and walk over every varint in it
/// (without interpreting anything), single-threaded, as one process.
/// </summary>
public static class Floor
{
    public static void Run(string path)
    {
        var sw = Stopwatch.StartNew();
        var data = InputBytes.ReadFile(path, Limits.Default);
        long varints = 0, sum = 0;
        int i = 0;
        while (i < data.Length)
        {
            ulong v = 0;
            int shift = 0;
            byte b;
            do
            {
                b = data[i++];
                v |= (ulong)(b & 0x7f) << shift;
                shift += 7;
            } while (b >= 0x80 && i < data.Length);
            sum += (long)v;
            varints++;
        }
        Console.WriteLine($"gunzip + varint walk: {sw.ElapsedMilliseconds} ms ({data.Length} bytes, {varints} varints, checksum {sum})");
    }
}
