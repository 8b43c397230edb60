using System.Text;
using System.Text.RegularExpressions;

namespace LeakHound.Tests.Support;

/// <summary>
/// One leakhound command against go tool pprof, allowing for pprof's one nondeterminism: in diffs
/// it orders edges of equal |weight| and opposite sign as its map iteration falls (its sort treats
/// them as equal), so its tree, peek and dot output can change from run to run. When pprof's output
/// differs from ours, pprof is run again; ours passes if it equals one of pprof's outputs or,
/// pprof having shown itself unstable, holds the same lines. For a diff (-base, -diff_base), where
/// the ties come from, a DOT graph also passes when it is the same graph: the same lines once node
/// numbers are replaced by the nodes' tooltips and the order is set aside.
/// <para>
/// With -call_tree a function has a node per call path, and pprof orders nodes that tie (the same
/// function with the same values under different callers) as its map iteration falls: their
/// numbers in DOT, their order and "[i/n]" suffixes in callgrind change from run to run; and nodes
/// whose entropy scores differ by float rounding (pprof sums an edge map in map order) swap places.
/// There pprof is run twelve times, and ours passes when it is the same tree as one of pprof's
/// outputs (<see cref="CallTreeOutput"/>). When a DOT's node count cuts among tied nodes, pprof
/// keeps different ones from run to run and its trees differ; then ours passes when every line,
/// nodes named by their tooltips, occurs in ours between the fewest and the most times it does in
/// pprof's runs.
/// </para>
/// </summary>
public static class PprofComparison
{
    public static void Compare(StringBuilder failures, string[] ours, string[] pprofArgs, string what)
    {
        var pprof = GoPprof.Run(pprofArgs);
        var mine = LeakHoundCli.Run(ours);
        if ((pprof.ExitCode == 0) != (mine.ExitCode == 0))
        {
            failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {mine.ExitCode} ({mine.Stderr.Trim()})");
            return;
        }
        if (pprof.ExitCode != 0) return;
        string? diff = TextDiff.FirstDifference(pprof.Stdout, mine.Stdout);
        if (diff is null) return;
        bool callTree = pprofArgs.Contains("-call_tree");
        var outputs = new HashSet<string> { pprof.Stdout };
        for (int i = 0; i < (callTree ? 11 : 4); i++)
        {
            string again = GoPprof.Run(pprofArgs).Stdout;
            if (again == mine.Stdout) return;
            outputs.Add(again);
        }
        if (outputs.Count > 1 && SortedLines(pprof.Stdout) == SortedLines(mine.Stdout)) return;
        bool isDiff = pprofArgs.Any(a => a.StartsWith("-base", StringComparison.Ordinal) || a.StartsWith("-diff_base", StringComparison.Ordinal));
        if (isDiff && pprof.Stdout.StartsWith("digraph", StringComparison.Ordinal) && SameGraph(pprof.Stdout, mine.Stdout)) return;
        if (callTree && CallTreeOutput.SameAsAny(outputs, mine.Stdout)) return;
        // pprof's node-count cut falls among tied nodes and keeps different ones from run to run.
        if (callTree && CallTreeOutput.Unstable(outputs) && CallTreeOutput.WithinBounds(outputs, mine.Stdout)) return;
        failures.AppendLine($"{what}: {diff}" + (callTree ? $" (as a call tree: {CallTreeOutput.Difference(pprof.Stdout, mine.Stdout)})" : ""));
    }

    private static readonly Regex NodeLine = new(@"^(N\d+) \[.* tooltip=""([^""]*)""", RegexOptions.CultureInvariant);
    private static readonly Regex NodeId = new(@"\bN(N?\d+)(_\d+)?\b", RegexOptions.CultureInvariant);
    private static readonly Regex IdAttribute = new(@" id=""[^""]*""", RegexOptions.CultureInvariant);

    private static bool SameGraph(string a, string b) => CanonicalDot(a) == CanonicalDot(b);

    /// <summary>The DOT's lines with node numbers replaced by the nodes' tooltips (nodelets by their node's), id attributes dropped, sorted.</summary>
    private static string CanonicalDot(string dot)
    {
        var lines = dot.Split('\n');
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
            if (NodeLine.Match(line) is { Success: true } m) names[m.Groups[1].Value[1..]] = m.Groups[2].Value;
        string Replace(Match m)
        {
            string n = m.Groups[1].Value.TrimStart('N');
            return names.TryGetValue(n, out var name) ? $"<{name}>{m.Groups[2].Value}" : m.Value;
        }
        return string.Join('\n', lines.Select(l => NodeId.Replace(IdAttribute.Replace(l, ""), Replace)).Order(StringComparer.Ordinal));
    }

    private static string SortedLines(string text) => string.Join('\n', text.Split('\n').Order(StringComparer.Ordinal));
}
