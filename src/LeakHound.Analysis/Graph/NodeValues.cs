namespace LeakHound.Analysis.Graph;

/// <summary>
/// Flat and cumulative values of every node, with the divisors used for -mean. Indexed by node id.
/// </summary>
public sealed class NodeValues(int count)
{
    public long[] Flat { get; } = new long[count];
    public long[] FlatDiv { get; } = new long[count];
    public long[] Cum { get; } = new long[count];
    public long[] CumDiv { get; } = new long[count];

    /// <summary>Adds another part's values (of the same nodes) to these.</summary>
    public void Add(NodeValues other)
    {
        for (int n = 0; n < Flat.Length; n++)
        {
            Flat[n] += other.Flat[n];
            FlatDiv[n] += other.FlatDiv[n];
            Cum[n] += other.Cum[n];
            CumDiv[n] += other.CumDiv[n];
        }
    }

    /// <summary>The flat value, as a mean when divisors were collected.</summary>
    public long FlatValue(int n) => FlatDiv[n] == 0 ? Flat[n] : Flat[n] / FlatDiv[n];

    /// <summary>The cumulative value, as a mean when divisors were collected.</summary>
    public long CumValue(int n) => CumDiv[n] == 0 ? Cum[n] : Cum[n] / CumDiv[n];
}
