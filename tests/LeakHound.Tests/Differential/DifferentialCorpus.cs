using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>The real profiles the differential tests compare on, and the option combinations.</summary>
public static class DifferentialCorpus
{
    public static readonly string[] Samples =
        ["cacheleak", "metricleak", "goroutineleak", "tickerleak", "substringleak", "finalizercycle", "lrucache", "garbage", "workerpool"];

    public static readonly string[] Kinds = ["heap", "heap2", "allocs", "goroutine", "mutex", "block", "threadcreate"];

    /// <summary>pprof option combinations: sample indexes, sorting, granularities, trimming, units, mean, divide_by.</summary>
    public static readonly string[][] TopOptions =
    [
        [],
        ["-cum"],
        ["-nodecount=5"],
        ["-sample_index=alloc_space"],
        ["-inuse_objects"],
        ["-alloc_objects", "-cum"],
        ["-lines"],
        ["-files"],
        ["-filefunctions"],
        ["-addresses"],
        ["-noinlines"],
        ["-nodefraction=0"],
        ["-unit=kb"],
        ["-mean"],
        ["-divide_by=3"],
        ["-lines", "-cum", "-nodecount=7"],
        ["-trim=false"],
        ["-edgefraction=0.5", "-nodefraction=0.2"],
        ["-unit=auto", "-flat"],
        ["-sample_index=0", "-noinlines", "-lines"],
        ["-contentions"],
    ];

    /// <summary>pprof's filters, with and without other options: every one must print what pprof prints.</summary>
    public static readonly string[][] FilterOptions =
    [
        ["-focus=main"],
        ["-ignore=runtime"],
        ["-hide=runtime"],
        ["-show=main|http"],
        ["-show_from=main"],
        ["-prune_from=http"],
        ["-tagfocus=1kb:8kb"],
        ["-tagfocus=bytes=4096"],
        ["-tagignore=:512"],
        ["-focus=main", "-relative_percentages"],
        ["-tagshow=bytes"],
        ["-taghide=bytes"],
        ["-focus=nomatchxyz"],
        ["-hide=main", "-lines"],
        ["-show=svc", "-cum", "-nodecount=4"],
        ["-focus=handleWork", "-ignore=Sprintf"],
    ];

    /// <summary>Every profile.proto file: the committed ones and the freshly captured corpus.</summary>
    public static IEnumerable<object[]> ProtoProfiles()
    {
        var files = new List<string>();
        if (Directory.Exists(TestPaths.CommittedProfiles))
            files.AddRange(Directory.GetFiles(TestPaths.CommittedProfiles, "*.pb.gz", SearchOption.AllDirectories));
        if (Directory.Exists(TestPaths.Corpus))
            files.AddRange(Directory.GetFiles(TestPaths.Corpus, "*.pb.gz", SearchOption.AllDirectories));
        files.Sort(StringComparer.Ordinal);
        return files.Select(f => new object[] { Path.GetRelativePath(TestPaths.RepoRoot, f) });
    }

    public static string Full(string relative) => Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, relative));
}

public class DifferentialCorpusTests
{
    [Fact]
    public void CorpusHoldsEveryKindOfProfileOfEverySample()
    {
        string corpus = TestPaths.RequireDirectory(TestPaths.Corpus, "run 'bash samples/capture.sh artifacts/corpus' (Go needed), as .ci/run does");
        var missing = new List<string>();
        foreach (var s in DifferentialCorpus.Samples)
            foreach (var k in DifferentialCorpus.Kinds)
            {
                var f = Path.Combine(corpus, s, k + ".pb.gz");
                if (!File.Exists(f) || new FileInfo(f).Length == 0) missing.Add(f);
            }
        Assert.Empty(missing);
    }
}
