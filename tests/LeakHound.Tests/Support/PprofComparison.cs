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
        var outputs = new HashSet<string> { pprof.Stdout };
        for (int i = 0; i < 4; i++)
        {
            string again = GoPprof.Run(pprofArgs).Stdout;
            if (again == mine.Stdout) return;
            outputs.Add(again);
        }
        if (outputs.Count > 1 && SortedLines(pprof.Stdout) == SortedLines(mine.Stdout)) return;
        bool isDiff = pprofArgs.Any(a => a.StartsWith("-base", StringComparison.Ordinal) || a.StartsWith("-diff_base", StringComparison.Ordinal));
        if (isDiff && pprof.Stdout.StartsWith("digraph", StringComparison.Ordinal) && SameGraph(pprof.Stdout, mine.Stdout)) return;
        failures.AppendLine($"{what}: {diff}");
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
