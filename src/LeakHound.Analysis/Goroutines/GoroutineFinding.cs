namespace LeakHound.Analysis.Goroutines;

public enum FindingKind
{
    /// <summary>The runtime's goroutineleak profile marked them "(leaked)".</summary>
    Leaked,
    /// <summary>Parked on a channel operation in user code, many of them or for long.</summary>
    BlockedOnChannel,
    /// <summary>Several goroutines waiting for the same sync.Mutex or RWMutex.</summary>
    SameMutex,
    /// <summary>Looping on a ticker's channel: a ticker that is never stopped.</summary>
    Ticker,
}

/// <summary>A plain-language finding about a group (or, for a shared mutex, about several), with the evidence in its text.</summary>
public sealed record GoroutineFinding(FindingKind Kind, string Text, int Group, long Goroutines);
