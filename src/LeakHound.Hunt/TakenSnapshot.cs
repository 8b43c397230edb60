namespace LeakHound.Hunt;

/// <summary>
/// What one round of fetches brought back, raw: the heap profile and the goroutine profile as the
/// service sent them (gzipped profile.proto), and the metrics by <see cref="LeakHound.Analysis.Trends.MetricNames"/>
/// name. <see cref="Refused"/> is set when the service refused a connection during the round: it
/// was down, which matters for restart detection.
/// </summary>
public sealed record TakenSnapshot(
    DateTimeOffset Time,
    TimeSpan Duration,
    SnapshotStatus Status,
    string? Error,
    bool Refused,
    byte[]? Heap,
    byte[]? Goroutines,
    IReadOnlyDictionary<string, double> Metrics);
