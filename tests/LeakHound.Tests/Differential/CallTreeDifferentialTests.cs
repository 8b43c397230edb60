using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// -call_tree against <c>go tool pprof</c> run here, on every real profile. pprof honours it in its
/// DOT and callgrind output only (report.go: "only honored when generating visual representations
/// of the callgraph"): <c>leakhound dot</c> and <c>callgrind</c> must print the same call tree as
/// pprof with trimming, node counts, granularities, filters, sample values and diffs (node order
/// among ties aside, as pprof's own changes from run to run: see <see cref="CallTreeOutput"/>), and
/// the other reports must print what pprof prints with the option, i.e. what they print without it.
/// </summary>
public class CallTreeDifferentialTests
{
    private static readonly string[][] DotOptions =
    [
        [],
        ["-nodecount=10"],
        ["-nodecount=3", "-nodefraction=0"],
        ["-nodecount=0"],
        ["-nodefraction=0", "-edgefraction=0"],
        ["-nodefraction=0.05", "-edgefraction=0.02"],
        ["-lines"],
        ["-addresses", "-nodecount=25"],
        ["-noinlines"],
        ["-focus=main"],
        ["-hide=runtime"],
        ["-tagfocus=1kb:8kb"],
        ["-sample_index=0"],
        ["-mean"],
        ["-inuse_objects", "-lines", "-nodecount=12"],
        ["-trim=false"],
    ];

    private static readonly string[][] CallgrindOptions = [[], ["-focus=main"], ["-hide=runtime"], ["-sample_index=0"], ["-cum"], ["-mean"], ["-divide_by=3"]];

    /// <summary>Reports pprof builds without the call tree, with and without a node count.</summary>
    private static readonly string[][] OtherReports = [["top"], ["tree"], ["traces"], ["peek", "main|runtime"], ["raw"]];

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void CallTreeMatchesPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var failures = new StringBuilder();
        foreach (var o in DotOptions)
            PprofComparison.Compare(failures, ["dot", "-call_tree", .. o, path], ["-call_tree", .. o, "-dot", path], $"dot -call_tree {string.Join(' ', o)} {profile}");
        foreach (var o in CallgrindOptions)
            PprofComparison.Compare(failures, ["callgrind", "-call_tree", .. o, path], ["-call_tree", .. o, "-callgrind", path], $"callgrind -call_tree {string.Join(' ', o)} {profile}");
        foreach (var report in OtherReports)
        {
            foreach (var o in new[] { Array.Empty<string>(), ["-nodecount=5"] })
            {
                string[] pprofArgs = report.Length == 2 ? ["-call_tree", .. o, $"-{report[0]}={report[1]}", path] : ["-call_tree", .. o, "-" + report[0], path];
                PprofComparison.Compare(failures, [.. report, "-call_tree", .. o, path], pprofArgs, $"{string.Join(' ', report)} -call_tree {string.Join(' ', o)} {profile}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>Diffs of each sample's two heap profiles, both ways round: nodes of no value in the tree, negative ones dropped.</summary>
    [Theory]
    [MemberData(nameof(DotDiffDifferentialTests.Samples), MemberType = typeof(DotDiffDifferentialTests))]
    public void CallTreeOfDiffsMatchesPprof(string sample)
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample);
        string heap = Path.Combine(dir, "heap.pb.gz"), heap2 = Path.Combine(dir, "heap2.pb.gz");
        var failures = new StringBuilder();
        foreach (var (newer, older) in new[] { (heap2, heap), (heap, heap2) })
        {
            foreach (var o in new[]
            {
                new[] { "-base=" + older }, ["-diff_base=" + older, "-nodecount=6"], ["-base=" + older, "-drop_negative"],
                ["-base=" + older, "-nodefraction=0", "-edgefraction=0"], ["-diff_base=" + older, "-sample_index=alloc_space", "-lines"],
            })
            {
                PprofComparison.Compare(failures, ["dot", "-call_tree", .. o, newer], ["-call_tree", .. o, "-dot", newer], $"dot -call_tree {string.Join(' ', o)} {newer}");
            }
            PprofComparison.Compare(failures, ["callgrind", "-call_tree", "-base=" + older, newer], ["-call_tree", "-base=" + older, "-callgrind", newer], $"callgrind -call_tree -base {newer}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }
}
