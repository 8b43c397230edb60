namespace LeakHound.Hunt.Store;

/// <summary>
/// A run of snapshots from one process of the service. Segment 0 starts with the hunt; each
/// detected restart starts the next, at its first snapshot, for the reason given.
/// </summary>
public sealed record StoredSegment(int Id, DateTimeOffset Started, int? FirstSnapshot, string Reason);
