using System.Text.RegularExpressions;
using LeakHound.Analysis.Goroutines;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Tests.Differential;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Goroutines;

/// <summary>
/// Goroutine dumps written by the samples themselves (captured fresh by .ci/run): each
/// /debug/stackdump starts with the runtime's own NumGoroutine, taken at the same moment.
/// </summary>
public class SampleDumpTests
{
    public static IEnumerable<object[]> StackDumps() =>
        DifferentialCorpus.Samples.SelectMany(s => new[] { "stackdump.txt", "stackdump2.txt" }.Select(f => new object[] { s, f }));

    private static string CorpusFile(string sample, string file) =>
        Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run 'bash samples/capture.sh artifacts/corpus', as .ci/run does"), sample, file);

    [Theory]
    [MemberData(nameof(StackDumps))]
    public void ParsedCountEqualsNumGoroutine(string sample, string file)
    {
        string path = CorpusFile(sample, file);
        string first = File.ReadLines(path).First();
        var m = Regex.Match(first, @"^# NumGoroutine (\d+)$");
        Assert.True(m.Success, $"{path} does not start with # NumGoroutine N: {first}");
        var dump = GoroutineDumpReader.ReadFile(path, Limits.Default);
        Assert.Equal(long.Parse(m.Groups[1].Value), dump.Count);
        Assert.Empty(dump.Warnings);
    }

    [Theory]
    [InlineData("goroutineleak", "main.produce", "chan send", "main.startLookup")]
    [InlineData("tickerleak", "main.poll", "chan receive", "main.startPoller")]
    public void TheLeakIsTheTopGrowthAndTriageNamesItsCreator(string sample, string function, string state, string creator)
    {
        var before = GoroutineDumpReader.ReadFile(CorpusFile(sample, "stackdump.txt"), Limits.Default);
        var after = GoroutineDumpReader.ReadFile(CorpusFile(sample, "stackdump2.txt"), Limits.Default);
        var oldGroups = GoroutineGrouping.Group(before, StackSimilarity.IgnorePointers);
        var newGroups = GoroutineGrouping.Group(after, StackSimilarity.IgnorePointers);
        var changes = GoroutineDiff.Compare(before, oldGroups, after, newGroups);

        // capture.sh drives 1000 requests between the two dumps; each leaks one goroutine.
        var top = changes[0];
        Assert.Equal(1000, top.Growth);
        Assert.NotNull(top.New);
        int rep = top.New!.Representative;
        Assert.Equal(state, after.Str(after.State[rep]));
        Assert.Equal(function, after.Str(after.FramesOf(rep)[top.New.FirstUserFrame].Function));
        Assert.Equal(creator, after.Str(after.CreatedByFunction[rep]));
        Assert.True(changes.Skip(1).All(c => c.Growth <= 1), "only the leak grows by more than one");

        // The first finding names the blocked function and the creating function with its file:line.
        var findings = GoroutineTriage.Findings(after, newGroups, new Cli.SourceLinesForTests().Line);
        Assert.NotEmpty(findings);
        string createdAt = $"{creator} ({after.Str(after.CreatedByFile[rep])}:{after.CreatedByLine[rep]})";
        Assert.Contains(createdAt, findings[0].Text);
        Assert.Contains(function, findings[0].Text);
        Assert.Equal(newGroups[0].Count, findings[0].Goroutines);
        Assert.Equal(sample == "tickerleak" ? FindingKind.Ticker : FindingKind.BlockedOnChannel, findings[0].Kind);
        if (sample == "goroutineleak")
            Assert.StartsWith($"{newGroups[0].Count} goroutines blocked on channel send at main.produce", findings[0].Text);
    }

    [Fact]
    public void ControlsHaveNoFindingsAndDoNotGrow()
    {
        foreach (var sample in new[] { "lrucache", "garbage", "workerpool" })
        {
            var before = GoroutineDumpReader.ReadFile(CorpusFile(sample, "stackdump.txt"), Limits.Default);
            var after = GoroutineDumpReader.ReadFile(CorpusFile(sample, "stackdump2.txt"), Limits.Default);
            Assert.Equal(before.Count, after.Count);
            var groups = GoroutineGrouping.Group(after, StackSimilarity.IgnorePointers);
            Assert.Empty(GoroutineTriage.Findings(after, groups));
        }
    }
}

public class GroupingTests
{
    private static LeakHound.Formats.Goroutines.GoroutineDump Dump(string text) =>
        LeakHound.Formats.Goroutines.GoroutineDumpReader.Read(System.Text.Encoding.UTF8.GetBytes(text), "test", Limits.Default);

    // Go 1.21 runtime.Stack output written by hand from traceback.go: three goroutines in one
    // function, two with pointer arguments that differ, one with a different small integer.
    private const string ThreeWorkers = """
        goroutine 7 [chan receive, 3 minutes]:
        main.worker(0xc000012345, 0x1)
        	/src/app/main.go:20 +0x2a
        created by main.start in goroutine 1
        	/src/app/main.go:10 +0x45

        goroutine 8 [chan receive, 5 minutes]:
        main.worker(0xc000099999, 0x1)
        	/src/app/main.go:20 +0x2a
        created by main.start in goroutine 1
        	/src/app/main.go:10 +0x45

        goroutine 9 [chan receive]:
        main.worker(0xc000012345, 0x2)
        	/src/app/main.go:20 +0x2a
        created by main.start in goroutine 1
        	/src/app/main.go:10 +0x45

        """;

    [Theory]
    [InlineData(StackSimilarity.Exact, new long[] { 1, 1, 1 })]
    [InlineData(StackSimilarity.IgnorePointers, new long[] { 2, 1 })]
    [InlineData(StackSimilarity.IgnoreArgs, new long[] { 3 })]
    public void SimilarityDecidesWhatGroupsTogether(StackSimilarity similarity, long[] counts)
    {
        var groups = GoroutineGrouping.Group(Dump(ThreeWorkers), similarity);
        Assert.Equal(counts, groups.Select(g => g.Count));
    }

    [Fact]
    public void GroupKeepsTheWaitRangeAndParents()
    {
        var g = GoroutineGrouping.Group(Dump(ThreeWorkers), StackSimilarity.IgnoreArgs).Single();
        Assert.Equal(3, g.MinWaitMinutes);
        Assert.Equal(5, g.MaxWaitMinutes);
        Assert.Equal([1L], g.ParentIds);
        Assert.Equal(0, g.FirstUserFrame);
    }

    [Fact]
    public void SameMutexIsPointedOut()
    {
        // Go 1.20+ wait reason for sync.Mutex; both goroutines wait on mutex 0xc0000a4010.
        const string text = """
            goroutine 20 [sync.Mutex.Lock]:
            sync.runtime_SemacquireMutex(0xc0000a4014?, 0x0?, 0x1?)
            	/usr/local/go/src/runtime/sema.go:77 +0x25
            sync.(*Mutex).lockSlow(0xc0000a4010)
            	/usr/local/go/src/sync/mutex.go:171 +0x165
            sync.(*Mutex).Lock(0xc0000a4010)
            	/usr/local/go/src/sync/mutex.go:90 +0x32
            main.update(0xc0000a4000)
            	/src/app/store.go:31 +0x4c
            created by main.main in goroutine 1
            	/src/app/main.go:12 +0x66

            goroutine 21 [sync.Mutex.Lock]:
            sync.runtime_SemacquireMutex(0xc0000a4014?, 0x0?, 0x1?)
            	/usr/local/go/src/runtime/sema.go:77 +0x25
            sync.(*Mutex).lockSlow(0xc0000a4010)
            	/usr/local/go/src/sync/mutex.go:171 +0x165
            sync.(*Mutex).Lock(0xc0000a4010)
            	/usr/local/go/src/sync/mutex.go:90 +0x32
            main.read(0xc0000a4000)
            	/src/app/store.go:44 +0x4c
            created by main.main in goroutine 1
            	/src/app/main.go:13 +0x66

            """;
        var d = Dump(text);
        var findings = GoroutineTriage.Findings(d, GoroutineGrouping.Group(d, StackSimilarity.IgnorePointers));
        var f = Assert.Single(findings);
        Assert.Equal(FindingKind.SameMutex, f.Kind);
        Assert.Equal(2, f.Goroutines);
        Assert.StartsWith("2 goroutines wait for the same sync.Mutex 0xc0000a4010", f.Text);
    }

    [Fact]
    public void LeakedGoroutinesComeFirst()
    {
        // Go 1.26 goroutineleak output: "(leaked)" after the wait reason.
        const string text = """
            goroutine 5 [select]:
            main.idle()
            	/src/app/main.go:9 +0x1d
            created by main.main in goroutine 1
            	/src/app/main.go:5 +0x1a

            goroutine 6 [chan send (leaked)]:
            main.send(0xc000020000?)
            	/src/app/main.go:15 +0x2e
            created by main.main in goroutine 1
            	/src/app/main.go:6 +0x2a

            """;
        var d = Dump(text);
        var groups = GoroutineGrouping.Group(d, StackSimilarity.IgnorePointers);
        Assert.True(groups[0].Leaked);
        var findings = GoroutineTriage.Findings(d, groups);
        Assert.Equal(FindingKind.Leaked, findings[0].Kind);
        Assert.Contains("main.send", findings[0].Text);
    }
}
