namespace LeakHound.Hunt.Metrics;

/// <summary>
/// One sample line of the Prometheus text exposition format: a metric name, its labels in the
/// order written (values unescaped), the value (NaN and ±Inf included) and the optional timestamp
/// in milliseconds since the Unix epoch.
/// </summary>
public sealed record PrometheusSample(
    string Name,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    double Value,
    long? TimestampMs)
{
    /// <summary>The value of label <paramref name="name"/>, or null when the sample has no such label.</summary>
    public string? Label(string name)
    {
        foreach (var (k, v) in Labels)
            if (k == name) return v;
        return null;
    }
}
