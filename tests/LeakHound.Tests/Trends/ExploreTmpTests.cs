using LeakHound.Analysis.Trends;
using LeakHound.Tests.Support;
using Xunit.Abstractions;

namespace LeakHound.Tests.Trends;

public class ExploreTmpTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cacheleak", 0)] [InlineData("cacheleak", 1)] [InlineData("cacheleak", 2)] [InlineData("cacheleak", 3)]
    [InlineData("goroutineleak", 0)] [InlineData("goroutineleak", 1)] [InlineData("lrucache", 0)] [InlineData("garbage", 0)]
    public void Explore(string name, int run)
    {
        using var svc = SampleService.Start(name);
        var snaps = LiveHunt.Take(svc, 8, 150);
        var r = LeakAnalyzer.Analyze(snaps, LeakAnalyzerOptions.Default);
        output.WriteLine($"{name}#{run} {r.Verdict}: {r.Reason}");
        output.WriteLine("  heap metric: " + string.Join(",", r.Series[MetricNames.HeapInuseBytes].Select(p => p.Value)));
        foreach (var s in r.Suspects.Take(3)) output.WriteLine($"  #{s.Rank} {s.Kind} {s.Function} {s.Trend} conf={s.Confidence:0.000} series={string.Join(",", s.Series.Select(p => p.Value))}");
    }
}
