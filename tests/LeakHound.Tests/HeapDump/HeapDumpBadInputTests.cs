using System.IO.Compression;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// Broken heap dumps: one line on stderr naming the file, the offset and what was expected, exit
/// code 2, no stack trace; and every heap-dump limit refuses a crafted dump that exceeds it.
/// </summary>
public sealed class HeapDumpBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakhound-badhd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static byte[] Plain(string dump)
    {
        using var z = new GZipStream(File.OpenRead(SharedHeapDumps.Path(dump)), CompressionMode.Decompress);
        var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    /// <summary>Both verbs fail the same way: exit 2, nothing on stdout (print has written the records before the fault), one line on stderr.</summary>
    private static string AssertOneLineError(string path, params string[] expected) => AssertOneLineError(["summary", "print"], path, expected);

    private static string AssertOneLineError(string[] verbs, string path, params string[] expected)
    {
        string line = "";
        foreach (var verb in verbs)
        {
            var r = LeakHoundCli.Run("heapdump", path, verb);
            Assert.Equal(2, r.ExitCode);
            if (verb == "summary") Assert.Equal("", r.Stdout);
            var lines = r.Stderr.TrimEnd('\n').Split('\n');
            line = Assert.Single(lines);
            Assert.StartsWith("leakhound: " + path + ": ", line);
            foreach (var e in expected) Assert.Contains(e, line);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
        return line;
    }

    [Fact]
    public void EmptyFile() => AssertOneLineError(Write("empty.dump", []), "offset 0: the file is empty; expected a Go heap dump");

    [Fact]
    public void NotADump()
    {
        var profile = File.ReadAllBytes(Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap2.pb.gz"));
        AssertOneLineError(Write("heap.pb.gz", profile), "offset 0: expected a Go heap dump (runtime/debug.WriteHeapDump), which starts with \"go1.7 heap dump\\n\"");
        AssertOneLineError(Write("text.txt", "goroutine 1 [running]:\n"u8.ToArray()), "offset 0: expected a Go heap dump");
        AssertOneLineError(Write("old.dump", new CraftedDump("go1.4 heap dump\n").Eof().ToArray()), "\"go1.4 heap dump\" is the heap dump format of Go 1.3–1.6");
        AssertOneLineError(Path.Combine(_dir, "missing.dump"), "no such file");
    }

    [Fact]
    public void TruncatedAnywhere()
    {
        var data = Plain("dumpgen-go1.19");
        // Inside the header, inside params, inside objects (contents and field lists), inside the
        // goroutines, the memstats and the memprof buckets, and just before the EOF record.
        foreach (int cut in new[] { 5, 16, 30, 1000, data.Length / 3, data.Length / 2, (int)(data.Length * 0.92), data.Length - 40, data.Length - 1 })
        {
            var line = AssertOneLineError(Write($"cut{cut}.dump", data[..cut]), "(the dump is truncated)");
            Assert.Matches(@": offset \d+: expected ", line);
        }
        var gz = File.ReadAllBytes(SharedHeapDumps.Path("dumpgen-go1.19"));
        AssertOneLineError(Write("half.dump.gz", gz[..(gz.Length / 2)]), "truncated");
        // Cut inside the gzip trailer: the records are whole, the trailer's length is not.
        AssertOneLineError(Write("trailer.dump.gz", gz[..(gz.Length - 3)]), "gzip data is truncated or corrupt");
    }

    [Fact]
    public void CorruptLengths()
    {
        // An object claims 1 MB of contents and has 16 bytes.
        var d = new CraftedDump().Params().U(1).U(0xc000010000).U(1 << 20).Raw(new byte[16]);
        AssertOneLineError(Write("short.dump", d.ToArray()), "expected the object's contents of 1048576 bytes, found 16 before the end of the data");
        // A length over the limit (1 TB of contents).
        d = new CraftedDump().Params().U(1).U(0xc000010000).U(1UL << 40).Raw(new byte[16]);
        int at = (int)new CraftedDump().Params().U(1).U(0xc000010000).Length;
        AssertOneLineError(Write("huge.dump", d.ToArray()), $"offset {at}: the object's contents of 1099511627776 bytes is over the limit");
        // A string length over the limit, in params.
        d = new CraftedDump().U(6).U(0).U(8).U(0).U(0).U(1UL << 62);
        AssertOneLineError(Write("str.dump", d.ToArray()), "the architecture of 4611686018427387904 bytes is over the limit");
        // A varint that never ends.
        d = new CraftedDump().Raw([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        AssertOneLineError(Write("varint.dump", d.ToArray()), "offset 16: a record kind is a varint longer than 64 bits");
    }

    [Fact]
    public void CorruptRecords()
    {
        var unknown = new CraftedDump().Params().U(42).Eof();
        AssertOneLineError(Write("kind.dump", unknown.ToArray()), "unknown record kind 42: expected a record kind from 0 to 17");
        var early = new CraftedDump().Object(0xc000010000, [0]).Eof();
        AssertOneLineError(Write("early.dump", early.ToArray()), "offset 16: a object record before the params record");
        var field = new CraftedDump().Params().Object(0xc000010000, [1, 2], 16).Eof();
        AssertOneLineError(Write("field.dump", field.ToArray()), "pointer field at offset 16 of the object record at offset 47: expected a multiple of 8 inside its 16 bytes of contents");
        var odd = new CraftedDump().Params().Object(0xc000010000, [1, 2], 4).Eof();
        AssertOneLineError(Write("odd.dump", odd.ToArray()), "pointer field at offset 4");
        var fieldKind = new CraftedDump().Params().U(1).U(0xc000010000).U(8).Raw(new byte[8]).U(3).U(0).U(0).Eof();
        AssertOneLineError(Write("fieldkind.dump", fieldKind.ToArray()), "field kind 3 in the object record at offset 47: expected 1 (pointer) or 0 (end of list)");
        var twice = new CraftedDump().Params().Object(0xc000010000, [1, 2], 0, 0, 8).Eof();
        AssertOneLineError(Write("twice.dump", twice.ToArray()), "has more pointer fields than its 16 bytes hold words");
        var overlap = new CraftedDump().Params().Object(0xc000010000, [1, 2]).Object(0xc000010008, [3]).Eof();
        // Only the model sorts the objects and sees the overlap; print shows the records as they are.
        AssertOneLineError(["summary"], Write("overlap.dump", overlap.ToArray()), "the object at 0xc000010008 overlaps the object at 0xc000010000");
        var frame = new CraftedDump().Params().U(5).U(0xc000042000).U(0).U(0).U(0).U(1).U(1).U(1).Str("main.f").U(0).Eof();
        AssertOneLineError(Write("frame.dump", frame.ToArray()), "a stack frame record before any goroutine record");
        var after = new CraftedDump().Params().Eof().U(1);
        AssertOneLineError(Write("after.dump", after.ToArray()), "data after the EOF record");
        var noEof = new CraftedDump().Params();
        AssertOneLineError(Write("noeof.dump", noEof.ToArray()), $"offset {noEof.Length}: expected a record kind, found the end of the data (the dump is truncated)");
        var ptrSize = new CraftedDump().U(6).U(0).U(3);
        AssertOneLineError(Write("ptrsize.dump", ptrSize.ToArray()), "offset 18: pointer size 3: expected 4 or 8");
        var boolean = new CraftedDump().U(6).U(2);
        AssertOneLineError(Write("bool.dump", boolean.ToArray()), "offset 17: expected the params' big-endian flag (0 or 1), found 2");
        var params2 = new CraftedDump().Params().Params().Eof();
        AssertOneLineError(Write("params2.dump", params2.ToArray()), "a second params record");
        var corruptGzip = Gzip(new CraftedDump().Params().Eof().ToArray());
        corruptGzip[12] ^= 0xff;
        AssertOneLineError(Write("corrupt.dump.gz", corruptGzip), "gzip data is");
    }

    [Fact]
    public void ACraftedDumpReadsBack()
    {
        // The crafted dumps above are well formed apart from their one fault: a good one reads back.
        var d = new CraftedDump().Params().Object(0xc000010010, [0xc000010000, 7], 0).Object(0xc000010000, [0, 0xc000010018]).Eof();
        var dump = HeapDumpReader.Read(Write("good.dump", d.ToArray()), Limits.Default);
        Assert.Equal([0xc000010000UL, 0xc000010010], dump.Objects.Address);
        Assert.Equal([0, 0, 1], dump.Objects.PointerStart);
        Assert.Equal([0xc000010000UL], dump.Objects.PointersOf(1).ToArray());
        Assert.Equal(1, dump.ObjectAt(0xc000010018));
        Assert.Equal(-1, dump.ObjectAt(0xc000010020));
        Assert.Null(dump.MemStats);
    }

    private InputException Refused(CraftedDump d, Limits limits, string name) =>
        Assert.Throws<InputException>(() => HeapDumpReader.Read(Write(name, d.ToArray()), limits));

    [Fact]
    public void EveryLimitIsEnforced()
    {
        var objects = new CraftedDump().Params().Object(0xc000010000, [0]).Object(0xc000010008, [0]).Object(0xc000010010, [0]).Eof();
        Assert.Contains("more than 2 object records (the limit)", Refused(objects, Limits.Default with { MaxHeapDumpObjects = 2 }, "o.dump").Message);

        var pointers = new CraftedDump().Params().Object(0xc000010000, [0, 0], 0, 8).Object(0xc000010010, [0], 0).Eof();
        Assert.Contains("more than 2 pointer fields in objects (the limit)", Refused(pointers, Limits.Default with { MaxHeapDumpPointers = 2 }, "p.dump").Message);

        var records = new CraftedDump().Params().U(9).U(1).U(1).U(1).U(9).U(2).U(2).U(2).Eof();
        Assert.Contains("more than 1 os thread records (the limit)", Refused(records, Limits.Default with { MaxHeapDumpRecords = 1 }, "r.dump").Message);

        var big = new CraftedDump().Params().Object(0xc000010000, [0, 0, 0]).Eof();
        Assert.Contains("the object's contents of 24 bytes is over the limit of 16", Refused(big, Limits.Default with { MaxHeapDumpRecordBytes = 16 }, "b.dump").Message);

        var str = new CraftedDump().Params("go1.19.8-with-a-long-version-string").Eof();
        Assert.Contains("the Go version of 35 bytes is over the limit of 8", Refused(str, Limits.Default with { MaxStringBytes = 8 }, "s.dump").Message);

        var length = new CraftedDump().Params().Object(0xc000010000, new ulong[1 << 18]).Eof();
        Assert.Contains("over the limit of 1000000 uncompressed bytes", Refused(length, Limits.Default with { MaxHeapDumpBytes = 1_000_000 }, "l.dump").Message);

        var goroutines = new CraftedDump().Params();
        for (int i = 0; i < 3; i++) goroutines.U(4).U(0xc000001000).U(0).U((ulong)i).U(0).U(4).U(0).U(0).U(0).Str("chan send").U(0).U(0).U(0).U(0);
        Assert.Contains("more than 2 goroutine records (the limit)", Refused(goroutines.Eof(), Limits.Default with { MaxGoroutines = 2 }, "g.dump").Message);

        var frames = new CraftedDump().Params().U(16).U(1).U(8).U(3);
        Assert.Contains("3 frames in one memprof bucket is over the limit of 2", Refused(frames, Limits.Default with { MaxStackDepth = 2 }, "f.dump").Message);

        var strings = new CraftedDump().Params().U(2).Str("a").U(0).U(2).Str("b").U(0).Eof();
        Assert.Contains("distinct strings (the limit)", Refused(strings, Limits.Default with { MaxTableEntries = 4 }, "t.dump").Message);
    }
}
