using LeakHound.Core;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound check URL --duration D</c>: a leak test for a service's CI. Hunts for the duration,
/// prints the verdict and exits 1 for a leak, 0 for none, 3 when inconclusive.
/// </summary>
public static class CheckCommand
{
    public const string Usage = "leakhound check URL --duration D [--interval 15s] [--store FILE] [--json] [--report FILE.html]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, HuntCommand.Known);
        if (cl.Get("duration") is null && cl.Get("snapshots") is null) throw new UsageException("usage: " + Usage);
        if (cl.Get("resume") is not null) throw new UsageException("check takes a fresh hunt; use analyze on a store");
        // Progress goes to standard error: standard output carries only the verdict.
        string store = HuntCommand.RunHunt(args, stderr, stderr, live: false);
        stderr.WriteLine("store: " + store);
        var outcome = HuntAnalysis.Analyze([store], HuntAnalysis.Options(cl));
        HuntAnalysis.Write(outcome, cl, stdout, stderr);
        return HuntAnalysis.ExitCode(outcome.Result.Verdict);
    }
}
