using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Reports;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary>
/// pprof's other text reports: <c>traces</c>, <c>tree</c>, <c>peek RX</c>, <c>tags</c> and
/// <c>comments</c>, with the same options and filters as <c>top</c>.
/// </summary>
public static class TextReportCommand
{
    public static int Run(string verb, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        Regex? symbol = null;
        if (verb == "peek")
        {
            if (cl.Positionals.Count == 0) throw new UsageException("usage: leakhound peek [options] REGEX PROFILE");
            string rx = cl.Positionals[0];
            cl.Positionals.RemoveAt(0);
            try
            {
                symbol = new Regex(rx, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"parsing argument regexp {rx}: {e.Message}");
            }
        }
        var kind = verb switch
        {
            "traces" => ReportKind.Traces,
            "tree" => ReportKind.Tree,
            "peek" => ReportKind.Peek,
            "tags" => ReportKind.Tags,
            _ => ReportKind.Tags,
        };
        // Traces lists samples, so they are merged as pprof merges them; the others only sum.
        var profile = ReportFlags.ReadProfile(cl, compact: verb == "traces");
        var options = ReportFlags.Options(cl).For(kind);
        var rpt = ReportFlags.FilteredReport(cl, profile, options, stderr, out var active);
        switch (verb)
        {
            case "traces":
                TracesReport.Write(rpt, stdout);
                break;
            case "tree":
            case "peek":
                TreeReport.Write(rpt, stdout, active, symbol);
                break;
            case "tags":
                TagsReport.Write(rpt, stdout);
                break;
            case "comments":
                foreach (var c in rpt.Profile.Comments) stdout.Write(c + "\n");
                break;
        }
        return 0;
    }
}
