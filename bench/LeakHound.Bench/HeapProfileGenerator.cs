using LeakHound.Formats.Pprof;

namespace LeakHound.Bench;

/// <summary>
/// Makes a large, realistic Go heap profile, deterministically from a seed: a Go service's shape
/// (one binary mapping, runtime allocation frames at the leaf, net/http frames at the root, about
/// a sixth of the locations with an inlined frame, stacks 10–45 deep sharing prefixes), with the
/// four heap sample types and the "bytes" label Go writes.
/// </summary>
public static class HeapProfileGenerator
{
    public static Profile Generate(int samples, int locations, int functions, ulong seed)
    {
        var rng = new Rng(seed);
        var b = new ProfileBuilder(
        [
            new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes"),
            new ProfileValueType("inuse_objects", "count"), new ProfileValueType("inuse_space", "bytes"),
        ])
        {
            DefaultSampleType = "inuse_space",
            PeriodType = new ProfileValueType("space", "bytes"),
            Period = 524288,
            TimeNanos = 1_763_712_000_000_000_000,
        };
        b.AddMapping(new Mapping(1, 0x400000, 0x4000000, 0, "/app/bin/shop", "", true, true, true, true));

        string[] runtimeNames = ["runtime.mallocgc", "runtime.makeslice", "runtime.newobject", "runtime.growslice", "runtime.makemap", "runtime.rawstringtmp", "runtime.concatstrings"];
        string[] rootNames = ["runtime.goexit", "net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP", "net/http.HandlerFunc.ServeHTTP"];
        for (int f = 0; f < functions; f++)
        {
            string name, file;
            if (f < runtimeNames.Length) { name = runtimeNames[f]; file = "/usr/local/go/src/runtime/malloc.go"; }
            else if (f < runtimeNames.Length + rootNames.Length) { name = rootNames[f - runtimeNames.Length]; file = "/usr/local/go/src/net/http/server.go"; }
            else
            {
                int pkg = f % 400;
                name = $"github.com/acme/shop/internal/pkg{pkg:D3}.(*Type{f % 37:D2}).Method{f:D5}";
                file = $"/build/shop/internal/pkg{pkg:D3}/file{f % 23:D2}.go";
            }
            b.AddFunction(new Function((ulong)f + 1, name, name, file, 10 + rng.Next(2000)));
        }

        ulong address = 0x401000;
        Span<Line> lines = stackalloc Line[2];
        int fixedFunctions = runtimeNames.Length + rootNames.Length;
        for (int l = 0; l < locations; l++)
        {
            address += 4 + (ulong)rng.Next(60);
            int fn = l < fixedFunctions ? l : fixedFunctions + rng.Next(functions - fixedFunctions);
            int count = l >= fixedFunctions && rng.Next(6) == 0 ? 2 : 1;
            lines[count - 1] = new Line(fn, 20 + rng.Next(3000));
            if (count == 2) lines[0] = new Line(fixedFunctions + rng.Next(functions - fixedFunctions), 20 + rng.Next(3000));
            b.AddLocation((ulong)l + 1, 0, address, false, lines[..count]);
        }

        // Prefixes shared by many samples, as real call trees share their upper frames.
        int prefixCount = Math.Max(1, samples / 40);
        var prefixes = new int[prefixCount][];
        for (int p = 0; p < prefixCount; p++)
        {
            int depth = 6 + rng.Next(20);
            var pre = new int[depth];
            for (int i = 0; i < depth; i++)
                pre[i] = i < rootNames.Length ? runtimeNames.Length + (rootNames.Length - 1 - i) : fixedFunctions + rng.Next(locations - fixedFunctions);
            prefixes[p] = pre;
        }

        var stack = new List<int>(64);
        Span<long> values = stackalloc long[4];
        int bytesKey = b.Intern("bytes");
        var label = new Label[1];
        for (int s = 0; s < samples; s++)
        {
            stack.Clear();
            if (rng.Next(10) < 3) stack.Add(rng.Next(runtimeNames.Length)); // sometimes a runtime allocator at the leaf
            int tail = 3 + rng.Next(15);
            for (int i = 0; i < tail; i++) stack.Add(fixedFunctions + rng.Next(locations - fixedFunctions));
            var pre = prefixes[rng.Next(prefixCount)];
            for (int i = pre.Length - 1; i >= 0; i--) stack.Add(pre[i]); // root last
            long size = 16L << rng.Next(9);
            long allocObjects = 1 + rng.Next(40);
            long inuseObjects = rng.Next(4) == 0 ? 0 : rng.Next((int)allocObjects + 1);
            values[0] = allocObjects;
            values[1] = allocObjects * size;
            values[2] = inuseObjects;
            values[3] = inuseObjects * size;
            label[0] = new Label(bytesKey, 0, size, 0);
            b.AddSample(values, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stack), label);
        }
        return b.Build();
    }

    /// <summary>xorshift64*: fast, deterministic across platforms and .NET versions (unlike System.Random's seeded output).</summary>
    private struct Rng(ulong seed)
    {
        private ulong _s = seed == 0 ? 0x9E3779B97F4A7C15 : seed;

        public int Next(int max)
        {
            _s ^= _s >> 12;
            _s ^= _s << 25;
            _s ^= _s >> 27;
            return (int)((_s * 0x2545F4914F6CDD1DUL >> 33) % (ulong)max);
        }
    }
}
