using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// -base, -diff_base and -normalize on a leaking sample's two heap profiles (1000 requests apart),
/// and merging several profiles: top, tree, traces and raw must equal go tool pprof's.
/// </summary>
public class DiffDifferentialTests
{
    public static IEnumerable<object[]> Samples() => DifferentialCorpus.Samples.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Samples))]
    public void DiffsAndMergesMatchPprof(string sample)
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample);
        string heap = Path.Combine(dir, "heap.pb.gz"), heap2 = Path.Combine(dir, "heap2.pb.gz");
        var cases = new List<(string[] Ours, string[] Pprof)>();
        foreach (var report in new[] { "top", "tree", "traces" })
        {
            foreach (var o in new[]
            {
                new[] { "-base=" + heap }, ["-diff_base=" + heap], ["-base=" + heap, "-normalize"],
                ["-diff_base=" + heap, "-cum", "-nodecount=6"], ["-base=" + heap, "-drop_negative"],
                ["-diff_base=" + heap, "-sample_index=alloc_space", "-focus=main"],
            })
            {
                cases.Add(([report, .. o, heap2], [.. o, "-" + report, heap2]));
            }
        }
        cases.Add((["raw", heap, heap2], ["-raw", heap, heap2]));
        cases.Add((["top", "-lines", dir + "/heap*.pb.gz"], ["-top", "-lines", heap, heap2]));

        var failures = new StringBuilder();
        foreach (var (ours, pprofArgs) in cases)
            PprofComparison.Compare(failures, ours, pprofArgs, string.Join(' ', ours));
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void MergedExportReadsTheSameInPprof()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string output = Path.Combine(Path.GetTempPath(), $"lh-merge-{Guid.NewGuid():N}.pb.gz");
        try
        {
            var merge = LeakHoundCli.Run("merge", "-o", output, Path.Combine(dir, "heap.pb.gz"), Path.Combine(dir, "heap2.pb.gz"));
            Assert.True(merge.ExitCode == 0, merge.Stderr);
            var expected = GoPprof.Run("-raw", Path.Combine(dir, "heap.pb.gz"), Path.Combine(dir, "heap2.pb.gz"));
            var actual = GoPprof.Run("-raw", output);
            Assert.Null(TextDiff.FirstDifference(expected.Stdout, actual.Stdout));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void MergingDifferentSampleTypesIsAClearError()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        var r = LeakHoundCli.Run("top", Path.Combine(dir, "heap.pb.gz"), Path.Combine(dir, "goroutine.pb.gz"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("incompatible", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }
}
