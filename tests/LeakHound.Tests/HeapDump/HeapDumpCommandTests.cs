using System.Text.RegularExpressions;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.HeapDump;

/// <summary>`leakhound heapdump DUMP print|summary` on the shared dumps, against the counts of the independent reader.</summary>
public class HeapDumpCommandTests
{
    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void PrintWritesEveryRecordOnce(string name)
    {
        var e = SharedHeapDumps.Counts[name];
        var r = LeakHoundCli.Run("heapdump", SharedHeapDumps.Path(name), "print");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("go1.7 heap dump", lines[0]);

        int Count(string pattern) => lines.Count(l => Regex.IsMatch(l, pattern));
        Assert.Equal(1, Count(@"^params @16: little-endian, pointer size 8, heap 0x[0-9a-f]+-0x[0-9a-f]+, arch ""amd64"", version """ + Regex.Escape(e.Version) + @""""));
        Assert.Equal(e.Objects, Count(@"^object 0x[0-9a-f]+ @\d+: size \d+, contents @\d+, pointers \d+$"));
        Assert.Equal(e.Types, Count(@"^type 0x[0-9a-f]+ @\d+: "".*"", size \d+, interfaces hold "));
        Assert.Equal(e.Itabs, Count(@"^itab 0x[0-9a-f]+ @\d+: type 0x[0-9a-f]+$"));
        Assert.Equal(e.Goroutines, Count(@"^goroutine \d+ @\d+: g 0x[0-9a-f]+, status "));
        Assert.Equal(e.StackFrames, Count(@"^stack frame @\d+: goroutine \d+ depth \d+ \S+, sp 0x"));
        Assert.Equal(e.Finalizers, Count(@"^finalizer @\d+: object 0x[0-9a-f]+, funcval 0x"));
        Assert.Equal(e.MemProf, Count(@"^memprof bucket 0x[0-9a-f]+ @\d+: size \d+, allocs \d+, frees \d+, frames \d+$"));
        Assert.Equal(e.AllocSamples, Count(@"^alloc sample @\d+: object 0x[0-9a-f]+, bucket 0x[0-9a-f]+$"));
        Assert.Equal(1, Count(@"^data segment 0x[0-9a-f]+ @\d+: size \d+, contents @\d+, pointers \d+$"));
        Assert.Equal(1, Count(@"^bss segment 0x[0-9a-f]+ @\d+: size \d+, contents @\d+, pointers \d+$"));
        Assert.Equal(1, Count(@"^memstats @\d+:$"));
        Assert.Equal(1, Count(@"^  HeapObjects " + e.HeapObjects + "$"));
        Assert.Equal(1, Count(@"^  HeapAlloc " + e.HeapAlloc + "$"));
        Assert.Equal(1, Count(@"^eof @\d+: \d+ bytes uncompressed$"));

        // The pointer fields listed under the objects are the objects' pointer fields, and each
        // record's "pointers N" announces the lines that follow it.
        int objectFields = 0, announced = 0, listed = 0;
        string? current = null;
        foreach (var l in lines)
        {
            if (l.StartsWith("  +", StringComparison.Ordinal))
            {
                Assert.Matches(@"^  \+\d+( \(0x[0-9a-f]+\))? -> 0x[0-9a-f]+$", l);
                listed++;
                if (current == "object") objectFields++;
                continue;
            }
            if (l.StartsWith("  ", StringComparison.Ordinal)) continue;
            Assert.Equal(announced, listed);
            current = l.StartsWith("object ", StringComparison.Ordinal) ? "object" : "other";
            var m = Regex.Match(l, @", pointers (\d+)$");
            announced = m.Success ? int.Parse(m.Groups[1].Value) : 0;
            listed = 0;
        }
        Assert.Equal(e.PointerFields, objectFields);
        Assert.Contains($"records: object {e.Objects}, ", r.Stdout);
    }

    [Theory]
    [MemberData(nameof(SharedHeapDumps.Names), MemberType = typeof(SharedHeapDumps))]
    public void SummaryCountsLiveObjectsAsMemStatsDoes(string name)
    {
        var e = SharedHeapDumps.Counts[name];
        var r = LeakHoundCli.Run("heapdump", SharedHeapDumps.Path(name), "summary");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Contains($"Runtime:   {e.Version} amd64, 8-byte little-endian pointers", r.Stdout);
        Assert.Contains($"Objects:   {e.HeapObjects} objects, ", r.Stdout);
        Assert.Contains($"({e.HeapAlloc} bytes of slots)", r.Stdout);
        Assert.DoesNotContain("MemStats.HeapObjects says", r.Stdout);
        if (e.Objects != (int)e.HeapObjects)
            Assert.Contains($"not counted: {e.Objects - (int)e.HeapObjects} object records ({e.ObjectBytes - (long)e.HeapAlloc} bytes)", r.Stdout);
        Assert.Contains($"goroutines {e.Goroutines}, stack frames {e.StackFrames}, ", r.Stdout);
        Assert.Contains($"finalizers {e.Finalizers}, queued finalizers 0", r.Stdout);
        Assert.Contains($"memprof buckets {e.MemProf}, alloc samples {e.AllocSamples}", r.Stdout);
        // The size-class rows add up to the live objects.
        var rows = Regex.Matches(r.Stdout, @"^ +(?:> )?\d+ +(\d+) +(\d+) ", RegexOptions.Multiline);
        Assert.Equal((long)e.HeapObjects, rows.Sum(m => long.Parse(m.Groups[1].Value)));
        Assert.Equal((long)e.HeapAlloc, rows.Sum(m => long.Parse(m.Groups[2].Value)));
        // 2201 Blobs (registry, spawnBlocked, interior) in the 1024-byte class, plus a few others.
        var blobs = Regex.Match(r.Stdout, @"^ +1024 +(\d+) ", RegexOptions.Multiline);
        Assert.InRange(int.Parse(blobs.Groups[1].Value), 2201, 2210);
    }

    [Fact]
    public void UnknownVerbAndMissingArgumentsAreUsageErrors()
    {
        var r = LeakHoundCli.Run("heapdump", SharedHeapDumps.Path("dumpgen-go1.19"), "dominators-please");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown heapdump verb \"dominators-please\"", r.Stderr);
        r = LeakHoundCli.Run("heapdump", SharedHeapDumps.Path("dumpgen-go1.19"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("usage: leakhound heapdump DUMP print|summary", r.Stderr);
    }
}
