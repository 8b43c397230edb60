using LeakHound.Analysis.Filter;
using LeakHound.Reports;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound raw PROFILE</c>: the whole profile as text (after the filters), as <c>go tool pprof -raw</c>.</summary>
public static class RawCommand
{
    public const string Usage = "leakhound raw [-symbolize=none] [filters] PROFILE";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        var profile = ReportFlags.ReadProfile(cl, compact: true);
        var rpt = ReportFlags.FilteredReport(cl, profile, ReportFlags.Options(cl).For(ReportKind.Raw), stderr, out _);
        RawReport.Write(SampleSubset.WithStacks(rpt.Profile), stdout);
        return 0;
    }
}
