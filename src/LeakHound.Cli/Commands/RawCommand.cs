using LeakHound.Analysis.Filter;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound raw PROFILE</c>: the whole profile as text, as <c>go tool pprof -raw</c>.</summary>
public static class RawCommand
{
    public const string Usage = "leakhound raw [-symbolize=none] PROFILE";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        var profile = ReportFlags.WithLabelFrames(cl, ReportFlags.ReadProfile(cl, compact: true), stderr);
        RawReport.Write(SampleSubset.WithStacks(profile), stdout);
        return 0;
    }
}
