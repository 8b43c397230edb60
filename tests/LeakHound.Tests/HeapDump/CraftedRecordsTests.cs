using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// Every record kind, written by hand field by field in the order runtime/heapdump.go writes them
/// (including the kinds the shared dumps lack: other roots, queued finalizers, defers, panics), read
/// into the model and printed.
/// </summary>
public sealed class CraftedRecordsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakhound-hdkinds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteAllKinds()
    {
        var d = new CraftedDump().Params("go1.21.0")
            .U(3).U(0x4a0000).U(16).Str("main.T").U(1)                                   // type
            .U(8).U(0x4c0000).U(0x4a0000)                                                // itab
            .Object(0xc000010000, [0xc000010010, 42], 0)                                // object
            .Object(0xc000010010, [0])
            .U(4).U(0xc000001000).U(0xc000042f00).U(7).U(0x401000).U(4).U(0).U(0).U(123).Str("chan send")
            .U(0xc000010000).U(0x555000).U(0xc000050000).U(0xc000060000)               // goroutine 7
            .U(5).U(0xc000042f00).U(0).U(0).U(16).Raw(BitConverter.GetBytes(0xc000010010UL)).Raw(new byte[8])
            .U(0x402000).U(0x402010).U(0x402010).Str("main.worker").U(1).U(0).U(0)   // frame, pointer at +0
            .U(14).U(0xc000050000).U(0xc000001000).U(0xc000042f10).U(0x402020).U(0x4d0000).U(0x403000).U(0) // defer
            .U(15).U(0xc000060000).U(0xc000001000).U(0x4a0000).U(0xc000010010).U(0).U(0) // panic
            .U(9).U(0x555000).U(3).U(4242)                                               // os thread
            .U(12).U(0x500000).U(16).Raw(new byte[8]).Raw(BitConverter.GetBytes(0xc000010000UL)).U(1).U(8).U(0) // data
            .U(13).U(0x510000).U(8).Raw(BitConverter.GetBytes(0xc000010010UL)).U(1).U(0).U(0) // bss
            .U(7).U(0xc000010000).U(0x4e0000).U(0x404000).U(0x4a0000).U(0x4a1000)     // finalizer
            .U(11).U(0xc000010010).U(0x4e0008).U(0x405000).U(0x4a0000).U(0x4a1000)    // queued finalizer
            .U(2).Str("a \"described\" root").U(0xc000010010);                           // other root
        d.U(10);                                                                         // memstats: field i = 1000 + i
        for (int i = 0; i < 24; i++) d.U((ulong)(1000 + i));
        for (int i = 0; i < 256; i++) d.U((ulong)i);
        d.U(77)
            .U(16).U(0x7f0000).U(48).U(2).Str("main.alloc").Str("/src/main.go").U(12).Str("(0x4010ff)").Str("?").U(0).U(5).U(1) // memprof
            .U(17).U(0xc000010000).U(0x7f0000)                                           // alloc sample
            .Eof();
        string path = Path.Combine(_dir, "all.dump");
        File.WriteAllBytes(path, d.ToArray());
        return path;
    }

    [Fact]
    public void EveryKindReadsIntoTheModel()
    {
        var d = HeapDumpReader.Read(WriteAllKinds(), Limits.Default);
        Assert.Equal(new HeapDumpType(0x4a0000, 16, d.Strings.ToList().IndexOf("main.T"), true), Assert.Single(d.Types));
        Assert.Equal(new HeapDumpItab(0x4c0000, 0x4a0000), Assert.Single(d.Itabs));
        Assert.Equal([0xc000010010UL], d.Objects.PointersOf(0).ToArray());
        var g = Assert.Single(d.Goroutines);
        Assert.Equal((7UL, 0x401000UL, 4UL, 123UL, "chan send", 0xc000010000UL, 0x555000UL, 0xc000050000UL, 0xc000060000UL),
            (g.Id, g.CreatorPc, g.Status, g.WaitSince, d.Str(g.WaitReason), g.Context, g.Thread, g.TopDefer, g.TopPanic));
        var f = Assert.Single(d.FramesOf(0).ToArray());
        Assert.Equal((0, "main.worker", 16L, 0x402010UL), (f.Goroutine, d.Str(f.Function), f.Size, f.Pc));
        Assert.Equal([0xc000010010UL], d.FramePointers.PointersOf(0).ToArray());
        Assert.Equal(new HeapDumpDefer(0xc000050000, 0xc000001000, 0xc000042f10, 0x402020, 0x4d0000, 0x403000, 0), Assert.Single(d.Defers));
        Assert.Equal(new HeapDumpPanic(0xc000060000, 0xc000001000, 0x4a0000, 0xc000010010, 0, 0), Assert.Single(d.Panics));
        Assert.Equal(new HeapDumpThread(0x555000, 3, 4242), Assert.Single(d.Threads));
        Assert.Equal([HeapDumpSegmentKind.Data, HeapDumpSegmentKind.Bss], d.Segments.Select(s => s.Kind));
        Assert.Equal([8], d.SegmentPointers.FieldOffsetsOf(0).ToArray());
        Assert.Equal([0xc000010000UL, 0xc000010010UL], d.SegmentPointers.PointerValue);
        Assert.Equal(new HeapDumpFinalizer(0xc000010000, 0x4e0000, 0x404000, 0x4a0000, 0x4a1000), Assert.Single(d.Finalizers));
        Assert.Equal(0xc000010010UL, Assert.Single(d.QueuedFinalizers).Object);
        var root = Assert.Single(d.OtherRoots);
        Assert.Equal(("a \"described\" root", 0xc000010010UL), (d.Str(root.Description), root.Pointer));
        Assert.Equal(1006UL, d.MemStats!.HeapAlloc);
        Assert.Equal(1011UL, d.MemStats.HeapObjects);
        Assert.Equal(1023UL, d.MemStats.PauseTotalNs);
        Assert.Equal(255UL, d.MemStats.PauseNs[255]);
        Assert.Equal(77UL, d.MemStats.NumGC);
        var b = Assert.Single(d.MemProf);
        Assert.Equal((0x7f0000UL, 48UL, 5UL, 1UL), (b.Id, b.Size, b.Allocs, b.Frees));
        Assert.Equal(["main.alloc /src/main.go:12", "(0x4010ff) ?:0"], d.FramesOf(b).ToArray().Select(x => $"{d.Str(x.Function)} {d.Str(x.File)}:{x.Line}"));
        Assert.Equal(0, d.MemProfIndexOf(Assert.Single(d.AllocSamples).Bucket));
    }

    [Fact]
    public void PrintShowsEveryKind()
    {
        var r = LeakHoundCli.Run("heapdump", WriteAllKinds(), "print");
        Assert.Equal(0, r.ExitCode);
        var text = r.Stdout;
        Assert.Contains("type 0x4a0000 @", text);
        Assert.Contains(": \"main.T\", size 16, interfaces hold a pointer to it\n", text);
        Assert.Contains(": type 0x4a0000\n", text);
        Assert.Matches(@"object 0xc000010000 @\d+: size 16, contents @\d+, pointers 1\n  \+0 -> 0xc000010010\n", text);
        Assert.Matches(@"goroutine 7 @\d+: g 0xc000001000, status waiting \(4\), wait reason ""chan send"", waiting since 123, sp 0xc000042f00, created at pc 0x401000, system false, background false, ctxt 0xc000010000, m 0x555000, defer 0xc000050000, panic 0xc000060000\n", text);
        Assert.Matches(@"stack frame @\d+: goroutine 7 depth 0 main.worker, sp 0xc000042f00, child sp 0x0, size 16, contents @\d+, entry 0x402000, pc 0x402010, continuation pc 0x402010, pointers 1\n  \+0 \(0xc000042f00\) -> 0xc000010010\n", text);
        Assert.Matches(@"defer 0xc000050000 @\d+: goroutine 0xc000001000, sp 0xc000042f10, pc 0x402020, funcval 0x4d0000, entry pc 0x403000, next 0x0\n", text);
        Assert.Matches(@"panic 0xc000060000 @\d+: goroutine 0xc000001000, value type 0x4a0000, value data 0xc000010010, defer 0x0, next 0x0\n", text);
        Assert.Matches(@"os thread 0x555000 @\d+: id 3, os id 4242\n", text);
        Assert.Matches(@"data segment 0x500000 @\d+: size 16, contents @\d+, pointers 1\n  \+8 \(0x500008\) -> 0xc000010000\n", text);
        Assert.Matches(@"bss segment 0x510000 @\d+: size 8, contents @\d+, pointers 1\n  \+0 \(0x510000\) -> 0xc000010010\n", text);
        Assert.Matches(@"\nfinalizer @\d+: object 0xc000010000, funcval 0x4e0000, entry pc 0x404000, argument type 0x4a0000, object type 0x4a1000\n", text);
        Assert.Matches(@"queued finalizer @\d+: object 0xc000010010, funcval 0x4e0008, entry pc 0x405000", text);
        Assert.Matches(@"other root @\d+: ""a \\""described\\"" root"" -> 0xc000010010\n", text);
        Assert.Contains("\n  HeapAlloc 1006\n", text);
        Assert.Contains("\n  PauseNs 0 1 2 3 ", text);
        Assert.Contains(" 254 255\n  NumGC 77\n", text);
        Assert.Matches(@"memprof bucket 0x7f0000 @\d+: size 48, allocs 5, frees 1, frames 2\n  main.alloc /src/main.go:12\n  \(0x4010ff\) \?:0\n", text);
        Assert.Matches(@"alloc sample @\d+: object 0xc000010000, bucket 0x7f0000\n", text);
        Assert.EndsWith("records: object 2, other root 1, type 1, goroutine 1, stack frame 1, params 1, finalizer 1, itab 1, os thread 1, memstats 1, queued finalizer 1, data segment 1, bss segment 1, defer 1, panic 1, memprof bucket 1, alloc sample 1, eof 1\n", text);
    }
}
