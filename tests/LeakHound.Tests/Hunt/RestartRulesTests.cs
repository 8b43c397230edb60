using LeakHound.Analysis.Trends;
using LeakHound.Hunt;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Tests.Hunt;

public class RestartRulesTests
{
    private static Dictionary<string, double> M(params (string Name, double Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void TheFirstSnapshotNeverStartsASegment() =>
        Assert.Null(RestartRules.NewSegmentReason(null, M((MetricNames.NumGC, 1)), refusedSince: true, resumed: true));

    [Fact]
    public void AChangedStartTimeIsARestart()
    {
        var reason = RestartRules.NewSegmentReason(M((MetricNames.ProcessStartSeconds, 1000)), M((MetricNames.ProcessStartSeconds, 1060.5)), false, false);
        Assert.Equal("process start time changed (1000 → 1060.5)", reason);
    }

    [Fact]
    public void AnUnchangedStartTimeProvesTheSameProcessWhateverElse()
    {
        var before = M((MetricNames.ProcessStartSeconds, 1000.25), (MetricNames.NumGC, 50));
        var after = M((MetricNames.ProcessStartSeconds, 1000.25), (MetricNames.NumGC, 3));
        Assert.Null(RestartRules.NewSegmentReason(before, after, refusedSince: true, resumed: true));
        Assert.Null(RestartRules.NewSegmentReason(M((MetricNames.ProcessStartSeconds, 1000)), M((MetricNames.ProcessStartSeconds, 1000.4)), false, false));
    }

    [Theory]
    [InlineData(MetricNames.TotalAllocBytes)]
    [InlineData(MetricNames.NumGC)]
    [InlineData(HuntMetrics.ProfileAllocBytes)]
    public void ACounterGoingDownIsARestart(string counter)
    {
        var reason = RestartRules.NewSegmentReason(M((counter, 500)), M((counter, 20)), false, false);
        Assert.Equal($"{counter} went down (500 → 20): the counters started again", reason);
    }

    [Fact]
    public void GrowingCountersContinueTheSegment() =>
        Assert.Null(RestartRules.NewSegmentReason(M((MetricNames.NumGC, 5), (MetricNames.TotalAllocBytes, 10)), M((MetricNames.NumGC, 6), (MetricNames.TotalAllocBytes, 10)), false, false));

    [Fact]
    public void ComingBackAfterRefusalsIsARestartUnlessTheStartTimeSaysOtherwise()
    {
        Assert.Equal("the service refused connections, then answered again",
            RestartRules.NewSegmentReason(M((MetricNames.NumGC, 5)), M((MetricNames.NumGC, 9)), refusedSince: true, resumed: false));
        Assert.NotNull(RestartRules.NewSegmentReason(M(), M(), refusedSince: true, resumed: false));
    }

    [Fact]
    public void AResumeWithNothingToCompareStartsASegment()
    {
        Assert.Equal("hunt resumed: nothing tells whether the service restarted meanwhile",
            RestartRules.NewSegmentReason(M((MetricNames.Goroutines, 5)), M((MetricNames.Goroutines, 5)), false, resumed: true));
        Assert.Null(RestartRules.NewSegmentReason(M((MetricNames.NumGC, 5)), M((MetricNames.NumGC, 8)), false, resumed: true));
        Assert.Null(RestartRules.NewSegmentReason(M((MetricNames.Goroutines, 5)), M((MetricNames.Goroutines, 5)), false, resumed: false));
    }
}
