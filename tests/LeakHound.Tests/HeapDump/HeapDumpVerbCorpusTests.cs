using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// The graph verbs on the corpus's heap dumps (samples/capture.sh): cacheleak stores one 4096-byte
/// value (main.newEntry, entrySize in samples/cacheleak/main.go) per request in the global map
/// main.cache, heap.dump after the warm-up requests and heap2.dump after more; finalizercycle makes
/// one two-node cycle with a finalizer per request plus one held by main.cycleHolder. The request
/// counts come from the load tool (capture.txt); the global names from the sample's source.
/// </summary>
public class HeapDumpVerbCorpusTests
{
    private const int EntrySize = 4096;

    private static string Dir(string sample) =>
        Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run 'bash samples/capture.sh artifacts/corpus', as .ci/run does"), sample);

    /// <summary>Requests that succeeded in the warm-up and in the second load (the corpus must have the dumps).</summary>
    private static (int Warmup, int More) Capture(string sample)
    {
        var text = File.ReadAllText(Path.Combine(Dir(sample), "capture.txt"));
        if (!Regex.IsMatch(text, @"^heapdumps=.*heap\.dump", RegexOptions.Multiline))
            throw new InvalidOperationException($"{sample}'s capture.txt lists no heap dumps: recapture the corpus with samples/capture.sh, as .ci/run does");
        int Ok(string step) => int.Parse(Regex.Match(text, $@"^{step}=.* ok=(\d+) ", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        return (Ok("warmup"), Ok("more"));
    }

    private static string Run(params string[] args)
    {
        var r = LeakHoundCli.Run(args);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        return r.Stdout;
    }

    private static JsonElement Json(params string[] args) => JsonDocument.Parse(Run(args)).RootElement;

    [Fact]
    public void SuspectsNameTheGlobalCacheAsTopRetainerOfTheLeak()
    {
        var (warmup, more) = Capture("cacheleak");
        string dir = Dir("cacheleak"), binary = Path.Combine(dir, "binary");
        var first = Json("heapdump", Path.Combine(dir, "heap.dump"), "suspects", "--program", binary, "--json").GetProperty("suspects")[0];
        var second = Json("heapdump", Path.Combine(dir, "heap2.dump"), "suspects", "--program", binary, "--json").GetProperty("suspects")[0];
        foreach (var s in new[] { first, second })
            Assert.Contains("global main.cache", s.GetProperty("anchors").EnumerateArray().Select(a => a.GetString()));
        // It holds every cached value, and at least 80% of what the second load added.
        Assert.True(second.GetProperty("retained").GetInt64() >= (long)(warmup + more) * EntrySize);
        long grew = second.GetProperty("retained").GetInt64() - first.GetProperty("retained").GetInt64();
        Assert.True(grew >= 0.8 * more * EntrySize, $"grew {grew}");
        var summary1 = Json("heapdump", Path.Combine(dir, "heap.dump"), "summary", "--json");
        var summary2 = Json("heapdump", Path.Combine(dir, "heap2.dump"), "summary", "--json");
        long heapGrowth = summary2.GetProperty("reachableBytes").GetInt64() - summary1.GetProperty("reachableBytes").GetInt64();
        Assert.True(grew >= 0.8 * heapGrowth, $"suspect grew {grew}, the reachable heap {heapGrowth}");
        // The text names it too, with the allocation site of what it holds.
        string text = Run("heapdump", Path.Combine(dir, "heap2.dump"), "suspects", "--program", binary);
        Assert.Matches(@"Suspect 1: 0x[0-9a-f]+ \(\d+ bytes\) retains .*\n  anchored by: global main\.cache", text);
        Assert.Contains("main.newEntry <- main.handleWork", text);
    }

    [Fact]
    public void AnchorsAndPathOfALeakedEntryLeadToMainCache()
    {
        _ = Capture("cacheleak");
        string dir = Dir("cacheleak"), dump = Path.Combine(dir, "heap2.dump"), binary = Path.Combine(dir, "binary");
        var found = Json("heapdump", dump, "find", "--site", @"^main\.newEntry$", "--json");
        var entry = found.GetProperty("objects").EnumerateArray().First(o => o.GetProperty("size").GetInt64() == EntrySize);
        string address = entry.GetProperty("address").GetString()!;
        string anchors = Run("heapdump", dump, "anchors", address, "--program", binary);
        Assert.Contains("Kept alive by 1 root:\n  global main.cache\n", anchors);
        // Without the binary the global is its data/BSS address, which `go tool nm` gives for main.cache.
        string nm = GoNm(binary);
        string cacheAddress = Regex.Match(nm, @"^\s*([0-9a-f]+) D main\.cache$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Contains($"  global 0x{cacheAddress} (", Run("heapdump", dump, "anchors", address));
        string path = Run("heapdump", dump, "path", address, "--program", binary);
        Assert.Matches(@"^A shortest path from a root to " + address + @" \(\d+ references\):\n    global main\.cache\n  -> ", path.Replace("  global", "    global"));
        Assert.EndsWith($"{address} ({EntrySize} bytes, retains {EntrySize}) allocated by main.newEntry\n", path);
    }

    /// <summary>The retaining graph drawn by LeakHound's own layout: the same nodes as the DOT, the global among them.</summary>
    [Fact]
    public void GraphOfALeakedEntryDrawsTheRetainersAsSvg()
    {
        _ = Capture("cacheleak");
        string dir = Dir("cacheleak"), dump = Path.Combine(dir, "heap2.dump"), binary = Path.Combine(dir, "binary");
        var found = Json("heapdump", dump, "find", "--site", @"^main\.newEntry$", "--json");
        string address = found.GetProperty("objects").EnumerateArray().First(o => o.GetProperty("size").GetInt64() == EntrySize).GetProperty("address").GetString()!;
        string dot = Run("heapdump", dump, "graph", address, "--program", binary);
        var svg = System.Xml.Linq.XDocument.Parse(Run("heapdump", dump, "graph", address, "--program", binary, "--format", "svg"));
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        int dotNodes = dot.Split('\n').Count(l => Regex.IsMatch(l, @"^  n\d+ \["));
        Assert.Equal(dotNodes, svg.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "node"));
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "global main.cache");
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "main.newEntry");
    }

    /// <summary>`go tool nm BINARY`: the reference for a global's address.</summary>
    private static string GoNm(string binary)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("go") { RedirectStandardOutput = true };
        foreach (var a in new[] { "tool", "nm", binary }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    [Fact]
    public void SitesNameTheAllocatingFunctionFirst()
    {
        _ = Capture("cacheleak");
        string text = Run("heapdump", Path.Combine(Dir("cacheleak"), "heap2.dump"), "sites");
        var first = text.Split('\n')[2];
        Assert.Matches(@"^\s+\d+\s+\d+\s+\d+  main\.newEntry$", first);
    }

    [Fact]
    public void DiffShowsTheCacheGrowthFirst()
    {
        var (_, more) = Capture("cacheleak");
        string dir = Dir("cacheleak");
        string text = Run("heapdump", "diff", Path.Combine(dir, "heap.dump"), Path.Combine(dir, "heap2.dump"), "--program", Path.Combine(dir, "binary"));
        string After(string title) => text[(text.IndexOf(title, StringComparison.Ordinal) + title.Length)..].Split('\n')[2];
        Assert.Matches(@"^\s+\+\d+\s+[+-]\d+\s+\d+  global main\.cache$", After("Retained bytes by root, largest growth first:"));
        Assert.Matches(@"^\s+\+\d+\s+\+\d+\s+\d+  main\.newEntry <- main\.handleWork", After("Sampled live objects by allocation site, largest growth first:"));
        var size = Regex.Match(After("Objects by size, largest growth first:"), @"^\s+\+(\d+)\s+\+(\d+)\s+\d+  4096$");
        Assert.True(size.Success, text);
        // Each request kept one 4 KB entry. Other 4 KB objects come and go meanwhile: net/http's
        // bufio reader and writer of each connection are 4096 bytes too, so the connections open
        // at the first dump but closed at the second (at most the capture's concurrency, 8, two
        // buffers each) can take up to 16 from the count (one run: +998 for 1000 requests).
        int grown = int.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(grown >= more - 2 * 8 && grown <= more + 2 * 8, $"4096-byte objects grew by {grown} for {more} requests:\n{text}");
    }

    [Fact]
    public void FinalizersReportTheSampleCycles()
    {
        var (warmup, _) = Capture("finalizercycle");
        string dir = Dir("finalizercycle"), dump = Path.Combine(dir, "heap.dump"), binary = Path.Combine(dir, "binary");
        var entries = Json("heapdump", dump, "finalizers", "--program", binary, "--json").GetProperty("finalizers").EnumerateArray().ToArray();
        var cycles = entries.Where(e => e.GetProperty("neverFreed").GetBoolean()).ToArray();
        // One cycle per request, plus the one main.cycleHolder keeps; each a node and its peer.
        Assert.Equal(warmup + 1, cycles.Length);
        Assert.All(cycles, c => Assert.Equal(2, c.GetProperty("cycle").GetArrayLength()));
        Assert.All(cycles, c => Assert.Equal("main.finalizeNode", c.GetProperty("function").GetString()));
        Assert.Single(cycles, c => c.GetProperty("heldByOtherRoots").GetBoolean());
        string text = Run("heapdump", dump, "finalizers", "--program", binary);
        Assert.Contains($"Cycles through an object with a finalizer (never freed: the finalizer cannot run while the object reaches itself): {warmup + 1}, ", text);
        Assert.Contains("cycle of 2 objects (also reachable from other roots: global main.cycleHolder):", text);
    }

    [Fact]
    public void BadAddressAndTruncatedDumpExitWithOneLine()
    {
        _ = Capture("cacheleak");
        string dump = Path.Combine(Dir("cacheleak"), "heap.dump");
        var r = LeakHoundCli.Run("heapdump", dump, "anchors", "0x10");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal($"leakhound: {dump}: 0x10 is not inside any object of the heap dump\n", r.Stderr.Replace("\r", ""));

        string truncated = Path.Combine(Path.GetTempPath(), $"leakhound-truncated-{Environment.ProcessId}.dump");
        try
        {
            var bytes = File.ReadAllBytes(dump);
            File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            var t = LeakHoundCli.Run("heapdump", truncated, "suspects");
            Assert.Equal(2, t.ExitCode);
            Assert.Single(t.Stderr.TrimEnd('\n').Split('\n'));
            Assert.StartsWith($"leakhound: {truncated}", t.Stderr);
        }
        finally
        {
            File.Delete(truncated);
        }
    }
}
