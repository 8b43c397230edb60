using LeakHound.Analysis.Graph;

namespace LeakHound.Analysis.Flame;

/// <summary>How a <see cref="FlameTree"/> names its frames and which small nodes it leaves out while building.</summary>
public sealed record FlameTreeOptions
{
    /// <summary>What a frame stands for: a function (the default), a source line, … as pprof's -functions, -lines.</summary>
    public Granularity Granularity { get; init; } = Granularity.Functions;

    /// <summary>Attribute inlined functions to their caller (pprof's -noinlines) instead of giving each its own frame.</summary>
    public bool NoInlines { get; init; }

    /// <summary>
    /// Nodes through which less than this fraction of the total passes (the sum of |value| over
    /// their samples, the larger of base and new in a diff) are not built, nor anything beneath
    /// them. 0 keeps every node with a non-zero value. Building with a fraction is much faster on
    /// large profiles than building everything and pruning afterwards.
    /// </summary>
    public double MinFraction { get; init; }
}
