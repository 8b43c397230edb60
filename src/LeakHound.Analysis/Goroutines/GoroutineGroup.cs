namespace LeakHound.Analysis.Goroutines;

/// <summary>
/// Goroutines with the same state and stack (at the chosen similarity) and the same creator:
/// their rows in the dump, how many goroutines they stand for, and what they have in common.
/// </summary>
public sealed class GoroutineGroup
{
    /// <summary>The row whose stack is shown for the group (the first in the dump).</summary>
    public required int Representative { get; init; }
    public required int[] Rows { get; init; }
    /// <summary>Goroutines in the group (rows of a debug=1 or proto profile stand for several).</summary>
    public required long Count { get; init; }
    /// <summary>Shortest and longest wait in minutes among the members, -1 when none was printed.</summary>
    public required int MinWaitMinutes { get; init; }
    public required int MaxWaitMinutes { get; init; }
    public required bool Locked { get; init; }
    public required bool Leaked { get; init; }
    /// <summary>Distinct "key=value" labels of the members, at most 10.</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>Ids of the goroutines that created the members, distinct, at most 10.</summary>
    public required IReadOnlyList<long> ParentIds { get; init; }
    /// <summary>Index, in the representative's frames, of the first frame of user code (not runtime or standard library), or -1.</summary>
    public required int FirstUserFrame { get; init; }
    /// <summary>How much the group matters: many goroutines, in user code, waiting long, rank first.</summary>
    public required double Score { get; init; }

}
