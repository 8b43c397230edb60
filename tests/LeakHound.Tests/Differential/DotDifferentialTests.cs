using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// <c>leakhound dot</c> against <c>go tool pprof -dot</c> run here, on every real profile (the
/// committed ones, labelled goroutine and CPU profiles among them, and the captured corpus: heap,
/// allocs, goroutine, block, mutex, threadcreate of nine samples), with filters, trimming,
/// granularities and sample indexes: the DOT text must be identical, line for line (the legend
/// names the profile's binary, the same for both), and what pprof refuses must be refused.
/// </summary>
public class DotDifferentialTests
{
    public static readonly string[][] Options =
    [
        [],
        ["-focus=main"],
        ["-ignore=runtime"],
        ["-hide=runtime"],
        ["-show=main|http"],
        ["-show_from=main"],
        ["-prune_from=http"],
        ["-tagfocus=1kb:8kb"],
        ["-tagfocus=tenant=t[1-3]"],
        ["-tagignore=:512"],
        ["-taghide=bytes|stage"],
        ["-nodecount=10"],
        ["-nodecount=3", "-nodefraction=0"],
        ["-nodecount=0"],
        ["-nodefraction=0", "-edgefraction=0"],
        ["-nodefraction=0.05", "-edgefraction=0.02"],
        ["-lines"],
        ["-files"],
        ["-addresses"],
        ["-noinlines"],
        ["-sample_index=0"],
        ["-sample_index=alloc_space"],
        ["-inuse_objects", "-lines", "-nodecount=12"],
        ["-mean"],
        ["-focus=main", "-relative_percentages", "-unit=kb"],
        ["-divide_by=3", "-compact_labels"],
        ["-trim=false"],
    ];

    [Theory]
    [MemberData(nameof(DifferentialCorpus.ProtoProfiles), MemberType = typeof(DifferentialCorpus))]
    public void DotMatchesPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var failures = new StringBuilder();
        foreach (var options in Options)
            Compare(failures, [.. options, path], [.. options, "-dot", path], $"dot {string.Join(' ', options)} {profile}");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>Text (?debug=1) and legacy profiles, read as pprof reads them (-symbolize=none).</summary>
    [Theory]
    [MemberData(nameof(LegacyDifferentialTests.TextProfiles), MemberType = typeof(LegacyDifferentialTests))]
    public void DotOfTextProfilesMatchesPprof(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        var failures = new StringBuilder();
        foreach (var options in new[] { new[] { "-symbolize=none" }, ["-symbolize=none", "-nodecount=5"], ["-symbolize=none", "-lines", "-nodefraction=0"] })
            Compare(failures, [.. options, path], [.. options, "-dot", path], $"dot {string.Join(' ', options)} {profile}");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>
    /// Runs both; notes a difference in outcome or in the output. pprof orders edges of equal
    /// |weight| and opposite sign (diffs) as its map iteration falls, so its output can change from
    /// run to run: when it differs from ours, pprof is run again, and ours passes if it equals one
    /// of pprof's outputs, or, pprof having shown itself unstable, holds the same lines.
    /// </summary>
    internal static void Compare(StringBuilder failures, string[] ours, string[] pprofArgs, string what) =>
        PprofComparison.Compare(failures, ["dot", .. ours], pprofArgs, what);
}
