using System.Text;

namespace LeakHound.Tests.Support;

/// <summary>
/// One leakhound command against go tool pprof, allowing for pprof's one nondeterminism: in diffs
/// it orders edges of equal |weight| and opposite sign as its map iteration falls (its sort treats
/// them as equal), so its tree, peek and dot output can change from run to run. When pprof's output
/// differs from ours, pprof is run again; ours passes if it equals one of pprof's outputs or,
/// pprof having shown itself unstable, holds the same lines.
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
        failures.AppendLine($"{what}: {diff}");
    }

    private static string SortedLines(string text) => string.Join('\n', text.Split('\n').Order(StringComparer.Ordinal));
}
