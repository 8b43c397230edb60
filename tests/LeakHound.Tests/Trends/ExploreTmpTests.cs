using LeakHound.Analysis.Trends;
using LeakHound.Tests.Support;
using Xunit.Abstractions;

namespace LeakHound.Tests.Trends;

public class ExploreTmpTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("lrucache", 0)] [InlineData("lrucache", 1)] [InlineData("lrucache", 2)] [InlineData("lrucache", 3)]
    [InlineData("garbage", 0)] [InlineData("garbage", 1)] [InlineData("cacheleak", 0)] [InlineData("goroutineleak", 0)]
    public void Explore(string name, int run)
    {
        using var svc = SampleService.Start(name);
        var snaps = LiveHunt.Take(svc, 8, 150);
        var r = LeakAnalyzer.Analyze(snaps, LeakAnalyzerOptions.Default);
        var r2 = LeakAnalyzer.Analyze(snaps.Select(s => s with { Metrics = new Dictionary<string, double>() }).ToList(), LeakAnalyzerOptions.Default);
        foreach (var x in new[] { r, r2 })
        {
            output.WriteLine($"{name}#{run} {x.Verdict}: {x.Reason}");
            foreach (var s in x.Suspects) output.WriteLine($"  #{s.Rank} {s.Kind} {s.Function} {s.Trend} conf={s.Confidence:0.00} series={string.Join(",", s.Series.Select(p => p.Value))}");
        }
    }
}
