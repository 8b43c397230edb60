using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary><c>leakhound raw</c> against <c>go tool pprof -raw</c>, and export round trips read back by pprof.</summary>
public class RawDifferentialTests
{
    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void RawMatchesPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var pprof = GoPprof.Run("-raw", path);
        Assert.True(pprof.ExitCode == 0, pprof.Stderr);
        var ours = LeakHoundCli.Run("raw", path);
        Assert.True(ours.ExitCode == 0, ours.Stderr);
        Assert.Null(TextDiff.FirstDifference(pprof.Stdout, ours.Stdout));
    }

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void FilteredRawMatchesPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var failures = new System.Text.StringBuilder();
        foreach (var o in new[]
        {
            "-focus=main", "-ignore=runtime", "-hide=runtime", "-show=main|http", "-tagfocus=1kb:8kb",
            "-taghide=bytes", "-prune_from=http", "-show_from=main",
        })
        {
            var pprof = GoPprof.Run("-raw", o, path);
            var ours = LeakHoundCli.Run("raw", o, path);
            if ((pprof.ExitCode == 0) != (ours.ExitCode == 0))
                failures.AppendLine($"{o}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {ours.ExitCode} ({ours.Stderr.Trim()})");
            else if (pprof.ExitCode == 0 && TextDiff.FirstDifference(pprof.Stdout, ours.Stdout) is { } d)
                failures.AppendLine($"{o}: {d}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void ExportedProfileReadsTheSameInPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        string output = Path.Combine(Path.GetTempPath(), "leakhound-export-" + Guid.NewGuid().ToString("N") + ".pb.gz");
        try
        {
            var export = LeakHoundCli.Run("export", "--format", "proto", "-o", output, path);
            Assert.True(export.ExitCode == 0, export.Stderr);
            var original = GoPprof.Run("-raw", path);
            var exported = GoPprof.Run("-raw", output);
            Assert.True(exported.ExitCode == 0, exported.Stderr);
            Assert.Null(TextDiff.FirstDifference(original.Stdout, exported.Stdout));
            // And read back by LeakHound itself: the same raw dump.
            Assert.Null(TextDiff.FirstDifference(LeakHoundCli.Run("raw", path).Stdout, LeakHoundCli.Run("raw", output).Stdout));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
