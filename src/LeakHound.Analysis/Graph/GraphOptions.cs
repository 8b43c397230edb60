namespace LeakHound.Analysis.Graph;

/// <summary>How a report's graph is built and trimmed: pprof's report options that shape the graph.</summary>
public sealed record GraphOptions
{
    public int ValueIndex { get; init; }
    /// <summary>The value index dividing <see cref="ValueIndex"/> for -mean, or -1.</summary>
    public int MeanIndex { get; init; } = -1;
    public bool DropNegative { get; init; }
    public double NodeFraction { get; init; } = 0.005;
    public double EdgeFraction { get; init; } = 0.001;
    /// <summary>At most this many nodes (0: no limit).</summary>
    public int NodeCount { get; init; }
    public bool CumSort { get; init; }
    public EdgeScope Edges { get; init; } = EdgeScope.IntoInlined;
}
