using LeakHound.Analysis.Filter;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound raw PROFILE</c>: the whole profile as text, as <c>go tool pprof -raw</c>.</summary>
public static class RawCommand
{
    public const string Usage = "leakhound raw [-symbolize=none] PROFILE";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        RawReport.Write(SampleSubset.WithStacks(ReportFlags.ReadProfile(cl, compact: true)), stdout);
        return 0;
    }
}
