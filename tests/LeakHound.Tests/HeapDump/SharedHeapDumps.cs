using LeakHound.Tests.Support;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// The shared heap dumps (../shared/testdata/heapdumps) and the counts their README gives, read by
/// an independent reader that decoded every record of every kind.
/// </summary>
public static class SharedHeapDumps
{
    public sealed record Expected(
        string Version, int Objects, long ObjectBytes, int PointerFields, ulong HeapObjects, ulong HeapAlloc,
        int Goroutines, int StackFrames, int Finalizers, int MemProf, int AllocSamples, int Types, int Itabs);

    /// <summary>The README's table, row by row.</summary>
    public static readonly IReadOnlyDictionary<string, Expected> Counts = new Dictionary<string, Expected>
    {
        ["dumpgen-go1.19"] = new("go1.19.8", 8798, 2704856, 21978, 8798, 2704856, 207, 1226, 5, 24, 543, 23, 25),
        ["dumpgen-go1.21"] = new("devel go1.21-21ff9be0e", 8755, 2692232, 20995, 8755, 2692232, 207, 1226, 5, 21, 530, 25, 27),
        ["dumpgen-go1.23"] = new("devel go1.23-c622f5c34", 8928, 2725256, 21613, 8861, 2722544, 207, 1228, 5, 18, 526, 26, 28),
        ["dumpgen-go1.25"] = new("devel go1.25-c0e149b6b", 8995, 2726760, 21403, 8908, 2723352, 209, 1235, 1, 22, 595, 29, 31),
    };

    public static IEnumerable<object[]> Names() => Counts.Keys.Select(k => new object[] { k });

    public static string Path(string name) =>
        System.IO.Path.Combine(TestPaths.RequireDirectory(
            System.IO.Path.Combine(TestPaths.SharedTestData, "heapdumps"), "the shared test data lives beside the repository"), name + ".dump.gz");

    /// <summary>Whether the dump's runtime puts malloc headers in front of large objects with pointers (Go 1.22+).</summary>
    public static bool HasMallocHeaders(string name) => name is "dumpgen-go1.23" or "dumpgen-go1.25";

    private static readonly Dictionary<string, LeakHound.Formats.HeapDump.HeapDump> Cache = [];

    /// <summary>The dump read once per test run (the model is immutable).</summary>
    public static LeakHound.Formats.HeapDump.HeapDump Read(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var d))
                Cache[name] = d = LeakHound.Formats.HeapDump.HeapDumpReader.Read(Path(name), LeakHound.Core.Limits.Default);
            return d;
        }
    }
}
