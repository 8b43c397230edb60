namespace LeakHound.Hunt.Metrics;

/// <summary>What a <c>/metrics</c> page held: its samples in order, and the HELP and TYPE of each family.</summary>
public sealed class PrometheusExposition
{
    public required IReadOnlyList<PrometheusSample> Samples { get; init; }

    /// <summary>Family name → type as written on its TYPE line (counter, gauge, histogram, summary, untyped).</summary>
    public required IReadOnlyDictionary<string, string> Types { get; init; }

    /// <summary>Family name → docstring of its HELP line, unescaped.</summary>
    public required IReadOnlyDictionary<string, string> Help { get; init; }

    /// <summary>Sample lines on the page, including those not kept in <see cref="Samples"/>.</summary>
    public int SampleLines { get; init; }

    /// <summary>
    /// The value of metric <paramref name="name"/>: its sample without labels if there is one,
    /// otherwise its first sample.
    /// </summary>
    public bool TryGetValue(string name, out double value)
    {
        PrometheusSample? first = null;
        foreach (var s in Samples)
        {
            if (s.Name != name) continue;
            if (s.Labels.Count == 0)
            {
                value = s.Value;
                return true;
            }
            first ??= s;
        }
        value = first?.Value ?? double.NaN;
        return first is not null;
    }
}
