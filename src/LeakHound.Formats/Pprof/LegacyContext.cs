using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>What every legacy parser needs: where the data came from, the limits, and the options.</summary>
internal sealed class LegacyContext(string source, Limits limits, bool keepSymbols)
{
    public string Source { get; } = source;
    public Limits Limits { get; } = limits;
    public bool KeepSymbols { get; } = keepSymbols;

    /// <summary>
    /// Set by a parser that recognised the start of its format and then gave up the way pprof does
    /// (pprof's errUnrecognized): the reason, thrown if no other format accepts the data.
    /// </summary>
    public InputException? NearMiss { get; set; }

    public void Miss(InputException reason) => NearMiss ??= reason;
}
