using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// <c>leakhound dot</c> with -base, -diff_base and -normalize on each sample's two heap profiles
/// (1000 requests apart, both ways round, so values go up and down and some edges weigh nothing),
/// merged inputs, and -o: the DOT text must equal <c>go tool pprof -dot</c>'s.
/// </summary>
public class DotDiffDifferentialTests
{
    public static IEnumerable<object[]> Samples() => DifferentialCorpus.Samples.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Samples))]
    public void DiffsAndMergesMatchPprof(string sample)
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample);
        string heap = Path.Combine(dir, "heap.pb.gz"), heap2 = Path.Combine(dir, "heap2.pb.gz");
        var failures = new StringBuilder();
        foreach (var (newer, older) in new[] { (heap2, heap), (heap, heap2) })
        {
            foreach (var o in new[]
            {
                new[] { "-base=" + older }, ["-diff_base=" + older], ["-base=" + older, "-normalize"],
                ["-diff_base=" + older, "-nodecount=6"], ["-base=" + older, "-drop_negative"],
                ["-diff_base=" + older, "-sample_index=alloc_space", "-focus=main"],
                ["-base=" + older, "-nodefraction=0", "-edgefraction=0"], ["-diff_base=" + older, "-lines", "-nodecount=0"],
            })
            {
                DotDifferentialTests.Compare(failures, [.. o, newer], [.. o, "-dot", newer], $"dot {string.Join(' ', o)} {newer}");
            }
        }
        DotDifferentialTests.Compare(failures, [heap, heap2], ["-dot", heap, heap2], "dot heap heap2 (merged)");
        DotDifferentialTests.Compare(failures, ["-lines", dir + "/heap*.pb.gz"], ["-dot", "-lines", heap, heap2], "dot -lines heap*.pb.gz (merged)");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void OutputFileHoldsTheGraph()
    {
        string heap = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak", "heap.pb.gz");
        string output = Path.Combine(Path.GetTempPath(), $"lh-dot-{Guid.NewGuid():N}.dot");
        try
        {
            var ours = LeakHoundCli.Run("dot", "-o", output, "-nodecount=8", heap);
            Assert.True(ours.ExitCode == 0, ours.Stderr);
            Assert.Equal("", ours.Stdout);
            var pprof = GoPprof.Run("-dot", "-nodecount=8", heap);
            Assert.Null(TextDiff.FirstDifference(pprof.Stdout, File.ReadAllText(output)));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
