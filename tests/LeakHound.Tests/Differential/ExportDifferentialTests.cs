using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// pprof's exports against <c>go tool pprof</c>: <c>-callgrind</c> text byte for byte; <c>-proto</c>
/// (after the filters) and <c>-topproto</c> read back by pprof (<c>-raw</c>) to the same text as
/// pprof's own output files.
/// </summary>
public class ExportDifferentialTests
{
    private static readonly string[][] Options =
    [
        [], ["-focus=main"], ["-ignore=runtime"], ["-hide=runtime"], ["-show=main|http"], ["-tagfocus=1kb:8kb"],
        ["-sample_index=0"], ["-cum", "-nodecount=5"], ["-lines"], ["-noinlines"], ["-mean"], ["-divide_by=3"],
        ["-unit=kb"], ["-taghide=bytes"], ["-prune_from=http"],
    ];

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void CallgrindMatchesPprof(string relative)
    {
        string path = DifferentialCorpus.Full(relative);
        var failures = new StringBuilder();
        foreach (var o in Options)
        {
            var pprof = GoPprof.Run([.. o, "-callgrind", path]);
            var mine = LeakHoundCli.Run(["callgrind", .. o, path]);
            Compare(failures, string.Join(' ', o), pprof, mine.ExitCode, mine.Stdout);
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void ProtoAndTopProtoReadBackAsPprofs(string relative)
    {
        string path = DifferentialCorpus.Full(relative);
        string dir = Directory.CreateTempSubdirectory("lh-export-").FullName;
        var failures = new StringBuilder();
        try
        {
            foreach (var verb in new[] { "proto", "topproto" })
            {
                foreach (var o in Options)
                {
                    string theirs = Path.Combine(dir, "pprof.pb.gz"), ours = Path.Combine(dir, "ours.pb.gz");
                    var pprof = GoPprof.Run([.. o, "-" + verb, "-output=" + theirs, path]);
                    var mine = LeakHoundCli.Run([verb, .. o, "-o", ours, path]);
                    string what = verb + " " + string.Join(' ', o);
                    if ((pprof.ExitCode == 0) != (mine.ExitCode == 0))
                    {
                        failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {mine.ExitCode} ({mine.Stderr.Trim()})");
                        continue;
                    }
                    if (pprof.ExitCode != 0) continue;
                    var a = GoPprof.Run("-raw", theirs);
                    var b = GoPprof.Run("-raw", ours);
                    Assert.Equal(0, b.ExitCode);
                    if (TextDiff.FirstDifference(a.Stdout, b.Stdout) is { } d) failures.AppendLine($"{what}: {d}");
                    File.Delete(theirs);
                    File.Delete(ours);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    private static void Compare(StringBuilder failures, string what, (int ExitCode, string Stdout, string Stderr) pprof, int code, string stdout)
    {
        if ((pprof.ExitCode == 0) != (code == 0))
        {
            failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {code}");
            return;
        }
        if (pprof.ExitCode == 0 && TextDiff.FirstDifference(pprof.Stdout, stdout) is { } d) failures.AppendLine($"{what}: {d}");
    }
}
