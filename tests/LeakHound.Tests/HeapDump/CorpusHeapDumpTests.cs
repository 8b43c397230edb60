using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using LeakHound.Tests.Support;
using HeapDumpModel = LeakHound.Formats.HeapDump.HeapDump;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// The heap dumps capture.sh writes into the corpus (cacheleak: heap.dump after warm-up and
/// heap2.dump after more load, from one process; finalizercycle: heap.dump after warm-up), checked
/// against what the samples do per request, counted by the load tool in capture.txt. A corpus
/// captured before capture.sh wrote dumps (no "heapdumps=" line in capture.txt) fails: recapture it.
/// </summary>
public class CorpusHeapDumpTests
{
    private static string SampleDir(string sample) =>
        Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run 'bash samples/capture.sh artifacts/corpus', as .ci/run does"), sample);

    /// <summary>The dumps capture.txt lists, which must all be there; and the requests that succeeded before each.</summary>
    private static (string[] Dumps, int Warmup, int More) Capture(string sample)
    {
        var text = File.ReadAllText(Path.Combine(SampleDir(sample), "capture.txt"));
        var listed = Regex.Match(text, @"^heapdumps=(.*)$", RegexOptions.Multiline);
        // capture.sh writes these dumps by default: a corpus without them is stale.
        if (!listed.Success) throw new InvalidOperationException($"{sample}'s capture.txt lists no heap dumps: recapture the corpus with samples/capture.sh, as .ci/run does");
        string[] dumps = listed.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var d in dumps) Assert.True(File.Exists(Path.Combine(SampleDir(sample), d)), $"capture.txt lists {d}, which is missing");
        int Ok(string step) => int.Parse(Regex.Match(text, $@"^{step}=.* ok=(\d+) ", RegexOptions.Multiline).Groups[1].Value);
        return (dumps, Ok("warmup"), Ok("more"));
    }

    private static HeapDumpModel Read(string sample, string dump)
    {
        var d = HeapDumpReader.Read(Path.Combine(SampleDir(sample), dump), Limits.Default);
        // The samples are built by the installed Go 1.19: every object record is an object.
        Assert.Equal(0, d.Objects.SpanTailCount);
        Assert.Equal(d.MemStats!.HeapObjects, (ulong)d.Objects.Count);
        Assert.Equal(d.MemStats.HeapAlloc, (ulong)d.Objects.TotalBytes);
        return d;
    }

    /// <summary>The 4096-byte objects whose contents start with "session-": newEntry copies the key into each cached value.</summary>
    private static ulong[] CacheEntries(string path, HeapDumpModel d)
    {
        var o = d.Objects;
        var big = Enumerable.Range(0, o.Count).Where(i => o.Size[i] == 4096).ToArray();
        var heads = HeapDumpContentReader.Read(path, big.Select(i => (o.ContentOffset[i], 8)).ToList(), Limits.Default);
        return big.Where((_, k) => "session-"u8.SequenceEqual(heads[k])).Select(i => o.Address[i]).ToArray();
    }

    [Fact]
    public void CacheleakHoldsOneEntryPerRequestAndKeepsThem()
    {
        var (dumps, warmup, more) = Capture("cacheleak");
        Assert.Equal(["heap.dump", "heap2.dump"], dumps);
        string p1 = Path.Combine(SampleDir("cacheleak"), "heap.dump"), p2 = Path.Combine(SampleDir("cacheleak"), "heap2.dump");
        var d1 = Read("cacheleak", "heap.dump");
        var d2 = Read("cacheleak", "heap2.dump");
        var e1 = CacheEntries(p1, d1);
        var e2 = CacheEntries(p2, d2);
        Assert.Equal(warmup, e1.Length);
        Assert.Equal(warmup + more, e2.Length);
        // One process: the same globals, and the GC does not move objects, so every entry of the
        // first dump is still at its address in the second.
        Assert.Equal(d1.Params, d2.Params);
        Assert.Equal(d1.Segments.Select(s => (s.Kind, s.Address, s.Size)), d2.Segments.Select(s => (s.Kind, s.Address, s.Size)));
        Assert.Subset(e2.ToHashSet(), e1.ToHashSet());
        Assert.True(d2.MemStats!.NumGC > d1.MemStats!.NumGC);
    }

    [Fact]
    public void FinalizercycleHoldsOneFinalizedCyclePerRequest()
    {
        var (dumps, warmup, _) = Capture("finalizercycle");
        Assert.Equal(["heap.dump"], dumps);
        var d = Read("finalizercycle", "heap.dump");
        var o = d.Objects;
        // makeCycle: a and b are nodes {name string; peer *node; payload []byte} (48 bytes: pointers at
        // 0, 16, 24) pointing at each other through peer, with the finalizer on a; one cycle at start-up
        // (cycleHolder) and one per request.
        int Node(ulong p)
        {
            int i = o.ObjectAt(p);
            return i >= 0 && o.Address[i] == p && o.Size[i] == 48 && o.FieldOffsetsOf(i).SequenceEqual(new[] { 0, 16, 24 }) ? i : -1;
        }
        int cycles = d.Finalizers.Count(f =>
        {
            int a = Node(f.Object);
            if (a < 0) return false;
            int b = Node(o.PointersOf(a)[1]);
            return b >= 0 && b != a && o.PointersOf(b)[1] == o.Address[a] && o.Size[o.ObjectAt(o.PointersOf(a)[2])] == 2048;
        });
        Assert.Equal(1 + warmup, cycles);
        Assert.Empty(d.QueuedFinalizers);
    }
}
