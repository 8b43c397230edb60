using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Formats.Pprof;

namespace LeakHound.Hunt.Store;

/// <summary>
/// One snapshot row as stored: its number (1, 2, … in the order taken), the session that took it,
/// its segment, when it was taken and how long it took, how much of it was taken, the raw heap
/// and goroutine profiles (gzipped profile.proto as the service sent them), and its metrics.
/// </summary>
public sealed record StoredSnapshot(
    int Sequence,
    int Session,
    int Segment,
    DateTimeOffset Time,
    TimeSpan Duration,
    SnapshotStatus Status,
    string? Error,
    bool Refused,
    byte[]? HeapProfile,
    byte[]? GoroutineProfile,
    IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>
    /// The snapshot in the analysis model: the goroutine profile parsed now, the heap profile when
    /// the analysis reads it. A profile that does not parse is an <see cref="InputException"/>
    /// naming <paramref name="store"/>, the snapshot and the profile.
    /// </summary>
    public Snapshot ToSnapshot(string store) => ToSnapshot(store, Limits.Default);

    public Snapshot ToSnapshot(string store, Limits limits)
    {
        // The heap profile is parsed when the analysis reaches it (bad bytes raise InputException then).
        var heapBytes = HeapProfile;
        string heapName = $"{store} snapshot {Sequence} heap profile";
        var heap = heapBytes is null
            ? null
            : new HeapProfileSource(heapName, () => ProfileReader.Read(heapBytes, heapName, new ProfileReadOptions { Limits = limits }));
        var goroutines = GoroutineProfile is null
            ? null
            : GoroutineDumpReader.Read(GoroutineProfile, $"{store} snapshot {Sequence} goroutine profile", limits);
        return new Snapshot(Time, Segment, heap, goroutines, Metrics);
    }
}
