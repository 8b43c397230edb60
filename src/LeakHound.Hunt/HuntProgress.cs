namespace LeakHound.Hunt;

/// <summary>
/// What the hunt reports after each snapshot is stored. Counts are over the whole store (a resumed
/// hunt continues them). <see cref="Cpu"/> is the CPU time LeakHound's process used while taking
/// and storing this snapshot (network waits cost none).
/// </summary>
public sealed record HuntProgress(
    int Sequence,
    DateTimeOffset Time,
    SnapshotStatus Status,
    string? Error,
    int Segment,
    string? NewSegmentReason,
    double? HeapInuseBytes,
    double? Goroutines,
    int Snapshots,
    int Gaps,
    int Restarts,
    TimeSpan Elapsed,
    TimeSpan TakeDuration,
    TimeSpan Cpu);
