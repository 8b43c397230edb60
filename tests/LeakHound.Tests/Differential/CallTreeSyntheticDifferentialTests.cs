using System.Text;
using LeakHound.Formats.Pprof;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// -call_tree on a profile made here, where the real ones are thin, compared with <c>go tool
/// pprof -dot/-callgrind -call_tree</c> on the same file: one function under many callers,
/// recursion, a chain of three inlined functions (a node-count cut through it leaves residual edges
/// that are inline only when every edge they replace was), labels and byte sizes (tags counted
/// against the node count), samples of value 0 (-mean), and a diff in which a node's callees
/// cancel out, leaving it without value between two nodes that have one.
/// </summary>
public class CallTreeSyntheticDifferentialTests
{
    private static readonly string[] Names =
    [
        "main.main", "main.a", "main.b", "main.rec", "runtime.mallocgc", "main.inl", "main.outer", "main.leaf", "main.small", "main.x",
    ];

    private const int Main = 0, A = 1, B = 2, Rec = 3, Malloc = 4, Outer = 6, Leaf = 7, Small = 8, X = 9;

    /// <summary>A heap-like profile; the older one has the same stacks with other weights.</summary>
    private static Profile Build(bool older)
    {
        var b = new ProfileBuilder([new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes")])
        {
            PeriodType = new ProfileValueType("space", "bytes"),
            Period = 524288,
            TimeNanos = 1_763_712_000_000_000_000,
        };
        b.AddMapping(new Mapping(1, 0x400000, 0x800000, 0, "/opt/app/bin/tree", "", true, true, true, true));
        for (int f = 0; f < Names.Length; f++)
            b.AddFunction(new Function((ulong)f + 1, Names[f], Names[f], $"/src/app/f{f % 3}.go", 10 * f));
        for (int f = 0; f < Names.Length; f++)
            b.AddLocation((ulong)f + 1, 0, 0x401000 + (ulong)f * 0x40, false, [new Line(f, 100 + f)]);
        // Inlined: inl into outer; leaf into inl into outer (innermost first).
        int inl = b.AddLocation(100, 0, 0x402000, false, [new Line(5, 7), new Line(Outer, 42)]);
        int inl3 = b.AddLocation(101, 0, 0x402100, false, [new Line(Leaf, 3), new Line(5, 8), new Line(Outer, 43)]);
        int malloc2 = b.AddLocation(102, 0, 0x403000, false, [new Line(Malloc, 900)]);

        int tenant = b.Intern("tenant"), bytes = b.Intern("bytes");
        (int[] Stack, long Objects, long Space)[] samples =
        [
            ([Malloc, A, Main], 4, 4096), ([Malloc, B, Main], 4, 4096), ([Malloc, A, B, Main], 2, 2048),
            ([malloc2, Rec, Rec, Rec, A, Main], 3, 3000), ([Malloc, Rec, A, Main], 1, 1000),
            ([Malloc, inl, A, Main], 6, 8192), ([Leaf, Outer, B, Main], 5, 5000), ([inl3, B, Main], 7, 7168),
            ([Leaf, inl3, A, Main], 2, 2000), ([Small, A, Main], 1, 16), ([Malloc, Small, B, Main], 1, 32),
            ([Malloc, A, Main], 3, 0), ([Leaf, Outer, A, Main], 2, 2048),
            (older ? [Small, X, Main] : [Malloc, X, Main], 4, 4000),
        ];
        int n = 0;
        foreach (var (stack, objects, space) in samples)
        {
            n++;
            long scale = older && n % 3 == 0 ? 2 : 1;
            var labels = new List<Label> { new(bytes, 0, n % 2 == 0 ? 1024 : 16, 0) };
            if (n % 3 != 0) labels.Add(new Label(tenant, b.Intern("t" + n % 4), 0, 0));
            b.AddSample([objects * scale, space * scale], stack, labels.ToArray());
        }
        return b.Build();
    }

    [Fact]
    public void CallTreeMatchesPprof()
    {
        string older = Write(Build(older: true)), newer = Write(Build(older: false));
        try
        {
            var failures = new StringBuilder();
            foreach (var options in new[]
            {
                Array.Empty<string>(), ["-nodecount=4"], ["-nodecount=6"], ["-nodecount=9"], ["-nodecount=14"],
                ["-nodefraction=0", "-edgefraction=0"], ["-nodefraction=0.1"], ["-edgefraction=0.2", "-nodecount=8"],
                ["-lines"], ["-lines", "-nodecount=7"], ["-addresses"], ["-noinlines"], ["-noinlines", "-nodecount=5"],
                ["-mean"], ["-sample_index=alloc_objects"], ["-taghide=tenant", "-nodecount=6"], ["-focus=main.rec"],
                ["-hide=main.a"], ["-base=" + older], ["-base=" + older, "-drop_negative"],
                ["-diff_base=" + older, "-nodefraction=0"], ["-base=" + older, "-nodecount=5"],
            })
            {
                string[] all = ["-call_tree", .. options, "-symbolize=none"];
                PprofComparison.Compare(failures, ["dot", .. all, newer], [.. all, "-dot", newer], $"dot {string.Join(' ', all)}");
            }
            foreach (var options in new[] { Array.Empty<string>(), ["-cum"], ["-noinlines"], ["-mean"], ["-base=" + older] })
            {
                string[] all = ["-call_tree", .. options, "-symbolize=none"];
                PprofComparison.Compare(failures, ["callgrind", .. all, newer], [.. all, "-callgrind", newer], $"callgrind {string.Join(' ', all)}");
            }
            Assert.True(failures.Length == 0, failures.ToString());
        }
        finally
        {
            File.Delete(older);
            File.Delete(newer);
        }
    }

    private static string Write(Profile p)
    {
        string path = Path.Combine(Path.GetTempPath(), $"lh-calltree-synth-{Guid.NewGuid():N}.pb.gz");
        using var fs = File.Create(path);
        ProtoProfileWriter.Write(p, fs);
        return path;
    }
}
