using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>traces, tree, peek, tags and comments against go tool pprof, with focus/ignore/hide/show/tagfocus/nodecount variations.</summary>
public class TextReportsDifferentialTests
{
    private static readonly string[][] Reports = [["traces"], ["tree"], ["tags"], ["comments"], ["peek", "main"], ["peek", "http|runtime"]];

    private static readonly string[][] Options =
        [[], ["-lines"], ["-focus=main"], ["-ignore=runtime"], ["-hide=runtime", "-cum"], ["-show=main|http"], ["-tagfocus=1kb:"], ["-nodecount=5"], ["-sample_index=0"]];

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void TextReportsMatchPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var failures = new StringBuilder();
        foreach (var report in Reports)
        {
            foreach (var options in Options)
            {
                string[] pprofArgs = report.Length == 2 ? [.. options, "-" + report[0] + "=" + report[1], path] : [.. options, "-" + report[0], path];
                var pprof = GoPprof.Run(pprofArgs);
                var ours = LeakHoundCli.Run([.. report, .. options, path]);
                string what = $"{string.Join(' ', report)} {string.Join(' ', options)} {profile}";
                if ((pprof.ExitCode == 0) != (ours.ExitCode == 0))
                {
                    failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {ours.ExitCode} ({ours.Stderr.Trim()})");
                    continue;
                }
                if (pprof.ExitCode != 0) continue;
                string? diff = TextDiff.FirstDifference(pprof.Stdout, ours.Stdout);
                if (diff is not null) failures.AppendLine($"{what}: {diff}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }
}
