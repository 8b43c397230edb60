using System.Text;
using LeakHound.Formats.Pprof;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// What the real profiles lack, in a profile made here and written as profile.proto, compared with
/// <c>go tool pprof -dot</c> on the same file: Java, C++ and versioned Go module names, generic
/// "[...]", quotes and backslashes in names, frames known only by binary or not at all, inlined
/// frames, seven label sets (four shown), byte sizes that collapse into ranges or share a name
/// ("4kB" for 4096 and 4097), another numeric label (ignored), and a diff whose edges cancel out.
/// With -symbolize=none: otherwise pprof rewrites names that look like demangled C++ (dropping
/// "(…)" and "&lt;…&gt;") when it reads the profile, which LeakHound does not do (see docs).
/// </summary>
public class DotSyntheticDifferentialTests
{
    private static readonly string[] Names =
    [
        "main.main",
        "github.com/acme/shop/v2/internal/cart.(*Cart).Add",
        "example.com/lib/v10.Map[...]",
        "com.example.app.Worker.run",
        "java.lang.Thread.<init>",
        "Outer$Inner.call$2(java.lang.String)",
        "(anonymous namespace)::Foo::Bar::baz<int>",
        "std::vector<int>::~vector",
        "main.weird\"quote\\back",
        "runtime.mallocgc",
        "net/http.(*conn).serve",
        "main.handle",
        "main.inlinedHelper",
    ];

    private static readonly long[] Sizes = [16, 32, 4096, 4097, 3000, 65536, 1 << 20];

    /// <summary>A heap-like profile; <paramref name="extra"/> adds samples only the newer profile has.</summary>
    private static Profile Build(bool extra)
    {
        var b = new ProfileBuilder([new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes")])
        {
            PeriodType = new ProfileValueType("space", "bytes"),
            Period = 524288,
            TimeNanos = 1_763_712_000_000_000_000,
        };
        b.AddMapping(new Mapping(1, 0x400000, 0x800000, 0, "/opt/app/bin/synth", "", true, true, true, true));
        b.AddMapping(new Mapping(2, 0x900000, 0x990000, 0, "", "", false, false, false, false));
        for (int f = 0; f < Names.Length; f++)
        {
            string file = f % 3 == 0 ? $"/src/app/dir{f}/file{f}.go" : $"/src/lib/f{f}.cc";
            b.AddFunction(new Function((ulong)f + 1, Names[f], Names[f], file, 10 * f));
        }
        // One location per function, one with an inlined frame, one known only by binary, one by nothing.
        for (int f = 0; f < Names.Length; f++)
            b.AddLocation((ulong)f + 1, 0, 0x401000 + (ulong)f * 0x40, false, [new Line(f, 100 + f)]);
        int inlined = b.AddLocation(100, 0, 0x402000, false, [new Line(12, 7), new Line(11, 42)]);
        int binaryOnly = b.AddLocation(101, 0, 0x403000, false, []);
        int unknown = b.AddLocation(102, 1, 0x900100, false, []);

        int tenant = b.Intern("tenant"), req = b.Intern("req"), bytes = b.Intern("bytes"), count = b.Intern("count");
        int[][] stacks =
        [
            [9, 1, 11, 10, 0], [9, 2, 11, 10, 0], [3, 4, 0], [5, 4, 0], [6, 7, 11, 0], [8, inlined, 10, 0],
            [9, inlined, 10, 0], [binaryOnly, 1, 0], [unknown, 2, 10, 0], [7, 0], [9, 3, 1, 11, 10, 0],
        ];
        int sample = 0;
        for (int round = 0; round < (extra ? 4 : 3); round++)
        {
            foreach (var stack in stacks)
            {
                sample++;
                long size = Sizes[sample * 3 % Sizes.Length];
                long objects = 1 + sample % 5;
                var labels = new List<Label> { new(bytes, 0, size, 0), new(count, 0, objects, 0) };
                if (sample % 3 != 0) labels.Add(new Label(tenant, b.Intern("t" + (1 + sample / 2 % 7)), 0, 0));
                if (sample % 4 == 0) labels.Add(new Label(req, b.Intern("GET /a b"), 0, 0));
                b.AddSample([objects, objects * size], stack, labels.ToArray());
            }
        }
        return b.Build();
    }

    [Fact]
    public void NamesLabelsAndSizesMatchPprof()
    {
        string older = Write(Build(extra: false)), newer = Write(Build(extra: true));
        try
        {
            var failures = new StringBuilder();
            foreach (var options in new[]
            {
                new[] { "-nodecount=80" }, ["-nodecount=0", "-nodefraction=0", "-edgefraction=0"], ["-nodecount=5"], ["-nodecount=9"],
                ["-lines"], ["-addresses"], ["-noinlines"], ["-sample_index=alloc_objects"], ["-mean"],
                ["-tagfocus=tenant=t[2-5]"], ["-taghide=tenant"], ["-tagshow=req"], ["-unit=kb"], ["-hide=main"],
                ["-taghide=tenant|req", "-sample_index=alloc_objects"], ["-taghide=tenant|req", "-nodefraction=0"],
                ["-base=" + older], ["-diff_base=" + older, "-nodefraction=0"], ["-base=" + older, "-nodecount=4"],
                ["-base=" + newer, "-drop_negative"],
            })
            {
                string[] all = [.. options, "-symbolize=none"];
                DotDifferentialTests.Compare(failures, [.. all, newer], [.. all, "-dot", newer], $"dot {string.Join(' ', options)}");
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
        string path = Path.Combine(Path.GetTempPath(), $"lh-dot-synth-{Guid.NewGuid():N}.pb.gz");
        using var fs = File.Create(path);
        ProtoProfileWriter.Write(p, fs);
        return path;
    }
}
