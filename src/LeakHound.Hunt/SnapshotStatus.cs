namespace LeakHound.Hunt;

/// <summary>How much of a snapshot was taken.</summary>
public enum SnapshotStatus
{
    /// <summary>Everything the service exposes was fetched.</summary>
    Ok,
    /// <summary>Some parts failed (the error says which); the others are there.</summary>
    Partial,
    /// <summary>Nothing could be fetched: a gap in the series (the error says why).</summary>
    Gap,
}
