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
        var changes = GoroutineDiff.Compare(oldGroups, newGroups);

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
