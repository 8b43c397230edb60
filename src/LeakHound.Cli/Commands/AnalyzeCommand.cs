namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound analyze STORE | FOLDER | PROFILE…</c>: the hunt's analysis (verdict, suspects,
/// series) on a hunt store, a folder of profiles, or heap and goroutine profiles in time order.
/// </summary>
public static class AnalyzeCommand
{
    public const string Usage = "leakhound analyze [--json] [--report FILE.html] [--min-snapshots N] STORE|FOLDER|PROFILE…";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, HuntAnalysis.OutputOptions);
        if (cl.Positionals.Count == 0) throw new LeakHound.Core.UsageException("usage: " + Usage);
        var outcome = HuntAnalysis.Analyze(cl.Positionals, HuntAnalysis.Options(cl));
        HuntAnalysis.Write(outcome, cl, stdout, stderr);
        return 0;
    }
}
