using System.Text.Json;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Goroutines;

[Collection(LiveServices.Name)]
public class GoroutinesCommandTests
{
    private static string Corpus(string sample, string file) =>
        Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample, file);

    [Fact]
    public async Task LiveServiceFetchedTwiceShowsTheLeakGrowing()
    {
        using var svc = SampleService.Start("goroutineleak");
        svc.Drive(50);
        // Load runs while leakhound waits between its two fetches.
        var load = Task.Run(async () =>
        {
            await Task.Delay(300);
            svc.Drive(200);
        });
        var r = LeakHoundCli.Run("goroutines", "--every", "3s", "--json", svc.BaseUrl);
        await load;
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var top = json.RootElement.GetProperty("changes")[0];
        Assert.Equal(200, top.GetProperty("growth").GetInt64());
        var stack = top.GetProperty("group").GetProperty("stack");
        Assert.Equal("main.produce", stack[0].GetProperty("function").GetString());
        Assert.True(stack[0].GetProperty("user").GetBoolean());
    }

    [Fact]
    public void JsonHasGroupsFindingsAndStacks()
    {
        var r = LeakHoundCli.Run("goroutines", "--json", Corpus("goroutineleak", "stackdump2.txt"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        Assert.Equal(2006, root.GetProperty("goroutines").GetInt64());
        var g = root.GetProperty("groups")[0];
        Assert.Equal(2000, g.GetProperty("count").GetInt64());
        Assert.Equal("chan send", g.GetProperty("state").GetString());
        Assert.Equal("main.startLookup", g.GetProperty("createdBy").GetProperty("function").GetString());
        Assert.Equal("BlockedOnChannel", root.GetProperty("findings")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public void MatchAndExcludeFilterGroups()
    {
        string dump = Corpus("goroutineleak", "stackdump2.txt");
        var only = LeakHoundCli.Run("goroutines", "--match", @"main\.produce", "--json", dump);
        using (var json = JsonDocument.Parse(only.Stdout))
            Assert.Equal(1, json.RootElement.GetProperty("groups").GetArrayLength());
        var without = LeakHoundCli.Run("goroutines", "--exclude", @"main\.produce", "--json", dump);
        using (var json = JsonDocument.Parse(without.Stdout))
            Assert.All(json.RootElement.GetProperty("groups").EnumerateArray(), g =>
                Assert.NotEqual("main.produce", g.GetProperty("stack")[0].GetProperty("function").GetString()));
    }

    [Fact]
    public void TextReadsTheCountFormAndTheProtoFormToo()
    {
        foreach (var file in new[] { "goroutine.txt", "goroutine.pb.gz" })
        {
            var r = LeakHoundCli.Run("goroutines", Corpus("goroutineleak", file));
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("1000 goroutines", r.Stdout);
            Assert.Contains("main.produce", r.Stdout);
        }
    }

    [Fact]
    public void HtmlIsWritten()
    {
        string html = Path.Combine(Path.GetTempPath(), $"lh-goroutines-{Guid.NewGuid():N}.html");
        try
        {
            var r = LeakHoundCli.Run("goroutines", "--html", html, Corpus("tickerleak", "stackdump2.txt"));
            Assert.True(r.ExitCode == 0, r.Stderr);
            string text = File.ReadAllText(html);
            Assert.Contains("loop on a ticker", text);
            Assert.Contains("main.poll", text);
        }
        finally
        {
            File.Delete(html);
        }
    }

    [Fact]
    public void NotADumpIsOneLineAndExit2()
    {
        string path = Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap.pb.gz");
        var r = LeakHoundCli.Run("goroutines", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("leakhound: " + path + ": ", r.Stderr);
    }
}
