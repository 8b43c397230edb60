using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// A snapshot's heap profile: either already parsed, or parsed when the analysis needs it and not
/// kept, so that an analysis of hundreds of stored snapshots holds a few profiles at a time rather
/// than all of them (each parsed profile is several times the size of its gzipped bytes).
/// </summary>
public sealed class HeapProfileSource
{
    private readonly Profile? _profile;
    private readonly Func<Profile>? _parse;
    private double _inuseTotal = double.NaN;

    public HeapProfileSource(Profile profile) => _profile = profile ?? throw new ArgumentNullException(nameof(profile));

    /// <summary>
    /// A profile parsed by <paramref name="parse"/> on every <see cref="Load"/> (which raises
    /// InputException for bad bytes); <paramref name="name"/> names it in errors.
    /// </summary>
    public HeapProfileSource(string name, Func<Profile> parse)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        _parse = parse ?? throw new ArgumentNullException(nameof(parse));
    }

    /// <summary>What the profile is, for error messages ("STORE snapshot 3 heap profile").</summary>
    public string Name { get; } = "heap profile";

    /// <summary>True when the profile is held in memory (no parse on <see cref="Load"/>).</summary>
    public bool IsParsed => _profile is not null;

    /// <summary>The profile: the one held, or a fresh parse (which must be a heap profile).</summary>
    public Profile Load()
    {
        if (_profile is not null) return _profile;
        var p = _parse!();
        if (!HeapSiteTable.IsHeapProfile(p))
            throw new InputException(Name, "not a heap profile: it lacks inuse_space, inuse_objects or alloc_space");
        return p;
    }

    /// <summary>The sum of the inuse_space values, once known (NaN before): kept so that the profile need not be parsed again for it.</summary>
    public double InuseTotal
    {
        get => _inuseTotal;
        internal set => _inuseTotal = value;
    }

    public static implicit operator HeapProfileSource?(Profile? profile) => profile is null ? null : new HeapProfileSource(profile);
}
