using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// <c>leakhound top</c> against <c>go tool pprof -top</c> run here, on real profiles of the samples,
/// for every option combination: the report text must be identical, line for line, and an option
/// pprof refuses must be refused too.
/// </summary>
public class TopDifferentialTests
{
    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void TopMatchesPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var failures = new StringBuilder();
        foreach (var options in DifferentialCorpus.TopOptions.Concat(DifferentialCorpus.FilterOptions))
        {
            var pprof = GoPprof.Run([.. options, "-top", path]);
            var ours = LeakHoundCli.Run(["top", .. options, path]);
            string what = $"top {string.Join(' ', options)} {profile}";
            if (pprof.ExitCode != 0)
            {
                if (ours.ExitCode == 0) failures.AppendLine($"{what}: pprof failed ({pprof.Stderr.Trim()}) but leakhound printed a report");
                continue;
            }
            if (ours.ExitCode != 0)
            {
                failures.AppendLine($"{what}: leakhound failed: {ours.Stderr.Trim()}");
                continue;
            }
            string? diff = TextDiff.FirstDifference(pprof.Stdout, ours.Stdout);
            if (diff is not null) failures.AppendLine($"{what}: {diff}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }
}
