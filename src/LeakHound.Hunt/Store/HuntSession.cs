namespace LeakHound.Hunt.Store;

/// <summary>
/// One run of <c>leakhound hunt</c> that wrote into the store (the first, then one per resume):
/// when it started, the endpoints it found (and its discovery report, one line per endpoint),
/// and its options as JSON.
/// </summary>
public sealed record HuntSession(
    int Id,
    DateTimeOffset Started,
    Uri? PprofIndex,
    Uri? Vars,
    Uri? Metrics,
    string Endpoints,
    string Options);
