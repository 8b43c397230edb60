using System.IO.Compression;
using System.Text;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Formats;

/// <summary>
/// The goroutine dump reader. The synthetic dumps are written from the runtime's formatting code
/// (src/runtime/traceback.go unless said otherwise; Go 1.19 from /usr/lib/go-1.19/src, later
/// versions from golang/go as quoted in docs/formats/goroutine-dump.md); each test names the Go
/// version that prints the variant and the function that prints it. The real dumps are read in
/// place from ../shared/testdata/goroutines and testdata/profiles/cacheleak (Go 1.19 captures);
/// their expected counts and parent ids were counted with grep on the files.
/// </summary>
public class GoroutineDumpReaderTests
{
    private const string Source = "test.txt";

    private static GoroutineDump Parse(params string[] lines) => ParseText(string.Join("\n", lines) + "\n");

    private static GoroutineDump ParseText(string text) =>
        GoroutineDumpReader.Read(Encoding.UTF8.GetBytes(text), Source, Limits.Default);

    private static InputException Fails(byte[] data, Limits? limits = null) =>
        Assert.Throws<InputException>(() => GoroutineDumpReader.Read(data, Source, limits ?? Limits.Default));

    private static string SharedDump(string name) => Path.Combine(TestPaths.SharedTestData, "goroutines", name);

    private static string Cacheleak(string name) => Path.Combine(TestPaths.CommittedProfiles, "cacheleak", name);

    private static string[] Functions(GoroutineDump d, int g) => d.FramesOf(g).ToArray().Select(f => d.Str(f.Function)).ToArray();

    private static string[] Args(GoroutineDump d, int g) => d.FramesOf(g).ToArray().Select(f => f.Args < 0 ? "<none>" : d.Str(f.Args)).ToArray();

    private static string[] Labels(GoroutineDump d, int g) => d.LabelsOf(g).ToArray().Select(l => $"{d.Str(l.Key)}={d.Str(l.Value)}").ToArray();

    // ---- headers: goroutineheader ----

    [Fact]
    public void PlainHeaderAndFrames_Go117()
    {
        // goroutineheader: print("goroutine ", gp.goid, " [", status, "]:\n"); traceback1 prints
        // name(args)\n\tfile:line +0xoff\n per frame; printcreatedby1 "created by F\n\tfile:line +0xoff".
        var d = Parse(
            "goroutine 18 [chan receive]:",
            "main.worker(0xc000020060)",
            "\t/app/main.go:20 +0x2b",
            "created by main.main",
            "\t/app/main.go:12 +0x45");
        Assert.Equal(GoroutineDumpForm.Traceback, d.Form);
        Assert.Equal(1, d.Count);
        Assert.Equal(18, d.Id[0]);
        Assert.Equal(1, d.Multiplicity[0]);
        Assert.Equal("chan receive", d.Str(d.State[0]));
        Assert.Equal(-1, d.WaitMinutes[0]);
        Assert.Equal(-1, d.M[0]);
        Assert.Equal(GoroutineFlags.None, d.Flags[0]);
        var f = d.FramesOf(0)[0];
        Assert.Equal(("main.worker", "0xc000020060", "/app/main.go", 20, 0x2bL), (d.Str(f.Function), d.Str(f.Args), d.Str(f.File), f.Line, f.PcOffset));
        Assert.Equal("main.main", d.Str(d.CreatedByFunction[0]));
        Assert.Equal("/app/main.go", d.Str(d.CreatedByFile[0]));
        Assert.Equal(12, d.CreatedByLine[0]);
        Assert.Equal(-1, d.ParentId[0]);
        Assert.Empty(d.Warnings);
        Assert.False(d.Truncated);
    }

    [Theory]
    // goroutineheader, Go 1.17+: ", N minutes" when waiting a minute or more, ", locked to thread" when gp.lockedm != 0.
    [InlineData("goroutine 7 [select, 5 minutes]:", "select", 5, GoroutineFlags.None)]
    [InlineData("goroutine 7 [syscall, locked to thread]:", "syscall", -1, GoroutineFlags.LockedToThread)]
    [InlineData("goroutine 7 [semacquire, 1440 minutes, locked to thread]:", "semacquire", 1440, GoroutineFlags.LockedToThread)]
    // " (scan)" right after the status while the GC scans the stack (isScan).
    [InlineData("goroutine 7 [chan send (scan), 3 minutes]:", "chan send", 3, GoroutineFlags.Scan)]
    // Wait reasons with their own parentheses are kept whole (runtime2.go waitReasonStrings).
    [InlineData("goroutine 7 [chan receive (nil chan), 2 minutes]:", "chan receive (nil chan)", 2, GoroutineFlags.None)]
    [InlineData("goroutine 7 [GC worker (idle)]:", "GC worker (idle)", -1, GoroutineFlags.None)]
    // Go 1.26: the goroutineleak profile (debug=2, writeGoroutineLeak → runtime.Stack) marks leaked
    // goroutines, status _Gleaked printed with its wait reason and " (leaked)".
    [InlineData("goroutine 7 [chan send (leaked)]:", "chan send", -1, GoroutineFlags.Leaked)]
    [InlineData("goroutine 7 [sync.WaitGroup.Wait (leaked), 12 minutes]:", "sync.WaitGroup.Wait", 12, GoroutineFlags.Leaked)]
    // Go 1.24 synctest wait reasons: waitReasonSynctestChanReceive "chan receive (synctest)", "synctest.Run", "synctest.Wait".
    [InlineData("goroutine 7 [chan receive (synctest)]:", "chan receive (synctest)", -1, GoroutineFlags.SynctestBubble)]
    [InlineData("goroutine 7 [synctest.Run]:", "synctest.Run", -1, GoroutineFlags.SynctestBubble)]
    // Go 1.25 renamed them "(durable)" and added "sync.WaitGroup.Wait (durable)".
    [InlineData("goroutine 7 [select (durable)]:", "select (durable)", -1, GoroutineFlags.SynctestBubble)]
    public void HeaderVariants(string header, string state, int minutes, GoroutineFlags flags)
    {
        var d = Parse(header, "main.f()", "\t/app/f.go:3 +0x1");
        Assert.Equal(state, d.Str(d.State[0]));
        Assert.Equal(minutes, d.WaitMinutes[0]);
        Assert.Equal(flags, d.Flags[0]);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void SynctestBubbleNumber_Go125()
    {
        // Go 1.25+: goroutineheader adds ", synctest bubble N" for a goroutine in a bubble.
        var d = Parse(
            "goroutine 8 [select (durable), synctest bubble 1]:",
            "ttlcache.(*Cache).janitor(0xc00012a000)",
            "\t/src/ttlcache/cache.go:88 +0x99");
        Assert.Equal("select (durable)", d.Str(d.State[0]));
        Assert.Equal(1, d.Bubble[0]);
        Assert.Equal(GoroutineFlags.SynctestBubble, d.Flags[0]);
    }

    [Fact]
    public void GpAndMInHeader_Go122()
    {
        // Go 1.22+: goroutineheader prints " gp=0x… m=N mp=0x…" (or " m=nil") when GOTRACEBACK >= system
        // or for the goroutine that is throwing; traceback2 then adds " fp=… sp=… pc=…" to each
        // location, and only " pc=…" for inlined frames.
        var d = Parse(
            "goroutine 1 gp=0xc000002380 m=0 mp=0x5a2b40 [running]:",
            "main.div(...)",
            "\t/srv/app/d.go:3 pc=0x45e0fd",
            "main.main()",
            "\t/srv/app/d.go:8 +0x1d fp=0xc00006ef50 sp=0xc00006ef40 pc=0x45e0fd",
            "runtime.goexit({})",
            "\t/usr/local/go/src/runtime/asm_amd64.s:1700 +0x1 fp=0xc00006efe8 sp=0xc00006efe0 pc=0x46e0e1",
            "",
            "goroutine 2 gp=0xc000002e00 m=nil [force gc (idle)]:",
            "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)",
            "\t/usr/local/go/src/runtime/proc.go:424 +0xce fp=0xc000064fa8 sp=0xc000064f88 pc=0x43a22e");
        Assert.Equal(2, d.Count);
        Assert.Equal(0, d.M[0]);
        Assert.Equal(-1, d.M[1]);
        Assert.Equal("force gc (idle)", d.Str(d.State[1]));
        var f = d.FramesOf(0).ToArray();
        Assert.Equal(("main.div", "...", "/srv/app/d.go", 3, -1L), (d.Str(f[0].Function), d.Str(f[0].Args), d.Str(f[0].File), f[0].Line, f[0].PcOffset));
        Assert.Equal(("/srv/app/d.go", 8, 0x1dL), (d.Str(f[1].File), f[1].Line, f[1].PcOffset));
        Assert.Equal(("runtime.goexit", "{}", 1700), (d.Str(f[2].Function), d.Str(f[2].Args), f[2].Line));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void LabelsInsideTheBracket_TracebackLabels()
    {
        // GODEBUG=tracebacklabels=1 (added in Go 1.26, the default for go 1.27 modules, CL 742580):
        // the format of go.dev/cl/694119 as quoted in golang/go#76349 puts " labels:{…}" after the
        // status, keys and values Go-quoted with everything outside printable ASCII escaped.
        var d = Parse(
            "goroutine 8 [running labels:{\"foobar\": \"baz\", \"k\\\"2\": \"caf\\u00e9\\n\"}]:",
            "runtime_test.TestTracebackGoroutineLabels.func1()",
            "\t/go/src/runtime/traceback_test.go:900 +0x25");
        Assert.Equal("running", d.Str(d.State[0]));
        Assert.Equal(["foobar=baz", "k\"2=café\n"], Labels(d, 0));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void LabelsAfterTheBracket_AlsoAccepted()
    {
        // The form shown for Go 1.26/1.27 programs in the wild ("goroutine N [running] {pattern: "GET /panic"}:"),
        // with minutes and a bare key; accepted as well since golang/go master could not be read here.
        var d = Parse(
            "goroutine 12 [select, 3 minutes] {pattern: \"GET /panic\", \"tenant\": \"a, b\"}:",
            "main.handler()",
            "\t/app/h.go:10 +0x10");
        Assert.Equal("select", d.Str(d.State[0]));
        Assert.Equal(3, d.WaitMinutes[0]);
        Assert.Equal(["pattern=GET /panic", "tenant=a, b"], Labels(d, 0));
    }

    [Theory]
    // Where else the labels could sit while the format settles: after other segments, as a segment of their own.
    [InlineData("goroutine 3 [select, 5 minutes labels:{\"a\": \"b\"}]:")]
    [InlineData("goroutine 3 [select, 5 minutes, labels:{\"a\":\"b\"}]:")]
    [InlineData("goroutine 3 [select labels:{\"a\": \"b\"}, 5 minutes]:")]
    [InlineData("goroutine 3 [select, 5 minutes] labels:{a: b}:")]
    public void LabelPositions(string header)
    {
        var d = Parse(header, "main.f()", "\t/app/f.go:3 +0x1");
        Assert.Equal(("select", 5), (d.Str(d.State[0]), d.WaitMinutes[0]));
        Assert.Equal(["a=b"], Labels(d, 0));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void RunningOnOtherThread_StackUnavailable()
    {
        // tracebackothers: a goroutine running on another M prints no stack, then its created-by.
        var d = Parse(
            "goroutine 7 [running]:",
            "\tgoroutine running on other thread; stack unavailable",
            "created by main.main in goroutine 1",
            "\t/app/main.go:30 +0x66");
        Assert.Equal(GoroutineFlags.StackUnavailable, d.Flags[0]);
        Assert.Equal(0, d.FramesOf(0).Length);
        Assert.Equal(1, d.ParentId[0]);
        Assert.False(d.Truncated);
        Assert.Empty(d.Warnings);
    }

    // ---- frames: traceback1 (Go 1.17–1.20) / traceback2 (Go 1.21+), printArgs, printFuncName ----

    [Fact]
    public void FrameVariants()
    {
        var d = Parse(
            "goroutine 1 [running]:",
            // printArgs (Go 1.17 register ABI): {…} around struct/array args, "_" for an offset too large.
            "main.agg({0x1, 0x2}, {0x4b1ef0, 0xc000012345}, _)",
            "\t/app/a.go:10 +0x18",
            // "..." after TraceArgsMaxLen words; "?" after a value that may be stale (Go 1.18+).
            "main.many(0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, ...)",
            "\t/app/a.go:20 +0x1f",
            "main.(*T).m(0xc000010000?, {0x0?, 0x0?, 0xc0000a6000?})",
            "\t/app/t.go:5 +0x2a",
            // printFuncName: runtime.gopanic prints as "panic".
            "panic({0x4a5e20?, 0x52fd70?})",
            "\t/usr/local/go/src/runtime/panic.go:785 +0x132",
            // Generic instantiations print their shape as "[...]" (funcNamePiecesForPrint, Go 1.21; linker before).
            "main.Map[...](...)",
            "\t/app/g.go:7",
            "main.Reduce[...]({0xc00001c0c0, 0x3, 0x3}, 0x0)",
            "\t/app/g.go:12 +0x4c",
            // Closures and the wrappers the compiler makes for go and defer statements (gowrap1, deferwrap1).
            "main.main.func1()",
            "\t/app/main.go:9 +0x1c",
            "main.main.gowrap1()",
            "\t/app/main.go:11 +0x25",
            "main.run.deferwrap1()",
            "\t/app/main.go:15 +0x27",
            // Wrappers and unknown files: "<autogenerated>:1", "?:0" (funcline of an invalid func).
            "main.(*T).String(0x0?)",
            "\t<autogenerated>:1 +0x29",
            "main.mystery()",
            "\t?:0",
            // runtime.goexit closes every goroutine at GOTRACEBACK=system.
            "runtime.goexit({})",
            "\t/usr/local/go/src/runtime/asm_amd64.s:1700 +0x1");
        Assert.Equal(
            ["main.agg", "main.many", "main.(*T).m", "panic", "main.Map[...]", "main.Reduce[...]", "main.main.func1",
             "main.main.gowrap1", "main.run.deferwrap1", "main.(*T).String", "main.mystery", "runtime.goexit"],
            Functions(d, 0));
        Assert.Equal(
            ["{0x1, 0x2}, {0x4b1ef0, 0xc000012345}, _", "0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, ...",
             "0xc000010000?, {0x0?, 0x0?, 0xc0000a6000?}", "{0x4a5e20?, 0x52fd70?}", "...", "{0xc00001c0c0, 0x3, 0x3}, 0x0",
             "", "", "", "0x0?", "", "{}"],
            Args(d, 0));
        var frames = d.FramesOf(0).ToArray();
        Assert.Equal(-1, frames[4].PcOffset);  // inlined: no offset
        Assert.Equal(7, frames[4].Line);
        Assert.Equal("<autogenerated>", d.Str(frames[9].File));
        Assert.Equal(1, frames[9].Line);
        Assert.Equal(("?", 0, -1L), (d.Str(frames[10].File), frames[10].Line, frames[10].PcOffset));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void WindowsPathsAndCrLf()
    {
        // A drive letter has a colon too: the line number follows the last one. Lines may end in \r\n.
        var d = ParseText("goroutine 1 [running]:\r\nmain.main()\r\n\tC:/Users/me/app/main.go:7 +0x1d\r\n");
        var f = d.FramesOf(0)[0];
        Assert.Equal(("C:/Users/me/app/main.go", 7, 0x1dL), (d.Str(f.File), f.Line, f.PcOffset));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void CgoFrames()
    {
        // printCgoTraceback / printOneCgoTraceback: "non-Go function at pc=0x…" without a symbolizer;
        // with one, the symbolizer's name as is (no parentheses) and "\tfile:line pc=0x…".
        var d = Parse(
            "goroutine 1 [syscall]:",
            "non-Go function at pc=0x7f3a2c1d4e5f",
            "C.compute",
            "\t/app/c/compute.c:42 pc=0x4a1b2c",
            "runtime.cgocall(0x4a1b00, 0xc000057f28)",
            "\t/usr/local/go/src/runtime/cgocall.go:167 +0x4b");
        Assert.Equal(["non-Go function", "C.compute", "runtime.cgocall"], Functions(d, 0));
        var f = d.FramesOf(0).ToArray();
        Assert.Equal((-1, -1), (f[0].Args, f[0].File));
        Assert.Equal((-1, "/app/c/compute.c", 42, -1L), (f[1].Args, d.Str(f[1].File), f[1].Line, f[1].PcOffset));
        Assert.Empty(d.Warnings);
    }

    // ---- created by: printcreatedby / printcreatedby1 ----

    [Fact]
    public void CreatedByWithAndWithoutParent()
    {
        // Go 1.17–1.20: "created by F"; Go 1.21+: "created by F in goroutine N" (gp.parentGoid).
        var d = Parse(
            "goroutine 5 [select]:",
            "main.loop()",
            "\t/app/l.go:3 +0x1",
            "created by main.start",
            "\t/app/l.go:9 +0x2",
            "",
            "goroutine 6 [select]:",
            "main.loop()",
            "\t/app/l.go:3 +0x1",
            "created by main.(*S).Start[...] in goroutine 5",
            "\t/app/l.go:19 +0x3");
        Assert.Equal(-1, d.ParentId[0]);
        Assert.Equal("main.start", d.Str(d.CreatedByFunction[0]));
        Assert.Equal(5, d.ParentId[1]);
        Assert.Equal("main.(*S).Start[...]", d.Str(d.CreatedByFunction[1]));
        Assert.Equal(19, d.CreatedByLine[1]);
    }

    // ---- elision ----

    [Fact]
    public void AdditionalFramesElided_Go117To120()
    {
        // traceback1 (Go 1.17–1.20): after _TracebackMaxFrames (100) frames, "...additional frames elided...".
        var lines = new List<string> { "goroutine 1 [running]:" };
        for (int i = 0; i < 100; i++)
        {
            lines.Add("main.recurse(0x" + i.ToString("x") + ")");
            lines.Add("\t/app/r.go:5 +0x3a");
        }
        lines.Add("...additional frames elided...");
        lines.Add("created by main.main");
        lines.Add("\t/app/r.go:12 +0x2b");
        var d = Parse([.. lines]);
        Assert.Equal(100, d.FramesOf(0).Length);
        Assert.Equal(GoroutineFlags.AdditionalFramesElided, d.Flags[0]);
        Assert.Equal("main.main", d.Str(d.CreatedByFunction[0]));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void FramesElidedInTheMiddle_Go121()
    {
        // traceback1 (Go 1.21+): the first 50 (tracebackInnerFrames) and the last 50 (tracebackOuterFrames)
        // frames, with print("...", elide, " frames elided...\n") between them.
        var lines = new List<string> { "goroutine 1 [running]:" };
        for (int i = 0; i < 100; i++)
        {
            if (i == 50) lines.Add("...9900 frames elided...");
            lines.Add("main.recurse(...)");
            lines.Add("\t/app/r.go:5");
        }
        var d = Parse([.. lines]);
        Assert.Equal(100, d.FramesOf(0).Length);
        Assert.Equal(9900, d.ElidedFrames[0]);
        Assert.Equal(GoroutineFlags.None, d.Flags[0]);
        Assert.Empty(d.Warnings);
    }

    // ---- ancestors: printAncestorTraceback (GODEBUG=tracebackancestors=N) ----

    [Fact]
    public void AncestorBlocks()
    {
        // printAncestorTraceback: "[originating from goroutine N]:", frames as name(...), then
        // "...additional frames elided..." when the saved pcs filled the buffer, then printcreatedby1
        // with goid 0: "created by F" without "in goroutine".
        var d = Parse(
            "goroutine 9 [chan receive]:",
            "main.child()",
            "\t/app/a.go:30 +0x1e",
            "created by main.parent in goroutine 8",
            "\t/app/a.go:20 +0x25",
            "[originating from goroutine 8]:",
            "main.parent(...)",
            "\t/app/a.go:20 +0x25",
            "...additional frames elided...",
            "created by main.main",
            "\t/app/a.go:10 +0x1a",
            "[originating from goroutine 1]:",
            "main.main(...)",
            "\t/app/a.go:10 +0x1a");
        Assert.Equal(1, d.FramesOf(0).Length);
        Assert.Equal(8, d.ParentId[0]);
        Assert.Equal("main.parent", d.Str(d.CreatedByFunction[0]));
        Assert.Equal(2, d.Ancestors.Length);
        var a = d.Ancestors[0];
        Assert.Equal((0, 8L, 1, true), (a.Goroutine, a.Id, a.FrameCount, a.AdditionalFramesElided));
        Assert.Equal(("main.main", "/app/a.go", 10), (d.Str(a.CreatedByFunction), d.Str(a.CreatedByFile), a.CreatedByLine));
        Assert.Equal("main.parent", d.Str(d.FramesOf(a)[0].Function));
        Assert.Equal((1L, -1), (d.Ancestors[1].Id, d.Ancestors[1].CreatedByFunction));
        Assert.Empty(d.Warnings);
    }

    // ---- real dumps (uber-go/goleak testdata, see shared/testdata/PROVENANCE.md) ----

    [Fact]
    public void SharedDump_Go121Format()
    {
        var d = GoroutineDumpReader.ReadFile(SharedDump("goleak-http.txt"), Limits.Default);
        // grep -c '^goroutine ' → 5; grep '^created by' → parents 1, 5, 5, 4.
        Assert.Equal([1L, 4, 20, 21, 8], d.Id);
        Assert.Equal([-1L, 1, 5, 5, 4], d.ParentId);
        Assert.Equal(["running", "IO wait", "select", "select", "IO wait"], d.State.Select(d.Str));
        Assert.Equal(["", "main.start", "net/http.(*Transport).dialConn", "net/http.(*Transport).dialConn", "net/http.(*Server).Serve"],
            d.CreatedByFunction.Select(d.Str));
        // 27 tab lines - 4 created-by locations = 23 frames.
        Assert.Equal(23, d.Frames.Length);
        Assert.Equal([2, 9, 1, 1, 10], Enumerable.Range(0, d.Count).Select(g => d.FramesOf(g).Length));
        Assert.Equal("internal/poll.(*pollDesc).waitRead", d.Str(d.FramesOf(1)[2].Function));
        Assert.Equal("...", d.Str(d.FramesOf(1)[2].Args));
        Assert.Equal("0xc000132000?, 0x4?, 0x0", d.Str(d.FramesOf(1)[1].Args));
        Assert.Empty(d.Warnings);
        Assert.False(d.Truncated);
    }

    [Fact]
    public void SharedDump_Go120Format()
    {
        var d = GoroutineDumpReader.ReadFile(SharedDump("goleak-http.go1.20.txt"), Limits.Default);
        Assert.Equal([1L, 20, 24, 25, 4], d.Id);
        // Go 1.20 prints no "in goroutine N".
        Assert.All(d.ParentId, p => Assert.Equal(-1, p));
        Assert.Equal(["", "main.start", "net/http.(*Transport).dialConn", "net/http.(*Transport).dialConn", "net/http.(*Server).Serve"],
            d.CreatedByFunction.Select(d.Str));
        Assert.Equal(3089, d.CreatedByLine[4]);
        Assert.Equal(23, d.Frames.Length);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void SharedDump_TracebackAncestors()
    {
        var d = GoroutineDumpReader.ReadFile(SharedDump("goleak-http.tracebackancestors.txt"), Limits.Default);
        Assert.Equal([1L, 20, 24, 4, 25], d.Id);
        Assert.Equal([-1L, 1, 21, 20, 21], d.ParentId);
        // grep -c '^\[originating' → 7 blocks: 1 for goroutine 20, 2 for each of 24, 4 and 25.
        Assert.Equal(7, d.Ancestors.Length);
        Assert.Equal([1, 2, 2, 3, 3, 4, 4], d.Ancestors.Select(a => a.Goroutine));
        Assert.Equal([1L, 21, 1, 20, 1, 21, 1], d.Ancestors.Select(a => a.Id));
        Assert.Equal(["", "net/http.(*Transport).queueForDial", "", "main.start", "", "net/http.(*Transport).queueForDial", ""],
            d.Ancestors.Select(a => d.Str(a.CreatedByFunction)));
        // 64 tab lines = 23 frames + 4 created-by + 3 ancestor created-by + 34 ancestor frames.
        Assert.Equal(23, d.Frames.Length);
        Assert.Equal(34, d.AncestorFrames.Length);
        Assert.Equal(12, d.Ancestors[2].FrameCount);
        Assert.Empty(d.Warnings);
    }

    // ---- truncation, embedding, unknown lines ----

    [Fact]
    public void TruncatedInTheMiddleOfALine()
    {
        // runtime.Stack(buf, true) with a small buffer stops wherever the buffer is full.
        var d = ParseText(
            "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:7 +0x1d\n\n" +
            "goroutine 5 [chan receive]:\nmain.worker(0xc000020060)\n\t/app/main.go:20 +0x2b\nmain.run(...)\n\t/app/ma");
        Assert.True(d.Truncated);
        Assert.Equal(GoroutineFlags.None, d.Flags[0]);
        Assert.Equal(GoroutineFlags.Truncated, d.Flags[1]);
        // The frame whose location was cut is kept, without the location.
        Assert.Equal(["main.worker", "main.run"], Functions(d, 1));
        Assert.Equal(-1, d.FramesOf(1)[1].File);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void TruncatedAfterAHeaderOrAFunction()
    {
        var d = ParseText("goroutine 1 [running]:\nmain.main()\n\t/app/main.go:7 +0x1d\n\ngoroutine 5 [select]:\n");
        Assert.True(d.Truncated);
        Assert.Equal(GoroutineFlags.Truncated, d.Flags[1]);
        Assert.Equal(0, d.FramesOf(1).Length);

        d = ParseText("goroutine 5 [select]:\nmain.loop(0x1)\n");
        Assert.Equal(GoroutineFlags.Truncated, d.Flags[0]);
        Assert.Equal(["main.loop"], Functions(d, 0));

        d = ParseText("goroutine 1 [running]:\nmain.main()\n\t/app/main.go:7 +0x1d\n\ngoroutine 5 [sel");
        Assert.True(d.Truncated);
        Assert.Equal(1, d.Count);
        Assert.Equal(GoroutineFlags.None, d.Flags[0]);
    }

    [Fact]
    public void EveryPrefixOfARealDumpReads()
    {
        // Cut anywhere, a dump still reads: whole goroutines are kept as they were, the last one is
        // flagged when the cut fell inside it, and nothing but InputException (no header yet) is thrown.
        var data = File.ReadAllBytes(SharedDump("goleak-http.txt"));
        var whole = GoroutineDumpReader.Read(data, Source, Limits.Default);
        int firstHeaderEnd = Array.IndexOf(data, (byte)'\n');
        for (int n = 1; n < data.Length; n++)
        {
            var prefix = data.AsSpan(0, n).ToArray();
            if (n < firstHeaderEnd)
            {
                Fails(prefix);
                continue;
            }
            var d = GoroutineDumpReader.Read(prefix, Source, Limits.Default);
            Assert.InRange(d.Count, 1, whole.Count);
            for (int g = 0; g < d.Count - 1; g++)
            {
                Assert.Equal(whole.Id[g], d.Id[g]);
                Assert.Equal(whole.FramesOf(g).ToArray(), d.FramesOf(g).ToArray());
                Assert.Equal(GoroutineFlags.None, d.Flags[g]);
            }
            // (A cut right after a whole line cannot always be told from the end of a dump.)
            int last = d.Count - 1;
            Assert.True(d.FramesOf(last).Length <= whole.FramesOf(last).Length);
            if (data[n - 1] != (byte)'\n') Assert.True(d.Truncated);
            Assert.Empty(d.Warnings);
        }
    }

    [Fact]
    public void DumpEmbeddedInPanicOutput()
    {
        // What `go run` shows for a panic (printpanics, then dopanic_m → goroutineheader + traceback
        // and, with GOTRACEBACK=all, tracebackothers), then "exit status 2".
        var d = Parse(
            "some log line before",
            "panic: runtime error: integer divide by zero [recovered]",
            "\tpanic: again",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x45e0fd]",
            "",
            "goroutine 1 [running]:",
            "main.div(...)",
            "\t/app/d.go:3",
            "main.main()",
            "\t/app/d.go:8 +0x1d",
            "",
            "goroutine 6 [chan receive]:",
            "main.worker()",
            "\t/app/d.go:14 +0x25",
            "created by main.main in goroutine 1",
            "\t/app/d.go:7 +0x18",
            "exit status 2");
        Assert.Equal([1L, 6], d.Id);
        Assert.Equal(["main.div", "main.main"], Functions(d, 0));
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void CrashOutputWithRegistersAndSeparators()
    {
        // GOTRACEBACK=crash on SIGQUIT (sighandler): "SIGQUIT: quit", "PC=… m=… sigcode=…", each M's
        // goroutine then dumpregs ("rax    0x…", no blank line before), "-----" between Ms;
        // dopanic_m at level ≥ 2 adds "runtime stack:" blocks, which belong to no goroutine.
        var d = Parse(
            "SIGQUIT: quit",
            "PC=0x46f1a1 m=0 sigcode=0",
            "",
            "goroutine 0 gp=0x5a3f40 m=0 mp=0x5a4980 [idle]:",
            "runtime.futex(0x5a4ac0, 0x80, 0x0, 0x0, 0x0, 0x0)",
            "\t/usr/local/go/src/runtime/sys_linux_amd64.s:557 +0x21 fp=0x7ffd6c6b8a50 sp=0x7ffd6c6b8a48 pc=0x46f1a1",
            "rax    0xca",
            "rbx    0x0",
            "rflags 0x286",
            "",
            "-----",
            "",
            "runtime stack:",
            "runtime.throw({0x4a0f40?, 0x0?})",
            "\t/usr/local/go/src/runtime/panic.go:1023 +0x5c",
            "",
            "goroutine 1 gp=0xc000002380 m=nil [chan receive, 10 minutes]:",
            "main.main()",
            "\t/app/main.go:12 +0x3c fp=0xc00006ef50 sp=0xc00006ef40 pc=0x45e0fd",
            "",
            "exit status 2");
        Assert.Equal([0L, 1], d.Id);
        Assert.Equal(["runtime.futex"], Functions(d, 0));
        Assert.Equal(["main.main"], Functions(d, 1));
        Assert.Equal(10, d.WaitMinutes[1]);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void UnknownLinesInsideAStackAreWarnings()
    {
        // A line inside a stack that is neither a frame (a function line followed by its tab-indented
        // location), nor any of the lines above, is reported with its line number and skipped.
        var d = Parse(
            "goroutine 1 [running]:",                                  // line 1
            "main.main()",                                             // 2
            "\t/app/main.go:7 +0x1d",                                  // 3
            "some: log line written in the middle",                    // 4
            "main.g()",                                                // 5
            "\t/app/g.go:1 +0x1",                                      // 6
            "\tstray indented text",                                   // 7
            "goroutine 2 [select, bogus segment]:",                    // 8: an unknown header segment
            "main.loop()",                                             // 9
            "\t/app/loop.go:3 +0x1");                                  // 10
        Assert.Equal(2, d.Count);
        Assert.Equal(["main.main", "main.g"], Functions(d, 0));
        Assert.Equal(["main.loop"], Functions(d, 1));
        Assert.Equal("select", d.Str(d.State[1]));
        Assert.Equal([4, 7, 8], d.Warnings.Select(w => w.Line));
        Assert.Equal("some: log line written in the middle", d.Warnings[0].Text);
        Assert.Equal("\tstray indented text", d.Warnings[1].Text);
        Assert.Equal(3, d.WarningCount);
    }

    [Fact]
    public void GzippedDump()
    {
        var text = Encoding.UTF8.GetBytes("goroutine 1 [running]:\nmain.main()\n\t/app/main.go:7 +0x1d\n");
        var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(text);
        var d = GoroutineDumpReader.Read(ms.ToArray(), Source, Limits.Default);
        Assert.Equal(["main.main"], Functions(d, 0));
    }

    // ---- the count form (debug=1) and profile.proto ----

    [Fact]
    public void CountForm_Go119Capture()
    {
        var d = GoroutineDumpReader.ReadFile(Cacheleak("goroutine.txt"), Limits.Default);
        Assert.Equal(GoroutineDumpForm.CountText, d.Form);
        Assert.Equal("goroutine", d.ProfileName);
        Assert.Equal(6, d.Count);
        Assert.Equal(6, d.TotalGoroutines);
        Assert.All(d.Id, id => Assert.Equal(-1, id));
        Assert.All(d.State, s => Assert.Equal(-1, s));
        // The symbol lines (runtime frames the runtime hides print none): first stack signal_recv, loop.
        Assert.Equal(["os/signal.signal_recv", "os/signal.loop"], Functions(d, 0));
        var f = d.FramesOf(0)[0];
        Assert.Equal(("/usr/lib/go-1.19/src/runtime/sigqueue.go", 152, -1, -1L), (d.Str(f.File), f.Line, f.Args, f.PcOffset));
        Assert.Equal("leakhound/samples/internal/svc.Main.func1", Functions(d, 3)[^1]);
    }

    [Fact]
    public void CountFormWithCountsAndLabels()
    {
        // runtime/pprof printCountProfile (debug=1): "N @ 0x…", "# labels: {…}", then printStackRecord's symbol lines.
        var d = Parse(
            "goroutine profile: total 1003",
            "1000 @ 0x43bef6 0x44bd9c 0x68652d 0x46c8c1",
            "# labels: {\"tenant\":\"a\", \"job\":\"ingest\"}",
            "#\t0x68652c\tmain.worker+0xbcc\t/app/main.go:121",
            "",
            "3 @ 0x43bef6 0x686eee 0x46c8c1",
            "#\t0x686eed\tmain.main+0x2d\t/app/main.go:28");
        Assert.Equal([1000, 3], d.Multiplicity);
        Assert.Equal(1003, d.TotalGoroutines);
        Assert.Equal(["tenant=a", "job=ingest"], Labels(d, 0));
        Assert.Empty(Labels(d, 1));
        Assert.Equal(["main.worker"], Functions(d, 0));
    }

    [Fact]
    public void GoroutineLeakCountForm_Go126()
    {
        // Go 1.26 (GOEXPERIMENT=goroutineleakprofile) / 1.27: pprof.Lookup("goroutineleak").WriteTo(w, 1).
        var d = Parse(
            "goroutineleak profile: total 2",
            "2 @ 0x43bef6 0x44bd9c 0x68652d 0x46c8c1",
            "#\t0x68652c\tmain.leakSend.func1+0x27\t/app/formats.go:15");
        Assert.Equal("goroutineleak", d.ProfileName);
        Assert.Equal(GoroutineFlags.Leaked, d.Flags[0]);
        Assert.Equal(2, d.Multiplicity[0]);
    }

    [Fact]
    public void ProtoForm_Go119Capture()
    {
        var d = GoroutineDumpReader.ReadFile(Cacheleak("goroutine.pb.gz"), Limits.Default);
        Assert.Equal(GoroutineDumpForm.Proto, d.Form);
        Assert.Equal("goroutine", d.ProfileName);
        Assert.Equal(6, d.Count);
        Assert.Equal(6, d.TotalGoroutines);
        // Unlike debug=1, proto keeps the runtime frames (all but runtime.goexit, which runtime/pprof's
        // profileBuilder leaves out): the same first stack starts in runtime.notetsleepg.
        Assert.Equal(["runtime.notetsleepg", "os/signal.signal_recv", "os/signal.loop"], Functions(d, 0));
        Assert.All(d.Frames, f => Assert.Equal(-1, f.Args));
    }

    // ---- bad input ----

    [Fact]
    public void EmptyInputFails()
    {
        var e = Fails([]);
        Assert.Equal(Source, e.InputName);
        Assert.StartsWith("line 1: the input is empty", e.Problem);
    }

    [Fact]
    public void RandomBytesFail()
    {
        var rng = new Random(12345);
        for (int i = 0; i < 50; i++)
        {
            var data = new byte[rng.Next(1, 4096)];
            rng.NextBytes(data);
            var e = Fails(data);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void TextWithoutAGoroutineFails()
    {
        var e = Fails(Encoding.UTF8.GetBytes("hello\nworld\ngoroutine leak suspected\n"));
        Assert.Equal($"{Source}: line 1: expected a goroutine dump: a \"goroutine N [state]:\" line (debug=2, runtime.Stack, panic or signal output), a \"goroutine profile: total N\" line (debug=1), or a goroutine profile in profile.proto form", e.Message);
    }

    [Fact]
    public void OtherProfilesFail()
    {
        var e = Fails(File.ReadAllBytes(Cacheleak("heap.pb.gz")));
        Assert.Contains("not a goroutine profile", e.Problem);
        e = Fails(File.ReadAllBytes(Cacheleak("threadcreate.txt")));
        Assert.Contains("line 1: \"threadcreate profile: total", e.Problem);
    }

    [Fact]
    public void LimitsAreEnforced()
    {
        var text = Encoding.UTF8.GetBytes(
            "goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n\ngoroutine 2 [select]:\nmain.f()\n\t/a.go:2 +0x1\n\n" +
            "goroutine 3 [select]:\nmain.f()\n\t/a.go:2 +0x1\nmain.g()\n\t/a.go:3 +0x1\nmain.h()\n\t/a.go:4 +0x1\n");
        var e = Fails(text, Limits.Default with { MaxGoroutines = 2 });
        Assert.Equal("line 9: more than 2 goroutines (the limit)", e.Problem);
        e = Fails(text, Limits.Default with { MaxStackDepth = 2 });
        Assert.Equal("line 14: a stack of more than 2 frames (the limit)", e.Problem); // the third function line
    }
}
