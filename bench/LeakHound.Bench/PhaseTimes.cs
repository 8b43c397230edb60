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
/// Reading a gzipped profile three ways, in turn, a given number of times: gunzip alone, gunzip then
/// decode (<see cref="ProtoProfileReader.Read"/> on the whole bytes), and the reader the commands
/// use (<see cref="ProfileReader.ReadFile"/>, which decodes while gunzipping). Median of each over the runs.
/// </summary>
public static class ReadPhases
{
    public static void Run(string path, int runs)
    {
        var times = new List<double>[3] { [], [], [] };
        for (int run = 0; run < runs; run++)
        {
            var sw = Stopwatch.StartNew();
            var data = InputBytes.ReadFile(path, Limits.Default);
            times[0].Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var whole = ProtoProfileReader.Read(InputBytes.ReadFile(path, Limits.Default), path, Limits.Default);
            times[1].Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var arriving = ProfileReader.ReadFile(path, new ProfileReadOptions());
            times[2].Add(sw.Elapsed.TotalMilliseconds);
            if (arriving.Stack.Length != whole.Stack.Length || arriving.SampleCount != whole.SampleCount || data.Length == 0)
                throw new InvalidOperationException("the two reads disagree");
            if (data.Length > 50 << 20) GC.Collect();
        }
        string[] names = ["gunzip", "gunzip, then decode", "decode as it arrives"];
        for (int i = 0; i < 3; i++)
        {
            times[i].Sort();
            Console.WriteLine($"{names[i],-22} median {times[i][runs / 2],6:F1} ms  (min {times[i][0]:F1}, max {times[i][^1]:F1})");
        }
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

/// <summary>
/// The passes over the samples behind <c>svg</c>: the values of every node, then the edges among
/// the few nodes a visual graph keeps (those over 0.5% of the total), five times each; medians.
/// </summary>
public static class GraphPasses
{
    public static void Run(string path)
    {
        var p = ProfileReader.ReadFile(path, new ProfileReadOptions());
        var ln = LocationNodes.Build(p, Granularity.Functions, false);
        int index = p.SampleTypes.Length - 1;
        var valuesTimes = new List<double>();
        var edgesTimes = new List<double>();
        NodeValues values = default!;
        for (int run = 0; run < 5; run++)
        {
            var sw = Stopwatch.StartNew();
            values = GraphAccumulator.Accumulate(p, ln, index, -1, null, EdgeScope.None).Values;
            valuesTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        long total = 0;
        for (int n = 0; n < ln.NodeCount; n++) total += Math.Abs(values.Flat[n]);
        var kept = new bool[ln.NodeCount];
        int keptCount = 0;
        for (int n = 0; n < ln.NodeCount; n++)
            if (Math.Abs(values.Cum[n]) >= total * 0.005) { kept[n] = true; keptCount++; }
        int edgeCount = 0;
        for (int run = 0; run < 5; run++)
        {
            var sw = Stopwatch.StartNew();
            edgeCount = GraphAccumulator.Accumulate(p, ln, index, -1, kept, EdgeScope.All).Edges!.Count;
            edgesTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        var tagTimes = new List<double>();
        var tagOptions = new NodeTagOptions { NumericName = v => v.ToString() };
        for (int run = 0; run < 5; run++)
        {
            var sw = Stopwatch.StartNew();
            GraphAccumulator.Accumulate(p, ln, index, -1, kept, EdgeScope.All, null, new TagRequest(kept, tagOptions));
            tagTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        tagTimes.Sort();
        Console.WriteLine($"edges + tags median {tagTimes[2],5:F0} ms  ({string.Join(", ", tagTimes.Select(t => t.ToString("F0")))})");
        valuesTimes.Sort();
        edgesTimes.Sort();
        Console.WriteLine($"values pass  median {valuesTimes[2],5:F0} ms  ({string.Join(", ", valuesTimes.Select(t => t.ToString("F0")))}); {ln.NodeCount} nodes");
        Console.WriteLine($"edges pass   median {edgesTimes[2],5:F0} ms  ({string.Join(", ", edgesTimes.Select(t => t.ToString("F0")))}); {keptCount} nodes kept, {edgeCount} edges");
    }
}
