using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Flame;

/// <summary>One profile a flame graph is drawn from, and which of its sample values (a dense index, as <see cref="Profile.SampleIndexByName"/> returns).</summary>
public readonly record struct FlameInput(Profile Profile, int ValueIndex);
