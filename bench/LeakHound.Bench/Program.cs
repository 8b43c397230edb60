using System.Globalization;
using BenchmarkDotNet.Running;
using LeakHound.Formats.Pprof;

namespace LeakHound.Bench;

public static class Program
{
    /// <summary>
    /// <c>generate OUT.pb.gz [samples] [locations] [functions] [seed]</c> writes the large heap profile;
    /// <c>phases PROFILE</c> times each phase of <c>top</c> once; <c>read PROFILE [runs]</c> times gunzip and the two ways of decoding; <c>graph-passes PROFILE</c> the passes behind <c>svg</c>; <c>goroutines DUMP</c> times parsing and grouping; <c>snapshot-cost</c> measures the CPU of one hunt snapshot;
    /// <c>heapdump DUMP</c> measures the read+index throughput of a Go heap dump; <c>heapgraph DUMP</c>
    /// the object graph and dominator tree built from it;
    /// <c>heap-graph [objects] [roots] [runs] [auto|seminca|lengauertarjan] [tree|mesh]</c> times the heap graph and its dominators on a synthetic heap;
    /// <c>sites STORE REGEX</c> prints the series and classification of matching heap sites of a stored hunt;
    /// <c>simulate-bounded [trials] [leak] [cut]</c> measures how often a bounded cache's site looks like growth (<see cref="BoundedSiteSimulation"/>);
    /// anything else runs the BenchmarkDotNet kernels (pass BenchmarkDotNet's own arguments).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "generate")
        {
            int samples = Arg(args, 2, 2_000_000), locations = Arg(args, 3, 120_000), functions = Arg(args, 4, 30_000);
            ulong seed = (ulong)Arg(args, 5, 1);
            var p = HeapProfileGenerator.Generate(samples, locations, functions, seed);
            using (var fs = File.Create(args[1])) ProtoProfileWriter.Write(p, fs, System.IO.Compression.CompressionLevel.Optimal);
            long raw = ProtoProfileWriter.EncodeUncompressed(p).LongLength;
            Console.WriteLine($"wrote {args[1]}: {p.SampleCount} samples, {p.Locations.Length} locations, {p.Functions.Length} functions, {raw} bytes uncompressed, {new FileInfo(args[1]).Length} compressed");
            return 0;
        }
        if (args.Length >= 2 && args[0] == "floor")
        {
            Floor.Run(args[1]);
            return 0;
        }
        if (args.Length >= 2 && args[0] == "analyze-phases")
        {
            AnalyzePhases.Run(args[1]);
            return 0;
        }
        if (args.Length >= 1 && args[0] == "serve-heaps")
        {
            SnapshotCost.ServeAsync().GetAwaiter().GetResult();
            return 0;
        }
        if (args.Length >= 1 && args[0] == "snapshot-cost")
        {
            // snapshot-cost [N STORE]: with a store path, keeps a store of N snapshots (for timing analyze).
            if (args.Length >= 3) SnapshotCost.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]).GetAwaiter().GetResult();
            else SnapshotCost.RunAsync().GetAwaiter().GetResult();
            return 0;
        }
        if (args.Length >= 2 && args[0] == "goroutines")
        {
            GoroutinePhases.Run(args[1]);
            return 0;
        }
        if (args.Length >= 2 && args[0] == "heapdump")
        {
            HeapDumpRead.Run(args[1]);
            return 0;
        }
        if (args.Length >= 2 && args[0] == "heapgraph")
        {
            HeapDumpGraphPhases.Run(args[1]);
            return 0;
        }
        if (args.Length >= 1 && args[0] == "heap-graph")
        {
            var algorithm = args.Length > 4 ? Enum.Parse<LeakHound.Analysis.HeapGraph.DominatorAlgorithm>(args[4], ignoreCase: true) : default;
            var shape = args.Length > 5 ? Enum.Parse<HeapShape>(args[5], ignoreCase: true) : default;
            HeapGraphPhases.Run(Arg(args, 1, 10_000_000), Arg(args, 2, 4_000), Arg(args, 3, 3), algorithm, shape);
            return 0;
        }
        if (args.Length >= 3 && args[0] == "sites")
        {
            SiteSeries.Run(args[1], args[2]);
            return 0;
        }
        if (args.Length >= 1 && args[0] == "simulate-bounded")
        {
            BoundedSiteSimulation.Run(Arg(args, 1, 2000), args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0,
                args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.05 / 171);
            return 0;
        }
        if (args.Length >= 2 && args[0] == "graph-passes")
        {
            GraphPasses.Run(args[1]);
            return 0;
        }
        if (args.Length >= 2 && args[0] == "read")
        {
            ReadPhases.Run(args[1], Arg(args, 2, 3));
            return 0;
        }
        if (args.Length >= 2 && args[0] == "phases")
        {
            PhaseTimes.Run(args[1]);
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Arg(string[] args, int i, int fallback) =>
        args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
}
