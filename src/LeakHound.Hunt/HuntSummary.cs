namespace LeakHound.Hunt;

/// <summary>How a hunt session ended: where the store is, what this session added, and whether it was cancelled.</summary>
public sealed record HuntSummary(
    string StorePath,
    int Taken,
    int Gaps,
    int Restarts,
    int FirstSequence,
    int LastSequence,
    bool Cancelled,
    TimeSpan Elapsed);
