using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// Text (?debug=1) and legacy profiles: with -symbolize=none LeakHound reads them as pprof does, so
/// top and raw must equal <c>go tool pprof -symbolize=none</c>. Without it, LeakHound keeps the names
/// the text carries, which pprof cannot show without the binary.
/// </summary>
public class LegacyDifferentialTests
{
    public static IEnumerable<object[]> TextProfiles()
    {
        var files = new List<string>();
        foreach (var name in new[] { "gobench.heap", "go.godoc.thread", "go.crc32.cpu", "cppbench.contention" })
            files.Add(Path.Combine(TestPaths.SharedTestData, "pprof", name));
        foreach (var dir in new[] { TestPaths.CommittedProfiles, TestPaths.Corpus })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var kind in new[] { "heap", "goroutine", "mutex", "block", "threadcreate" })
                files.AddRange(Directory.GetFiles(dir, kind + ".txt", SearchOption.AllDirectories));
        }
        files.Sort(StringComparer.Ordinal);
        return files.Select(f => new object[] { Path.GetRelativePath(TestPaths.RepoRoot, f) });
    }

    private static readonly string[][] Options =
        [[], ["-cum"], ["-lines"], ["-addresses"], ["-nodecount=3"], ["-sample_index=0"], ["-noinlines", "-files"], ["-mean"]];

    [Theory]
    [MemberData(nameof(TextProfiles))]
    public void TopAndRawMatchPprofWithoutSymbols(string profile)
    {
        string path = DifferentialCorpus.Full(profile);
        Assert.True(File.Exists(path), $"{path} is missing (../shared/testdata is needed beside the repository)");
        var failures = new StringBuilder();
        foreach (var options in Options.Select(o => o.Append("-symbolize=none").ToArray()).Append(["-raw", "-symbolize=none"]))
        {
            bool raw = options[0] == "-raw";
            var pprof = GoPprof.Run(raw ? [.. options, path] : [.. options, "-top", path]);
            var ours = LeakHoundCli.Run(raw ? ["raw", .. options[1..], path] : ["top", .. options, path]);
            string what = $"{(raw ? "raw" : "top")} {string.Join(' ', options)} {profile}";
            if ((pprof.ExitCode == 0) != (ours.ExitCode == 0))
            {
                failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {ours.ExitCode} ({ours.Stderr.Trim()})");
                continue;
            }
            if (pprof.ExitCode != 0) continue;
            string? diff = TextDiff.FirstDifference(pprof.Stdout, ours.Stdout);
            if (diff is not null) failures.AppendLine($"{what}: {diff}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void DebugTextKeepsFunctionNamesPprofCannotShow()
    {
        // goroutineleak's goroutine?debug=1: pprof shows only addresses; LeakHound names the stuck sender.
        string path = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "goroutineleak", "goroutine.txt");
        var ours = LeakHoundCli.Run("top", "-nodecount=1", path);
        Assert.Equal(0, ours.ExitCode);
        var rows = ours.Stdout.Split('\n');
        Assert.Contains(rows, r => r.EndsWith("  main.produce", StringComparison.Ordinal) && r.TrimStart().StartsWith("1000 ", StringComparison.Ordinal));
        var pprof = GoPprof.Run("-top", "-symbolize=none", path);
        Assert.DoesNotContain("main.produce", pprof.Stdout);
    }

    [Fact]
    public void DebugTextHeapNamesTheSameLeakSiteAsTheProtoProfile()
    {
        // cacheleak's heap?debug=1 and heap?gc=1 (profile.proto) of the same process: the top flat
        // site is the sample's allocating function in both.
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string Top(string file)
        {
            var lines = LeakHoundCli.Run("top", "-nodecount=1", Path.Combine(dir, file)).Stdout.Split('\n');
            int header = Array.FindIndex(lines, l => l.Contains("flat%"));
            return lines[header + 1].Split("  ").Last();
        }
        Assert.Equal("main.newEntry", Top("heap.txt"));
        Assert.Equal("main.newEntry", Top("heap.pb.gz"));
    }
}
