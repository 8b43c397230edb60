namespace LeakHound.Tests.Support;

/// <summary>
/// The test classes that start real sample services and judge what those services did in a given
/// time (hunts, kill/restart, live goroutine growth). xunit runs a collection that disables
/// parallelization after every parallel one, one class at a time, so these services get the
/// machine's cores to themselves: beside the pprof differential tests on two cores, a service's
/// handlers and Go's heap profile fell behind and a hunt saw less growth than its load makes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveServices
{
    public const string Name = "Live sample services";
}
