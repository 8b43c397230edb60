using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// leakhound list against go tool pprof -list on the samples' own profiles: the binaries were built
/// from the samples' sources, which are at the paths the profiles record (the runtime's under
/// GOROOT), so pprof finds them and the two outputs must be identical line for line, with filters,
/// sample indexes, units, granularity, -source_path/-trim_path and the -base/-diff_base pair.
/// Profiles edited here (start lines, missing files) are compared the same way.
/// </summary>
public class ListDifferentialTests
{
    /// <summary>The samples' leaking functions and some runtime functions whose sources are in GOROOT.</summary>
    private const string Functions = @"main\.|runtime\.(main|gopark|mallocgc|chanrecv1?)$";

    private static readonly string[] Kinds = ["heap", "allocs", "goroutine", "mutex", "block"];

    private static readonly string[][] Options =
    [
        [], ["-focus=main"], ["-ignore=runtime"], ["-hide=runtime"], ["-show=main|runtime"], ["-lines"],
        ["-noinlines"], ["-sample_index=0"], ["-mean"], ["-unit=kb"], ["-divide_by=3"], ["-tagfocus=1kb:"],
        ["-focus=handleWork", "-ignore=Sprintf"], ["-relative_percentages", "-focus=main"], ["-drop_negative"],
    ];

    public static IEnumerable<object[]> Samples() => DifferentialCorpus.Samples.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Samples))]
    public void ListMatchesPprof(string sample)
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample);
        var cases = new List<(string Regex, string[] Options, string Profile)>();
        foreach (var kind in Kinds)
        {
            string profile = Path.Combine(dir, kind + ".pb.gz");
            foreach (var o in Options) cases.Add((Functions, o, profile));
            cases.Add((@"sync\.|fmt\.|http\.", [], profile));
            string? checkout = ProfileEdits.RecordedCheckout(ProfileEdits.Read(profile));
            if (checkout is null) continue;
            cases.Add((Functions, ["-trim_path=" + checkout], profile));
            cases.Add((Functions, ["-source_path=" + checkout], profile));
            cases.Add((Functions, ["-source_path=" + checkout + "/samples", "-trim_path=" + checkout + "/samples/"], profile));
        }
        Assert.Contains(cases, c => c.Options.Any(o => o.StartsWith("-source_path=", StringComparison.Ordinal)));
        Compare(cases);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void ListOfDiffsMatchesPprof(string sample)
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample);
        string heap = Path.Combine(dir, "heap.pb.gz"), heap2 = Path.Combine(dir, "heap2.pb.gz");
        var cases = new List<(string, string[], string)>();
        foreach (var o in new[]
        {
            new[] { "-base=" + heap }, ["-diff_base=" + heap], ["-base=" + heap, "-normalize"],
            ["-diff_base=" + heap, "-sample_index=alloc_space"], ["-base=" + heap, "-drop_negative"],
            ["-diff_base=" + heap, "-focus=main", "-lines"],
        })
        {
            cases.Add((Functions, o, heap2));
        }
        Compare(cases);
    }

    /// <summary>With start lines recorded (as Go 1.20 and later write them), a listing starts at the function's first line.</summary>
    [Fact]
    public void ListWithStartLinesMatchesPprof()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string tmp = TempDir();
        try
        {
            var p = ProfileEdits.Read(Path.Combine(dir, "heap.pb.gz"));
            // Two lines above the first line the profile records for each function: a start line
            // that moves every listing away from pprof's default five-line margin.
            var firstLine = new Dictionary<int, long>();
            foreach (var line in p.Lines)
                if (line.Number > 0) firstLine[line.Function] = Math.Min(firstLine.GetValueOrDefault(line.Function, long.MaxValue), line.Number);
            var edited = p.With(functions: [.. p.Functions.Select((f, i) => f with { StartLine = firstLine.TryGetValue(i, out long l) ? Math.Max(1, l - 2) : 0 })]);
            string path = ProfileEdits.Write(edited, tmp, "start-lines.pb.gz");
            Compare([(Functions, [], path), (Functions, ["-lines"], path), (@"http\.", ["-noinlines"], path)]);
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>Files that exist nowhere: pprof's error lines (absolute and relative names), and exit 0.</summary>
    [Fact]
    public void MissingSourcesPrintPprofsErrors()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string tmp = TempDir();
        try
        {
            var p = ProfileEdits.Read(Path.Combine(dir, "heap.pb.gz"));
            var edited = ProfileEdits.MapFiles(p, f =>
                f.Contains("/samples/", StringComparison.Ordinal) ? "/nonexistent-lh/" + Path.GetFileName(f)
                : f.EndsWith("/proc.go", StringComparison.Ordinal) ? "lost-lh/proc.go"
                : f);
            string path = ProfileEdits.Write(edited, tmp, "missing.pb.gz");
            var pprof = GoPprof.Run("-list", Functions, path);
            Assert.Contains(" Error: open /nonexistent-lh/main.go: no such file or directory\n", pprof.Stdout);
            Compare([(Functions, [], path), (Functions, ["-trim_path=/nonexistent-lh"], path), (Functions, ["-source_path=/nonexistent-lh:/also-missing"], path)]);
            var ours = LeakHoundCli.Run("list", Functions, path);
            Assert.Equal(0, ours.ExitCode);
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>
    /// -trim_path and -source_path also change the file names of top and tree at line or file
    /// granularity, and pprof always drops Bazel's /proc/self/cwd/ prefix.
    /// </summary>
    [Fact]
    public void TrimmedNamesInOtherReportsMatchPprof()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string heap = Path.Combine(dir, "heap.pb.gz");
        var p = ProfileEdits.Read(heap);
        string checkout = ProfileEdits.RecordedCheckout(p) ?? throw new InvalidOperationException("no samples path recorded in " + heap);
        string tmp = TempDir();
        try
        {
            string bazel = ProfileEdits.Write(ProfileEdits.MapFiles(p, f => f.Replace(checkout + "/", "/proc/self/cwd/./", StringComparison.Ordinal)), tmp, "bazel.pb.gz");
            var failures = new StringBuilder();
            foreach (var args in new[]
            {
                new[] { "top", "-lines", "-trim_path=" + checkout, heap }, ["top", "-files", "-source_path=" + checkout + ":/usr/lib", heap],
                ["tree", "-lines", "-trim_path=/usr/lib/:" + checkout, heap], ["peek", "-filefunctions", "-source_path=" + checkout + "/samples", "main", heap],
                ["top", "-lines", bazel], ["tree", "-files", bazel],
            })
            {
                string[] pprofArgs = args[0] == "peek" ? [.. args[1..^2], "-peek", args[^2], args[^1]] : [.. args[1..^1], "-" + args[0], args[^1]];
                var pprof = GoPprof.Run(pprofArgs);
                var ours = LeakHoundCli.Run(args);
                Assert.True(pprof.ExitCode == 0 && ours.ExitCode == 0, pprof.Stderr + ours.Stderr);
                if (TextDiff.FirstDifference(pprof.Stdout, ours.Stdout) is { } diff) failures.AppendLine($"{string.Join(' ', args)}: {diff}");
            }
            Assert.True(failures.Length == 0, failures.ToString());
            Compare([(Functions, [], bazel), (Functions, ["-source_path=" + checkout], bazel)]);
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    private static string TempDir()
    {
        string tmp = Path.Combine(Path.GetTempPath(), $"lh-list-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        return tmp;
    }

    internal static void Compare(IEnumerable<(string Regex, string[] Options, string Profile)> cases)
    {
        var failures = new StringBuilder();
        int compared = 0;
        foreach (var (rx, options, profile) in cases)
        {
            var pprof = GoPprof.Run([.. options, "-list", rx, profile]);
            var ours = LeakHoundCli.Run(["list", .. options, rx, profile]);
            string what = $"list {string.Join(' ', options)} {rx} {Path.GetRelativePath(TestPaths.Corpus, profile)}";
            if ((pprof.ExitCode == 0) != (ours.ExitCode == 0))
            {
                failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {ours.ExitCode} ({ours.Stderr.Trim()})");
                continue;
            }
            if (pprof.ExitCode != 0) continue;
            compared++;
            string? diff = TextDiff.FirstDifference(pprof.Stdout, ours.Stdout);
            if (diff is not null) failures.AppendLine($"{what}: {diff}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(compared > 0, "pprof listed nothing: no comparison was made");
    }
}
