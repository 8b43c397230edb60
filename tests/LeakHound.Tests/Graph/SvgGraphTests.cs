using System.Text.RegularExpressions;
using System.Xml.Linq;
using LeakHound.Reports.Graph;
using LeakHound.Tests.Flame;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Graph;

/// <summary>
/// LeakHound's own drawing of DOT graphs: DOT as go tool pprof writes it is read back whole, the
/// layered layout keeps its invariants (callers above callees, no overlapping boxes), the SVG is
/// well formed with one box per node and one path per edge, and it opens in Chromium, where the
/// wheel zooms.
/// </summary>
public sealed class SvgGraphTests
{
    private static string PprofDot(params string[] args)
    {
        var r = GoPprof.Run(["-dot", .. args]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    private static string CorpusProfile(string sample, string kind) =>
        Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample, kind + ".pb.gz");

    [Theory]
    [InlineData("cacheleak", "heap")]
    [InlineData("garbage", "allocs")]
    [InlineData("goroutineleak", "goroutine")]
    [InlineData("workerpool", "heap")]
    public void PprofsDotReadsBackWhole(string sample, string kind)
    {
        string dot = PprofDot(CorpusProfile(sample, kind));
        var g = DotGraph.Parse(dot);
        int nodeLines = dot.Split('\n').Count(l => Regex.IsMatch(l, @"^N?N\d+(_\d+)? \["));
        int edgeLines = dot.Split('\n').Count(l => l.Contains(" -> ", StringComparison.Ordinal));
        Assert.Equal(nodeLines, g.NodeIds.Count);
        Assert.Equal(edgeLines, g.Edges.Count);
        Assert.NotNull(g.Legend);
        Assert.StartsWith("File: " + sample, DotGraph.LabelLines(g.Legend!["label"])[0].Text);
        // Every node has pprof's label, colours and tooltip.
        Assert.All(g.NodeAttributes, a => Assert.True(a.ContainsKey("label") && a.ContainsKey("fillcolor") && a.ContainsKey("tooltip")));
    }

    [Fact]
    public void LayoutPutsCallersAboveCalleesWithoutOverlaps()
    {
        // A diamond, a long edge, a cycle and a self loop.
        var width = new double[] { 80, 60, 60, 100, 40, 50 };
        var height = new double[] { 30, 30, 40, 30, 20, 30 };
        var edges = new (int, int, int, double)[]
        {
            (0, 1, 1, 5), (0, 2, 1, 1), (1, 3, 1, 5), (2, 3, 1, 1), (0, 4, 1, 1), (3, 4, 1, 1), (4, 5, 1, 1), (5, 1, 1, 1), (2, 2, 1, 1),
        };
        var layout = LayeredLayout.Compute(width, height, edges);
        // Forward edges go down (the cycle 1→3→4→5→1 has one edge going up).
        int up = 0;
        foreach (var (s, d, _, _) in edges)
        {
            if (s == d) continue;
            if (layout.Y[d] <= layout.Y[s]) up++;
        }
        Assert.Equal(1, up);
        for (int a = 0; a < width.Length; a++)
            for (int b = a + 1; b < width.Length; b++)
            {
                if (Math.Abs(layout.Y[a] - layout.Y[b]) > 1e-9) continue;
                double gap = Math.Abs(layout.X[a] - layout.X[b]) - (width[a] + width[b]) / 2;
                Assert.True(gap >= LayeredLayout.NodeGap - 1e-6, $"nodes {a} and {b} overlap");
            }
        for (int v = 0; v < width.Length; v++)
        {
            Assert.InRange(layout.X[v] - width[v] / 2, -1e-6, layout.TotalWidth + 1e-6);
            Assert.InRange(layout.Y[v] - height[v] / 2, -1e-6, layout.TotalHeight + 1e-6);
        }
        // Each route starts at its source box and ends at its target box.
        for (int e = 0; e < edges.Length; e++)
        {
            var (s, d, _, _) = edges[e];
            if (s == d) continue;
            var route = layout.Routes[e];
            Assert.Equal(layout.X[s], route[0].X, 6);
            Assert.Equal(layout.X[d], route[^1].X, 6);
        }
    }

    [Fact]
    public void SvgHasABoxPerNodeAndAPathPerEdge()
    {
        string dot = PprofDot(CorpusProfile("cacheleak", "heap"));
        var g = DotGraph.Parse(dot);
        var w = new StringWriter();
        SvgGraphWriter.Write(g, w);
        var svg = XDocument.Parse(w.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(g.NodeIds.Count, svg.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "node"));
        Assert.Equal(g.Edges.Count, svg.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "edge"));
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "newEntry");
        // Residual edges (dotted in DOT) are dashed.
        Assert.Equal(dot.Split('\n').Count(l => l.Contains("style=\"dotted\"", StringComparison.Ordinal)),
            svg.Descendants(ns + "path").Count(p => (string?)p.Attribute("stroke-dasharray") is not null));
    }

    /// <summary><c>leakhound svg</c> draws exactly the graph <c>leakhound dot</c> writes (itself compared with pprof's), with the same options.</summary>
    [Theory]
    [InlineData("cacheleak", "heap", new string[0])]
    [InlineData("garbage", "allocs", new[] { "-sample_index=alloc_space", "-focus=main" })]
    [InlineData("goroutineleak", "goroutine", new[] { "-nodecount=80" })]
    public void SvgCommandDrawsTheDotGraph(string sample, string kind, string[] options)
    {
        string profile = CorpusProfile(sample, kind);
        var dot = LeakHoundCli.Run(["dot", .. options, profile]);
        var svg = LeakHoundCli.Run(["svg", .. options, profile]);
        Assert.Equal(0, svg.ExitCode);
        var g = DotGraph.Parse(dot.Stdout);
        var doc = XDocument.Parse(svg.Stdout);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(g.NodeIds.Count, doc.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "node"));
        Assert.Equal(g.Edges.Count, doc.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "edge"));
        string missing = Path.Combine(Path.GetTempPath(), $"lh-no-such-dir-{Guid.NewGuid():N}", "x.svg");
        var bad = LeakHoundCli.Run(["svg", "-o", missing, profile]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.Stderr.TrimEnd('\n').Split('\n'));
        foreach (var verb in new[] { new[] { "proto", "-o", missing }, ["flame", "-o", missing] })
        {
            var r = LeakHoundCli.Run([.. verb, profile]);
            Assert.Equal(2, r.ExitCode);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
    }

    /// <summary>
    /// With -call_tree <c>leakhound svg</c> draws the call tree, as pprof's -svg does: as many boxes
    /// and paths as pprof's <c>-dot -call_tree</c> has nodes and edges, more than the graph without it.
    /// </summary>
    [Theory]
    [InlineData("lrucache", "goroutine")]
    [InlineData("workerpool", "goroutine")]
    public void SvgDrawsTheCallTree(string sample, string kind)
    {
        string profile = CorpusProfile(sample, kind);
        var tree = DotGraph.Parse(PprofDot("-call_tree", profile));
        Assert.True(tree.NodeIds.Count > DotGraph.Parse(PprofDot(profile)).NodeIds.Count);
        var svg = LeakHoundCli.Run("svg", "-call_tree", profile);
        Assert.True(svg.ExitCode == 0, svg.Stderr);
        var doc = XDocument.Parse(svg.Stdout);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(tree.NodeIds.Count, doc.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "node"));
        Assert.Equal(tree.Edges.Count, doc.Descendants(ns + "g").Count(e => (string?)e.Attribute("class") == "edge"));
    }

    [Fact]
    public async Task SvgOpensInChromiumAndTheWheelZooms()
    {
        if (ChromiumSession.FindChromium() is null) throw new InvalidOperationException("chromium is missing: .ci/run installs it");
        var g = DotGraph.Parse(PprofDot(CorpusProfile("cacheleak", "heap")));
        string file = Path.Combine(Path.GetTempPath(), $"leakhound-graph-{Guid.NewGuid():N}.svg");
        try
        {
            using (var w = new StreamWriter(file)) SvgGraphWriter.Write(g, w);
            await using var chromium = await ChromiumSession.StartAsync();
            string s = await chromium.OpenAsync(new Uri(file).AbsoluteUri);
            Assert.Equal(g.NodeIds.Count, (await chromium.EvaluateAsync(s, "document.querySelectorAll('g.node').length")).GetInt32());
            var before = (await chromium.EvaluateAsync(s, "document.getElementById('node1').getBoundingClientRect().width")).GetDouble();
            await chromium.EvaluateAsync(s, "document.documentElement.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, clientX: 200, clientY: 200, bubbles: true, cancelable: true })), 0");
            var after = (await chromium.EvaluateAsync(s, "document.getElementById('node1').getBoundingClientRect().width")).GetDouble();
            Assert.Equal(before * 1.2, after, 1);
            Assert.Empty(chromium.Errors(s));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
