using System.Text;
using LeakHound.Formats.Pprof;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// The diff pair a user makes when a service leaks: two heap profiles of the leaking cacheleak
/// sample taken a minute apart under steady load (samples/capture.sh, <c>minute-apart/</c>).
/// Every text report and <c>-dot</c>, with -base and with -diff_base, each with pprof's filters and
/// trimming, must print what <c>go tool pprof</c> prints.
/// </summary>
public class MinuteApartDiffDifferentialTests
{
    private static (string Start, string End) Pair()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak", "minute-apart");
        return (Path.Combine(dir, "heap-start.pb.gz"), Path.Combine(dir, "heap-end.pb.gz"));
    }

    private static readonly string[][] Variations =
    [
        [], ["-focus=main"], ["-ignore=runtime"], ["-hide=runtime"], ["-show=main|http"], ["-tagfocus=4kb"],
        ["-tagignore=:512"], ["-nodecount=5"], ["-sample_index=inuse_objects"], ["-cum", "-lines"], ["-drop_negative"],
        ["-normalize"],
    ];

    [Fact]
    public void TheProfilesAreAMinuteApartAndTheCacheGrew()
    {
        var (start, end) = Pair();
        var a = ProfileReader.ReadFile(start, new ProfileReadOptions());
        var b = ProfileReader.ReadFile(end, new ProfileReadOptions());
        Assert.InRange(TimeSpan.FromTicks((b.TimeNanos - a.TimeNanos) / 100).TotalSeconds, 60, 90);
        var top = LeakHoundCli.Run("top", "-diff_base=" + start, "-nodecount=3", end);
        Assert.True(top.ExitCode == 0, top.Stderr);
        Assert.Contains("main.newEntry", top.Stdout);
    }

    [Fact]
    public void TextReportsOfTheDiffMatchPprof()
    {
        var (start, end) = Pair();
        var failures = new StringBuilder();
        foreach (string baseFlag in new[] { "-base=", "-diff_base=" })
        {
            foreach (var v in Variations)
            {
                string[] o = [baseFlag + start, .. v];
                foreach (var report in new[] { "top", "tree", "traces", "tags", "raw" })
                    PprofComparison.Compare(failures, [report, .. o, end], [.. o, "-" + report, end], $"{report} {string.Join(' ', o)}");
                PprofComparison.Compare(failures, ["peek", .. o, "main\\.", end], [.. o, "-peek=main\\.", end], $"peek {string.Join(' ', o)}");
                DotDifferentialTests.Compare(failures, [.. o, end], [.. o, "-dot", end], $"dot {string.Join(' ', o)}");
            }
            PprofComparison.Compare(failures, ["comments", baseFlag + start, end], [baseFlag + start, "-comments", end], $"comments {baseFlag}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void ListOfTheDiffMatchesPprof()
    {
        var (start, end) = Pair();
        var cases = new List<(string, string[], string)>();
        foreach (string baseFlag in new[] { "-base=", "-diff_base=" })
            foreach (var v in new string[][] { [], ["-focus=main"], ["-hide=runtime"], ["-lines"], ["-sample_index=alloc_space"] })
                cases.Add((@"main\.", [baseFlag + start, .. v], end));
        ListDifferentialTests.Compare(cases);
    }
}
