using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using LeakHound.Core;
using LeakHound.Formats.Pprof;
using Xunit;

namespace LeakHound.Tests.Formats;

/// <summary>
/// The legacy (text and binary CPU) readers against Go 1.19's pprof.
///
/// How the expected values were obtained: the four files of shared/testdata/pprof carry pprof's own
/// goldens (FILE.string, Profile.String() right after parsing). I ran
/// <c>HOME=/tmp go tool pprof -raw -symbolize=none FILE</c> (Go 1.19) on each and compared by hand:
/// go.godoc.thread is identical to its golden; the others differ only through the profile.Merge the
/// driver applies after parsing (go.crc32.cpu: identical stacks merged, 17/19/26/19 samples;
/// gobench.heap: the sample with an empty stack, "7085 1048724 1820 524432 bytes:[288]", dropped;
/// cppbench.contention: unused mappings dropped, so location 13 shows M=2 instead of M=7). The
/// reader must produce the parser's profile, so it is compared with the goldens. The small inputs
/// below are written from runtime/pprof's formatting code (or copied from a Go 1.19 program's
/// debug=1 output); their expected profiles were worked out by hand from pprof's legacy_profile.go
/// and confirmed by parsing the same text with Go 1.19's vendored pprof profile package.
/// </summary>
public class LegacyProfileReaderTests
{
    private const string Source = "test.prof";

    private static Profile Read(string text, bool keepSymbols = false, Limits? limits = null) =>
        Read(Encoding.UTF8.GetBytes(text), keepSymbols, limits);

    private static Profile Read(byte[] data, bool keepSymbols = false, Limits? limits = null) =>
        LegacyProfileReader.TryRead(data, Source, limits ?? Limits.Default, keepSymbols)
        ?? throw new Xunit.Sdk.XunitException("the data was not recognised");

    private static InputException Fails(string text, Limits? limits = null) => Fails(Encoding.UTF8.GetBytes(text), limits);

    private static InputException Fails(byte[] data, Limits? limits = null) =>
        Assert.Throws<InputException>(() => LegacyProfileReader.TryRead(data, Source, limits ?? Limits.Default, keepSymbols: true));

    private static string TestData(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "LeakHound.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata", "pprof", name));
    }

    // ---- pprof's own test files, read in place ----

    [Theory]
    [InlineData("gobench.heap")]
    [InlineData("go.godoc.thread")]
    [InlineData("go.crc32.cpu")]
    [InlineData("cppbench.contention")]
    public void MatchesPprofGolden(string name)
    {
        string path = TestData(name);
        var data = File.ReadAllBytes(path);
        string golden = File.ReadAllText(path + ".string");
        foreach (bool keep in new[] { false, true })
        {
            var p = LegacyProfileReader.TryRead(data, path, Limits.Default, keep);
            Assert.NotNull(p);
            Assert.Equal(golden, PprofText.Render(p));
            Assert.Empty(p.Functions);
        }
    }

    [Fact]
    public void GoldenFilesGetPprofFrameRules()
    {
        var heap = Read(File.ReadAllBytes(TestData("gobench.heap")));
        Assert.StartsWith("calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|", heap.DropFrames, StringComparison.Ordinal);
        Assert.Contains(@"|runtime\..*|", heap.DropFrames, StringComparison.Ordinal);
        Assert.Equal(@"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*", heap.KeepFrames);

        var contention = Read(File.ReadAllBytes(TestData("cppbench.contention")));
        Assert.StartsWith("RecordLockProfileData|(base::)?RecordLockProfileData.*|", contention.DropFrames, StringComparison.Ordinal);
        Assert.Equal("", contention.KeepFrames);
        Assert.Equal(16502830L * 1000 * 1000, contention.DurationNanos);

        var cpu = Read(File.ReadAllBytes(TestData("go.crc32.cpu")));
        Assert.Equal("ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore", cpu.DropFrames);
        var thread = Read(File.ReadAllBytes(TestData("go.godoc.thread")));
        Assert.Equal(cpu.DropFrames, thread.DropFrames);
    }

    // ---- heap text ----

    private const string HeapTwoSamples = "1: 1024 [2: 4096] @ 0x401001 0x402001\n1: 3072 [1: 4096] @ 0x401001 0x403001\n";

    [Fact]
    public void HeapHeaderHalvesTheRateAndUnsamples()
    {
        // Go writes 2*MemProfileRate after "heap/": the period is half of it. Each pair is divided by
        // 1-exp(-avg/period): avg 1024 → ×512.50, avg 2048 → ×256.50, avg 3072 → ×171.17, avg 4096 → ×128.50.
        var p = Read("heap profile: 2: 4096 [3: 8192] @ heap/1048576\n" + HeapTwoSamples);
        Assert.Equal(
            """
            PeriodType: space bytes
            Period: 524288
            Samples:
            alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes
                    513    1050625        512     524800: 1 2 
                            bytes:[1024]
                    128     526338        171     525825: 1 3 
                            bytes:[3072]
            Locations
                 1: 0x401000 M=1 
                 2: 0x402000 M=1 
                 3: 0x403000 M=1 
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p));
    }

    [Theory]
    [InlineData("heapz_v2/524288", 524288L, new long[] { 513, 1050625, 512, 524800 })]
    [InlineData("heap_v2/524288", 524288L, new long[] { 513, 1050625, 512, 524800 })]
    [InlineData("heapprofile", 1L, new long[] { 2, 4096, 1, 1024 })]
    [InlineData("heap/1048576", 524288L, new long[] { 513, 1050625, 512, 524800 })]
    public void HeapHeaderVariants(string kind, long period, long[] values)
    {
        var p = Read($"heap profile: 2: 4096 [3: 8192] @ {kind}\n1: 1024 [2: 4096] @ 0x401001 0x402001\n");
        Assert.Equal(period, p.Period);
        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], p.SampleTypes.Select(t => t.Type));
        Assert.Equal(values, p.SampleValues(0).ToArray());
        Assert.Equal(new ProfileValueType("space", "bytes"), p.PeriodType);
    }

    [Theory]
    [InlineData("heap profile: 2: 4096 [3: 8192] @ growthz\n")]
    [InlineData("heap profile: 2: 4096 [3: 8192] @ growth\n")]
    [InlineData("heap profile: 2: 4096 [3: 8192] @ fragmentationz\n")]
    public void GrowthAndFragmentationHeadersAreNotSampled(string header)
    {
        // Period 1, only the in-use pair, no scaling; the block size label is still there.
        var p = Read(header + "1: 1024 [2: 4096] @ 0x401001 0x402001\n");
        Assert.Equal(1, p.Period);
        Assert.Equal(["objects", "space"], p.SampleTypes.Select(t => t.Type));
        Assert.Equal([1L, 1024L], p.SampleValues(0).ToArray());
        Assert.Equal("bytes:1024", LabelsOf(p, 0));
    }

    [Theory]
    [InlineData("2: 4096 [2: 4096]")]
    [InlineData("2: 4096 [0: 0]")]
    public void HeapWithoutDistinctAllocationsHasTwoColumns(string totals)
    {
        // Alloc columns count only when they differ (as text) from in-use and are not "0".
        var p = Read($"heap profile: {totals} @ heap/1048576\n1: 1024 [1: 1024] @ 0x401001 0x402001\n");
        Assert.Equal(["objects", "space"], p.SampleTypes.Select(t => t.Type));
        Assert.Equal([512L, 524800L], p.SampleValues(0).ToArray());
    }

    [Fact]
    public void HeapOddValues()
    {
        // Negative in-use counts are accepted; a zero size un-samples to 0/0; address 0 becomes
        // 0xffffffffffffffff after the -1 adjustment and still gets the catch-all mapping.
        var p = Read("heap profile: 1: 2 [3: 4] @ heap/1048576\n-1: 4096 [3: 12288] @ 0x1000\n1: 0 [1: 0] @ 0x0\n0: 0 [0: 0] @ 0x1000\n");
        Assert.Equal(
            """
            PeriodType: space bytes
            Period: 524288
            Samples:
            alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes
                    385    1579015        127    -522242: 1 
                            bytes:[-4096]
                      0          0          0          0: 2 
                            bytes:[0]
                      0          0          0          0: 1 
                            bytes:[0]
            Locations
                 1: 0xfff M=1 
                 2: 0xffffffffffffffff M=1 
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p));
    }

    [Fact]
    public void HeapMemoryMapAfterMappedLibraries()
    {
        var p = Read("heap profile: 1: 2 [1: 2] @ heap/2\n1: 2 [1: 2] @ 0x400101 0x7f0000001001\n"
            + "MAPPED_LIBRARIES:\n7f0000000000-7f0000100000 r-xp 00000000 08:01 2 /lib/libc.so\n401000-480000 r-xp 00001000 08:01 1 /bin/prog\n");
        // The main binary moves first and, starting 0x1000 past its offset 0x1000, is rebased to 0x400000.
        Assert.Equal(2, p.Mappings.Length);
        Assert.Equal(new Mapping(1, 0x400000, 0x480000, 0, "/bin/prog", "", false, false, false, false), p.Mappings[0]);
        Assert.Equal("/lib/libc.so", p.Mappings[1].File);
        Assert.Equal(0, p.Locations[0].Mapping);
        Assert.Equal(1, p.Locations[1].Mapping);
    }

    // ---- Go debug=1 heap text: symbols and MemStats ----

    // From a Go 1.19 program (runtime.MemProfileRate = 512), trimmed; the recursion repeats 0x4b53d7.
    private const string GoHeap =
        "heap profile: 3843: 8063504 [3849: 8448592] @ heap/1024\n" +
        "1: 4096 [1: 4096] @ 0x4b51ab 0x4b5313 0x4b53d7 0x4b53d7 0x4b554f 0x4374f2 0x4614e1\n" +
        "#\t0x4b51aa\tmain.allocBig+0x2a\t/tmp/gen/main.go:15\n" +
        "#\t0x4b5312\tmain.recurse+0x32\t/tmp/gen/main.go:24\n" +
        "#\t0x4b53d6\tmain.recurse+0xf6\t/tmp/gen/main.go:27\n" +
        "#\t0x4b53d6\tmain.recurse+0xf6\t/tmp/gen/main.go:27\n" +
        "#\t0x4b554e\tmain.main+0x14e\t\t/tmp/gen/main.go:38\n" +
        "#\t0x4374f1\truntime.main+0x211\t/usr/lib/go-1.19/src/runtime/proc.go:250\n" +
        "\n" +
        "2: 832 [2: 832] @ 0x43f9e8 0x4b51ab\n" +
        "#\t0x43f9e7\truntime.malg+0x27\t\t/usr/lib/go-1.19/src/runtime/proc.go:4076\n" +
        "#\t0x4b51aa\tmain.allocBig+0x2a\t/tmp/gen/main.go:15\n" +
        "\n" +
        "\n" +
        "# runtime.MemStats\n" +
        "# Alloc = 368336\n" +
        "# Stack = 229376 / 229376\n" +
        "# NumGC = 1\n" +
        "# GCCPUFraction = 0.000444763475866853\n" +
        "# DebugGC = false\n";

    private const string GoHeapSamples =
        """
        PeriodType: space bytes
        Period: 512
        Samples:
        alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes
                  1       4097          1       4097: 1 2 3 3 4 5 6 
                        bytes:[4096]
                  3       1495          3       1495: 7 1 
                        bytes:[416]
        Locations

        """;

    [Fact]
    public void GoHeapWithoutSymbolsIsWhatPprofReads()
    {
        var p = Read(GoHeap);
        Assert.Equal(GoHeapSamples +
            """
                 1: 0x4b51aa M=1 
                 2: 0x4b5312 M=1 
                 3: 0x4b53d6 M=1 
                 4: 0x4b554e M=1 
                 5: 0x4374f1 M=1 
                 6: 0x4614e0 M=1 
                 7: 0x43f9e7 M=1 
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p));
        Assert.Empty(p.Functions);
        Assert.Empty(p.Lines);
    }

    [Fact]
    public void GoHeapSymbolsGoToTheirLocations()
    {
        // Symbol PCs are the file's addresses minus 1; the repeated recursion frame is the same
        // location twice; runtime.goexit (0x4614e1) is never printed, so location 6 has no lines
        // and, being at the root, is dropped from the stack (LegacyHiddenFrames).
        var p = Read(GoHeap, keepSymbols: true);
        Assert.Equal(GoHeapSamples.Replace(": 1 2 3 3 4 5 6 \n", ": 1 2 3 3 4 5 \n") +
            """
                 1: 0x4b51aa M=1 main.allocBig /tmp/gen/main.go:15 s=0
                 2: 0x4b5312 M=1 main.recurse /tmp/gen/main.go:24 s=0
                 3: 0x4b53d6 M=1 main.recurse /tmp/gen/main.go:27 s=0
                 4: 0x4b554e M=1 main.main /tmp/gen/main.go:38 s=0
                 5: 0x4374f1 M=1 runtime.main /usr/lib/go-1.19/src/runtime/proc.go:250 s=0
                 6: 0x4614e0 M=1 
                 7: 0x43f9e7 M=1 runtime.malg /usr/lib/go-1.19/src/runtime/proc.go:4076 s=0
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p));
        // One function per (name, file), numbered in order of first appearance over the locations.
        Assert.Equal(["main.allocBig", "main.recurse", "main.main", "runtime.main", "runtime.malg"], p.Functions.Select(f => f.Name));
        Assert.Equal([1UL, 2, 3, 4, 5], p.Functions.Select(f => f.Id));
        Assert.All(p.Functions, f => Assert.Equal(f.Name, f.SystemName));
    }

    [Fact]
    public void MemStatsTrailerBecomesMetadata()
    {
        foreach (bool keep in new[] { false, true })
        {
            var p = Read(GoHeap, keepSymbols: keep);
            Assert.Equal(
                Pairs("Alloc", "368336", "Stack", "229376 / 229376", "NumGC", "1",
                    "GCCPUFraction", "0.000444763475866853", "DebugGC", "false"),
                p.Metadata);
        }
    }

    // ---- Go count profiles ----

    // Go 1.19 goroutine?debug=1 output (trimmed): leading runtime frames and runtime.goexit print no
    // symbol lines, and a goroutine's labels follow its count line.
    private const string GoGoroutines =
        "goroutine profile: total 4\n" +
        "1 @ 0x4378b6 0x40619b 0x405cd8 0x4b5cff 0x4614e1\n" +
        "# labels: {\"empty\":\"\"}\n" +
        "#\t0x4b5cfe\tmain.main.func3.1+0x1e\t/tmp/gen/main.go:59\n" +
        "\n" +
        "2 @ 0x4378b6 0x40619b 0x405cd8 0x4b5dff 0x4614e1\n" +
        "# labels: {\"id\":\"7\", \"worker\":\"a\\\"b\"}\n" +
        "#\t0x4b5dfe\tmain.main.func2.2+0x1e\t/tmp/gen/main.go:56\n" +
        "\n";

    [Fact]
    public void GoroutineProfileAsPprofReadsIt()
    {
        var p = Read(GoGoroutines);
        Assert.Equal(
            """
            PeriodType: goroutine count
            Period: 1
            Samples:
            goroutine/count
                      1: 1 2 3 4 5 
                      2: 1 2 3 6 5 
            Locations
                 1: 0x4378b5 M=1 
                 2: 0x40619a M=1 
                 3: 0x405cd7 M=1 
                 4: 0x4b5cfe M=1 
                 5: 0x4614e0 M=1 
                 6: 0x4b5dfe M=1 
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p));
        Assert.Empty(p.Labels);
        Assert.Empty(p.Functions);
    }

    [Fact]
    public void GoroutineLabelsAndSymbolsAreKept()
    {
        var p = Read(GoGoroutines, keepSymbols: true);
        // An empty label value is dropped, as pprof drops it from the same profile in protobuf form.
        Assert.Equal("", LabelsOf(p, 0));
        Assert.Equal("id:7 worker:a\"b", LabelsOf(p, 1));
        Assert.Equal("main.main.func3.1 /tmp/gen/main.go:59", LinesOf(p, 3));
        Assert.Equal("main.main.func2.2 /tmp/gen/main.go:56", LinesOf(p, 5));
        foreach (int hidden in new[] { 0, 1, 2, 4 }) Assert.Equal("", LinesOf(p, hidden));
        // Not every location of the catch-all mapping got symbols, so it is not marked symbolized.
        Assert.False(p.Mappings[0].HasFunctions);
    }

    [Fact]
    public void CountProfileDetails()
    {
        // Leading comments are skipped; any NAME works; the count is a Go literal, so 010 is 8;
        // every address, the first included, is moved back by one.
        var p = Read("# comment\n\nthreadcreate profile: total 9\n1 @ 0x401001 0x402001 0x403001\n010 @ 0x401001 0x404001\n");
        Assert.Equal(new ProfileValueType("threadcreate", "count"), p.SampleTypes.Single());
        Assert.Equal(new ProfileValueType("threadcreate", "count"), p.PeriodType);
        Assert.Equal(1, p.Period);
        Assert.Equal([1L, 8L], new[] { p.SampleValues(0)[0], p.SampleValues(1)[0] });
        Assert.Equal([0x401000UL, 0x402000, 0x403000, 0x404000], p.Locations.Select(l => l.Address));
        Assert.Equal([1UL, 2, 3, 4], p.Locations.Select(l => l.Id));
        Assert.Equal([0, 3], p.SampleStack(1).ToArray());
    }

    [Fact]
    public void CountProfileMemoryMapAndAttributes()
    {
        // A glog prefix is cut; "root=/opt" defines $root only for later lines; the rw-p piece is
        // left out; the first named non-library mapping is the main one and is rebased to 0x400000.
        var p = Read("goroutine profile: total 1\n1 @ 0x401101 0x7f0000001001 0x450001 0x20001 0x440001\n--- Memory map: ---\n"
            + "I1123 12:00:00.000 1 x.cc:1] 0x401000-0x440000 r-xp 00001000 08:01 1 $root/server\n"
            + "root=/opt\n"
            + "00440000-00460000 r-xp 00040000 08:01 1 $root/server\n"
            + "00460000-00470000 rw-p 00060000 08:01 1 /bin/server\n"
            + "7f0000000000-7f0000100000 r-xp 00000000 08:01 2 /lib/libc-2.31.so\n"
            + "0x10000-0x30000 [vdso]\n");
        Assert.Equal(
            """
            Locations
                 1: 0x401100 M=1 
                 2: 0x7f0000001000 M=3 
                 3: 0x450000 M=2 
                 4: 0x20000 M=4 
                 5: 0x440000 M=2 
            Mappings
            1: 0x400000/0x440000/0x0 $root/server  
            2: 0x440000/0x460000/0x40000 /opt/server  
            3: 0x7f0000000000/0x7f0000100000/0x0 /lib/libc-2.31.so  
            4: 0x10000/0x30000/0x0 [vdso]  

            """, PprofText.Render(p)[PprofText.Render(p).IndexOf("Locations", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void BriefMemoryMapWithOffsetAndBuildId()
    {
        var p = Read("goroutine profile: total 1\n1 @ 0x401101 0x7f0000001001\n--- Memory map: ---\n"
            + "7f0000000000-7f0000100000 r-xp 00000000 08:01 2 /lib/libc-2.31.so\n0x401000-0x480000 /bin/server (@1000) 0badc0de\n");
        Assert.Equal(new Mapping(1, 0x400000, 0x480000, 0, "/bin/server", "0badc0de", false, false, false, false), p.Mappings[0]);
        Assert.Equal("/lib/libc-2.31.so", p.Mappings[1].File);
    }

    [Fact]
    public void AnonHugepageBeforeTheMainMappingIsDropped()
    {
        var p = Read("goroutine profile: total 1\n1 @ 0x401101\n--- Memory map: ---\n"
            + "0x300000-0x400000 r-xp 0 00:00 0 /anon_hugepage\n0x400000-0x500000 r-xp 0 08:01 1 /bin/server\n");
        Assert.Equal(new Mapping(1, 0x400000, 0x500000, 0, "/bin/server", "", false, false, false, false), p.Mappings.Single());
    }

    // ---- symbol lines: inlined frames, hidden frames, unknown PCs ----

    [Fact]
    public void InlinedFramesShareOneLocation()
    {
        // Older runtimes printed the inlined calls of one PC as several lines, innermost first.
        // "#\t0xPC" alone is a PC the runtime could not name; a PC equal to the address also fits.
        string text = "goroutine profile: total 5\n3 @ 0x1001 0x2001 0x3001 0x4001 0x5001\n"
            + "#\t0x2000\tmain.inner+0x10\t\t/src/a.go:10\n#\t0x2000\tmain.middle+0x20\t/src/a.go:20\n#\t0x2000\tmain.outer+0x30\t\t/src/a.go:30\n"
            + "#\t0x3001\tmain.entry+0x0\t\t/src/b.go:5\n#\t0x4000\n#\t0x5000\tmain.x+0x5\t/src/c.go:7\n\n"
            + "2 @ 0x2001 0x9001\n#\t0x2000\tmain.other+0x10\t/src/z.go:1\n#\t0x9000\tmain.y+0x1\t/src/z.go:2\n";
        var p = Read(text, keepSymbols: true);
        Assert.Equal(
            """
            Locations
                 1: 0x1000 M=1 
                 2: 0x2000 M=1 main.inner /src/a.go:10 s=0
                         main.middle /src/a.go:20 s=0
                         main.outer /src/a.go:30 s=0
                 3: 0x3000 M=1 main.entry /src/b.go:5 s=0
                 4: 0x4000 M=1 
                 5: 0x5000 M=1 main.x /src/c.go:7 s=0
                 6: 0x9000 M=1 main.y /src/z.go:2 s=0
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p)[PprofText.Render(p).IndexOf("Locations", StringComparison.Ordinal)..]);
        // The first lines given to a location stay (0x2000 is not renamed main.other).
        Assert.Equal(6, p.Functions.Length);
    }

    [Fact]
    public void FullySymbolizedMappingIsMarked()
    {
        string text = "--- mutex:\ncycles/second=2700025113\nsampling period=1\n573270434 198 @ 0x4b5f1f 0x4b5f06\n"
            + "#\t0x4b5f1e\tsync.(*Mutex).Unlock+0xbe\t/usr/lib/go-1.19/src/sync/mutex.go:223\n"
            + "#\t0x4b5f05\tmain.main.func1+0xa5\t\t/tmp/gen/main.go:48\n\n";
        var kept = Read(text, keepSymbols: true);
        Assert.Equal(new Mapping(1, 0, ulong.MaxValue, 0, "", "", true, true, true, true), kept.Mappings.Single());
        Assert.Equal("sync.(*Mutex).Unlock /usr/lib/go-1.19/src/sync/mutex.go:223", LinesOf(kept, 0));
        var plain = Read(text);
        Assert.Equal(new Mapping(1, 0, ulong.MaxValue, 0, "", "", false, false, false, false), plain.Mappings.Single());
    }

    // ---- thread dumps ----

    [Fact]
    public void ThreadDump()
    {
        // "same as previous thread" adds one to the last sample. The last thread's leaf 0x403000 was
        // also recorded as a return address (0x403000 - 1): pprof drops that second frame, but keeps
        // its location 4.
        var p = Read("--- threadz 1 ---\nnote\n--- Thread 7f00 (name: main/100) stack: ---\n  0x401000 main\n  0x402001 caller\n"
            + "--- Thread 7f01 (name: worker/101) stack: ---\n  same as previous thread\n"
            + "--- Thread 7f02 (name: worker/102) stack: ---\n  0x403000\n  0x403000\n  0x402001\n"
            + "--- Memory map: ---\n00400000-00500000: /bin/server\n");
        Assert.Equal(
            """
            PeriodType: thread count
            Period: 1
            Samples:
            thread/count
                      2: 1 2 
                      1: 3 2 
            Locations
                 1: 0x401000 M=1 
                 2: 0x402000 M=1 
                 3: 0x403000 M=1 
                 4: 0x402fff M=1 
            Mappings
            1: 0x400000/0x500000/0x0 /bin/server  

            """, PprofText.Render(p));
    }

    [Fact]
    public void ThreadDumpWithoutMemoryMapIsRejected()
    {
        // pprof reads the last stack line as the next thread header and gives up (unrecognized).
        var e = Fails("--- Thread 7f00 (name: main/123) stack: ---\n  0x1000\n");
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    // ---- contention ----

    [Fact]
    public void CppContentionzWithAttributes()
    {
        var p = Read("--- contentionz 1 ---\ncycles/second = 2000000000\nsampling period = 100\nms since reset = 90061001\ndiscarded samples = 0\n"
            + "  4000       2 @ 0x401001 0x402001\n--- Memory map: ---\n  00400000-00500000: /bin/server\n");
        // Counts times the period; delays: cycles × period / GHz.
        Assert.Equal(
            """
            PeriodType: contentions count
            Period: 100
            Duration: 25h1
            Samples:
            contentions/count delay/nanoseconds
                    200     200000: 1 2 
            Locations
                 1: 0x401000 M=1 
                 2: 0x402000 M=1 
            Mappings
            1: 0x400000/0x500000/0x0 /bin/server  

            """, PprofText.Render(p));
        Assert.Equal(
            Pairs("cycles/second", "2000000000", "sampling period", "100", "ms since reset", "90061001", "discarded samples", "0"),
            p.Metadata);
    }

    [Fact]
    public void GoMutexProfile()
    {
        // From a Go 1.19 program; the same profile written as protobuf gives 198 and 212320408 too.
        var p = Read("--- mutex:\ncycles/second=2700025113\nsampling period=1\n573270434 198 @ 0x4b5f1f 0x4b5f06 0x4614e1\n"
            + "#\t0x4b5f1e\tsync.(*Mutex).Unlock+0xbe\t/usr/lib/go-1.19/src/sync/mutex.go:223\n#\t0x4b5f05\tmain.main.func1+0xa5\t\t/tmp/gen/main.go:48\n\n");
        Assert.Equal([198L, 212320408L], p.SampleValues(0).ToArray());
        Assert.Equal([0x4b5f1eUL, 0x4b5f05, 0x4614e0], p.Locations.Select(l => l.Address));
        Assert.Equal(Pairs("cycles/second", "2700025113", "sampling period", "1"), p.Metadata);
    }

    [Fact]
    public void GoBlockProfileAndZeroPeriod()
    {
        var block = Read("--- contention:\ncycles/second=2000000000\n5000 3 @ 0x401001 0x402001\n");
        Assert.Equal(1, block.Period);
        Assert.Equal([3L, 2500L], block.SampleValues(0).ToArray());
        // A period of 0 turns un-sampling off: the delay stays in cycles.
        var raw = Read("--- mutex:\nsampling period = 0\ncycles/second=1000\n100 3 @ 0x1001\n");
        Assert.Equal(0, raw.Period);
        Assert.Equal([3L, 100L], raw.SampleValues(0).ToArray());
    }

    [Theory]
    [InlineData("foo = 1", "line 2")]
    [InlineData("format = java", "line 2")]
    [InlineData("cycles/second = many", "line 2")]
    public void ContentionAttributeProblems(string attribute, string where)
    {
        // pprof says "unrecognized profile format"; the error here says where.
        var e = Fails($"--- contention:\n{attribute}\n100 3 @ 0x1001\n");
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
    }

    // ---- binary CPU profiles ----

    private static byte[] CpuWords(int size, bool bigEndian, ulong[] words, string memoryMap = "")
    {
        var b = new byte[words.Length * size];
        for (int i = 0; i < words.Length; i++)
        {
            var s = b.AsSpan(i * size, size);
            if (size == 4 && bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, (uint)words[i]);
            else if (size == 4) BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)words[i]);
            else if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(s, words[i]);
            else BinaryPrimitives.WriteUInt64LittleEndian(s, words[i]);
        }
        return [.. b, .. Encoding.ASCII.GetBytes(memoryMap)];
    }

    [Fact]
    public void CpuProfile64BitLittleEndian()
    {
        // Header (0, 3, 0, 10000 µs, 0); records (count, depth, addresses…); end (0, 1, 0); memory map.
        // Non-leaf addresses are moved back by one. The last stack is 0x401201 twice, i.e. the leaf
        // recorded again as a caller: that duplicate (0x401200) is dropped, its location kept.
        ulong[] words =
        [
            0, 3, 0, 10000, 0,
            2, 3, 0x401000, 0x500001, 0x402001,
            1, 3, 0x401100, 0x500001, 0x402001,
            3, 2, 0x401201, 0x401201,
            0, 1, 0,
        ];
        var p = Read(CpuWords(8, false, words, "00400000-00600000: /bin/cpu\n"));
        Assert.Equal(
            """
            PeriodType: cpu nanoseconds
            Period: 10000000
            Samples:
            samples/count cpu/nanoseconds
                      2   20000000: 1 2 3 
                      1   10000000: 4 2 3 
                      3   30000000: 5 
            Locations
                 1: 0x401000 M=1 
                 2: 0x500000 M=1 
                 3: 0x402000 M=1 
                 4: 0x401100 M=1 
                 5: 0x401201 M=1 
                 6: 0x401200 M=1 
            Mappings
            1: 0x400000/0x600000/0x0 /bin/cpu  

            """, PprofText.Render(p));
    }

    [Fact]
    public void CpuProfile32BitBigEndianLosesTheSignalFrame()
    {
        // Every sample's second frame is 0x9000: taken for the signal handler's and removed; its
        // location is gone too, as locations are renumbered after. No end record and no map: the
        // catch-all mapping.
        ulong[] words = [0, 3, 0, 100, 0, 1, 3, 0x1000, 0x9001, 0x2001, 4, 3, 0x1100, 0x9001, 0x2001, 1, 2, 0x1200, 0x9001];
        var p = Read(CpuWords(4, true, words));
        Assert.Equal(
            """
            PeriodType: cpu nanoseconds
            Period: 100000
            Samples:
            samples/count cpu/nanoseconds
                      1     100000: 1 2 
                      4     400000: 3 2 
                      1     100000: 4 
            Locations
                 1: 0x1000 M=1 
                 2: 0x2000 M=1 
                 3: 0x1100 M=1 
                 4: 0x1200 M=1 
            Mappings
            1: 0x0/0xffffffffffffffff/0x0   

            """, PprofText.Render(p));
    }

    [Fact]
    public void TruncatedCpuProfileNamesTheOffset()
    {
        ulong[] words = [0, 3, 0, 10000, 0, 2, 3, 0x401000, 0x500001, 0x402001, 1, 3, 0x401100];
        var e = Fails(CpuWords(8, false, words));
        // The second record starts at word 10 (offset 80); its depth word is at 88.
        Assert.Contains("offset 88", e.Message, StringComparison.Ordinal);
        var e2 = Fails(CpuWords(8, false, words)[..^4]);
        Assert.Contains("offset 88", e2.Message, StringComparison.Ordinal);
        var e3 = Fails(CpuWords(8, false, [0, 3, 0, 10000, 0, 2])[..^3]);
        Assert.Contains("offset 40", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeCpuStackDepthIsRefusedBeforeAllocating()
    {
        var e = Fails(CpuWords(8, false, [0, 3, 0, 10000, 0, 1, ulong.MaxValue / 2, 0x1000]));
        Assert.Contains("offset 48", e.Message, StringComparison.Ordinal);
        var limits = Limits.Default with { MaxStackDepth = 2 };
        var e2 = Fails(CpuWords(8, false, [0, 3, 0, 10000, 0, 1, 3, 1, 2, 3]), limits);
        Assert.Contains("offset 40", e2.Message, StringComparison.Ordinal);
    }

    // ---- malformed text ----

    [Fact]
    public void BadHeapLineInTheMiddle()
    {
        var e = Fails("heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 5 [3: 12288] @ 0x1000\nthis is bad\n1: 5 [3: 12288] @ 0x1000\n");
        Assert.Equal(Source, e.InputName);
        Assert.StartsWith("line 3: ", e.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("heap profile: 1: 2 [3: 4] @ heap/1048576\n99999999999999999999: 5 [3: 12288] @ 0x1000\n", "line 2")]
    [InlineData("heap profile: 1: 2 [3: 4] @ heap/1048576\n0: 5 [3: 12288] @ 0x1000\n", "line 2")]
    [InlineData("heap profile: 1: 2 [3: 4] @ heap/1048576\n\n1: 5 [3: 12288] @ 0x10000000000000000\n", "line 3")]
    [InlineData("heap profile: 1: 2 [3: 4] @ heapfoo/12\n", "line 1")]
    [InlineData("goroutine profile: total 3\n1 @ 0x1001\n99999999999999999999 @ 0x1001\n", "line 3")]
    [InlineData("goroutine profile: total 3\n08 @ 0x1001\n", "line 2")]
    [InlineData("goroutine profile: total 3\n1 @ 0x1001 \n", "line 2")]
    [InlineData("threadcreate profile: total 4\n4 @\n\n", "line 2")]
    [InlineData("--- contention:\ncycles/second=2000\n100 3 @ 0x1001\nbad line\n", "line 4")]
    [InlineData("--- contention:\ncycles/second=2000\n99999999999999999999 3 @ 0x1001\n", "line 3")]
    public void MalformedTextNamesTheLine(string text, string where)
    {
        var e = Fails(text);
        Assert.StartsWith(where + ":", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LimitsAreChecked()
    {
        var samples = Fails("goroutine profile: total 3\n1 @ 0x1001\n1 @ 0x2001\n1 @ 0x3001\n", Limits.Default with { MaxSamples = 2 });
        Assert.StartsWith("line 4:", samples.Problem, StringComparison.Ordinal);
        var depth = Fails("goroutine profile: total 3\n1 @ 0x1001 0x2001 0x3001\n", Limits.Default with { MaxStackDepth = 2 });
        Assert.StartsWith("line 2:", depth.Problem, StringComparison.Ordinal);
        var locations = Fails("goroutine profile: total 3\n1 @ 0x1001 0x2001 0x3001\n", Limits.Default with { MaxTableEntries = 2 });
        Assert.StartsWith("line 2:", locations.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongLineIsAnError()
    {
        // Go's bufio.Scanner stops at lines of 64 KiB ("token too long"), and so pprof fails.
        string text = "goroutine profile: total 1\n1 @" + string.Concat(Enumerable.Repeat(" 0x1001", 10000)) + "\n";
        Assert.StartsWith("line 2:", Fails(text).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world\n")]
    [InlineData("# only comments\n\n")]
    [InlineData("heap profile: broken\n")]
    [InlineData("\x1f\x8b\x08\x00")]
    public void UnrecognisedDataGivesNull(string text)
    {
        Assert.Null(LegacyProfileReader.TryRead(Encoding.Latin1.GetBytes(text), Source, Limits.Default, keepSymbols: true));
    }

    // ---- helpers ----

    private static KeyValuePair<string, string>[] Pairs(params string[] kv) =>
        Enumerable.Range(0, kv.Length / 2).Select(i => KeyValuePair.Create(kv[2 * i], kv[2 * i + 1])).ToArray();

    private static string LabelsOf(Profile p, int sample) => string.Join(" ",
        p.SampleLabels(sample).ToArray().Select(l => p.Strings[l.Key] + ":" + (l.IsNumeric ? l.Num.ToString(CultureInfo.InvariantCulture) : p.Strings[l.Str])));

    private static string LinesOf(Profile p, int location) => string.Join("; ",
        p.LocationLines(location).ToArray().Select(l => $"{p.Functions[l.Function].Name} {p.Functions[l.Function].Filename}:{l.Number}"));

    /// <summary>pprof's <c>Profile.String()</c>, for the fields legacy profiles have (the -raw report).</summary>
    /// <summary>pprof's Profile.String(), as the raw report prints it.</summary>
    private static class PprofText
    {
        public static string Render(Profile p)
        {
            var w = new StringWriter();
            LeakHound.Reports.Text.RawReport.Write(p, w);
            return w.ToString();
        }
    }
}
