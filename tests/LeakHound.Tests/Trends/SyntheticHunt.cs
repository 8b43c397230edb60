using System.Text;
using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Formats.Pprof;

namespace LeakHound.Tests.Trends;

/// <summary>
/// Heap profiles and goroutine dumps made up for the analyzer's tests. Every profile numbers and
/// orders its functions and locations differently (as two profiles of one process do), so sites
/// can only match by their names.
/// </summary>
internal static class SyntheticHunt
{
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_763_712_000);

    /// <summary>A heap site: its stack (function names, leaf first), in-use and allocated bytes, object size.</summary>
    public readonly record struct HeapSite(string[] Stack, long Inuse, long Alloc, long Size = 4096);

    public static string FileOf(string function) =>
        function.StartsWith("main.", StringComparison.Ordinal) ? "/app/main.go" : "/usr/local/go/src/" + GoPackage(function) + "/x.go";

    public static int LineOf(string function) => 10 + function.Sum(c => c) % 90;

    private static string GoPackage(string function)
    {
        int slash = function.LastIndexOf('/');
        int dot = function.IndexOf('.', slash + 1);
        return function[..dot];
    }

    /// <summary>A Go heap profile (four sample types, period <paramref name="period"/>) of these sites; <paramref name="variant"/> shuffles ids and order.</summary>
    public static Profile Heap(int variant, long period, params HeapSite[] sites)
    {
        var b = new ProfileBuilder(
        [
            new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes"),
            new ProfileValueType("inuse_objects", "count"), new ProfileValueType("inuse_space", "bytes"),
        ])
        { DefaultSampleType = "inuse_space", PeriodType = new ProfileValueType("space", "bytes"), Period = period };
        b.AddMapping(new Mapping(1, 0x400000, 0x800000, 0, "/app/bin/svc", "", true, true, true, true));

        var names = sites.SelectMany(s => s.Stack).Distinct().ToList();
        var rng = new Random(variant);
        names = names.OrderBy(_ => rng.Next()).ToList();
        var ids = Enumerable.Range(1, names.Count).OrderBy(_ => rng.Next()).ToArray();
        var location = new Dictionary<string, int>();
        for (int i = 0; i < names.Count; i++)
        {
            int f = b.AddFunction(new Function((ulong)(ids[i] + 100), names[i], names[i], FileOf(names[i]), 1));
            location[names[i]] = b.AddLocation((ulong)ids[i], 0, 0x400000 + (ulong)ids[i] * 16, false, [new Line(f, LineOf(names[i]))]);
        }
        foreach (var site in sites)
        {
            long inuseObjects = site.Inuse / site.Size, allocObjects = site.Alloc / site.Size;
            b.AddSample([allocObjects, allocObjects * site.Size, inuseObjects, inuseObjects * site.Size],
                site.Stack.Select(n => location[n]).ToArray());
        }
        return b.Build();
    }

    /// <summary>A debug=2 goroutine dump: <c>Count</c> goroutines per group, parked in <c>State</c> on <c>Stack</c> (leaf first).</summary>
    public static GoroutineDump Goroutines(params (string State, string[] Stack, string CreatedBy, int Count)[] groups)
    {
        var sb = new StringBuilder();
        int id = 1;
        sb.Append("goroutine ").Append(id++).Append(" [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n\n");
        foreach (var (state, stack, createdBy, count) in groups)
            for (int i = 0; i < count; i++)
            {
                sb.Append("goroutine ").Append(id++).Append(" [").Append(state).Append("]:\n");
                foreach (var f in stack)
                    sb.Append(f).Append("(0x").Append((id * 7919 % 4096).ToString("x")).Append(")\n\t").Append(FileOf(f)).Append(':').Append(LineOf(f)).Append(" +0x2a\n");
                sb.Append("created by ").Append(createdBy).Append(" in goroutine 1\n\t").Append(FileOf(createdBy)).Append(':').Append(LineOf(createdBy)).Append(" +0x5d\n\n");
            }
        return GoroutineDumpReader.Read(Encoding.UTF8.GetBytes(sb.ToString()), "synthetic", Limits.Default);
    }

    public static Snapshot At(int minute, int segment = 0, Profile? heap = null, GoroutineDump? goroutines = null, Dictionary<string, double>? metrics = null) =>
        new(Start.AddMinutes(minute), segment, heap, goroutines, metrics ?? []);

    // Stacks of the made-up service: allocations under the runtime's allocator, as Go records them.
    public static readonly string[] LeakStack = ["runtime.mallocgc", "runtime.makeslice", "main.newEntry", "main.handleWork", "net/http.HandlerFunc.ServeHTTP", "net/http.(*conn).serve", "runtime.goexit"];
    public static readonly string[] CacheStack = ["runtime.mallocgc", "main.(*lru).load", "main.handleWork", "net/http.HandlerFunc.ServeHTTP", "net/http.(*conn).serve", "runtime.goexit"];
    public static readonly string[] GarbageStack = ["runtime.mallocgc", "runtime.newobject", "main.newRecord", "main.handleWork", "net/http.HandlerFunc.ServeHTTP", "net/http.(*conn).serve", "runtime.goexit"];
    public static readonly string[] StaticStack = ["runtime.mallocgc", "main.loadConfig", "main.main", "runtime.main", "runtime.goexit"];
    public static readonly string[] RuntimeStack = ["runtime.malg", "runtime.newproc1", "runtime.systemstack", "runtime.goexit"];
}
