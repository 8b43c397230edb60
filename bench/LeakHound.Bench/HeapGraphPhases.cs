using System.Diagnostics;
using System.Globalization;
using LeakHound.Analysis.HeapGraph;

namespace LeakHound.Bench;

/// <summary>
/// Times the heap graph on a <see cref="SyntheticHeap"/>: building it (pointer resolution and edges),
/// the dominator tree with retained sizes (wall and process CPU time, since the machine is shared), and the reverse edges the path queries build; several runs in one process, each
/// on a fresh graph, with the medians and the process's peak working set.
/// </summary>
public static class HeapGraphPhases
{
    public static void Run(int objects, int roots, int runs, DominatorAlgorithm algorithm, HeapShape shape)
    {
        var sw = Stopwatch.StartNew();
        var input = SyntheticHeap.Generate(objects, roots, seed: 1, shape);
        Console.WriteLine($"generated {objects:N0} objects, {input.PointerStart[objects]:N0} pointers, {roots:N0} roots ({shape} shape) in {sw.Elapsed.TotalSeconds:F2} s");
        var build = new List<double>();
        var reverse = new List<double>();
        var dominators = new List<double>();
        var dominatorsCpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int run = 0; run < runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            sw.Restart();
            var graph = ObjectGraphBuilder.Build(input, "synthetic heap");
            build.Add(sw.Elapsed.TotalSeconds);
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            sw.Restart();
            var tree = DominatorTree.Compute(graph, algorithm);
            dominators.Add(sw.Elapsed.TotalSeconds);
            process.Refresh();
            dominatorsCpu.Add((process.TotalProcessorTime - cpu).TotalSeconds);
            sw.Restart();
            graph.Owners(ObjectGraph.SuperRoot);
            reverse.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run + 1}: build {build[^1]:F2} s, dominators + retained sizes {dominators[^1]:F2} s (process CPU {dominatorsCpu[^1]:F2} s), reverse edges for path queries {reverse[^1]:F2} s"));
            if (run == runs - 1) Describe(graph, tree);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median of {runs}: build {Median(build):F2} s, dominators + retained sizes {Median(dominators):F2} s (process CPU {Median(dominatorsCpu):F2} s), reverse edges {Median(reverse):F2} s"));
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20:N0} MB");
    }

    private static void Describe(ObjectGraph graph, DominatorTree tree)
    {
        Console.WriteLine($"graph: {graph.NodeCount:N0} nodes, {graph.EdgeCount:N0} edges, {graph.DroppedPointers:N0} pointers into no object, {graph.DuplicatePointers:N0} repeated");
        Console.WriteLine($"dominators by {tree.Algorithm}");
        Console.WriteLine($"reachable objects {tree.ReachableObjectCount:N0} ({tree.ReachableSize:N0} bytes), unreachable {tree.UnreachableObjectCount:N0} ({tree.UnreachableSize:N0} bytes)");
        var sw = Stopwatch.StartNew();
        var top = tree.TopRetainers(10);
        var queries = new RetentionQueries(tree);
        int hops = 0;
        foreach (var v in top) hops += queries.ShortestPath(v)?.Length ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"top 10 retainers and their root paths ({hops} hops) in {sw.Elapsed.TotalMilliseconds:F0} ms; largest retains {tree.RetainedSize(top[0]):N0} bytes"));
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}

