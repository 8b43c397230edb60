using LeakHound.Tests.Flame;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Hunt;

/// <summary>The hunt's HTML report, made from the bundled real hunt, opened in headless Chromium.</summary>
public class HuntReportBrowserTests
{
    [Fact]
    public async Task ReportOpensWithoutErrorsAndShowsTheVerdictChartsAndSuspects()
    {
        string store = Path.Combine(TestPaths.RepoRoot, "testdata", "hunts", "cacheleak.hunt");
        string page = Path.Combine(Path.GetTempPath(), $"lh-hunt-{Guid.NewGuid():N}.html");
        try
        {
            var r = LeakHoundCli.Run("analyze", "--report", page, store);
            Assert.True(r.ExitCode == 0, r.Stderr);
            await using var chromium = await ChromiumSession.StartAsync();
            string s = await chromium.OpenAsync(new Uri(page).AbsoluteUri);
            Assert.Empty(chromium.Errors(s));
            Assert.Equal("leak", (await chromium.EvaluateAsync(s, "document.querySelector('.verdict').textContent")).GetString());
            // Heap, RSS and goroutine charts, each with one point per snapshot.
            Assert.Equal(3, (await chromium.EvaluateAsync(s, "document.querySelectorAll('.charts svg').length")).GetInt32());
            Assert.Equal(15, (await chromium.EvaluateAsync(s, "document.querySelector('.charts svg').querySelectorAll('circle').length")).GetInt32());
            // The first suspect is the cache's allocation site, with its stack and a diff flame graph.
            Assert.Equal("#1 main.newEntry", (await chromium.EvaluateAsync(s, "document.querySelector('.suspect h2').textContent")).GetString());
            Assert.True((await chromium.EvaluateAsync(s, "document.querySelector('.suspect .flame svg') !== null")).GetBoolean());
        }
        finally
        {
            File.Delete(page);
        }
    }
}
