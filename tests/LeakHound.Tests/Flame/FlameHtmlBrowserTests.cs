using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeakHound.Analysis.Flame;
using LeakHound.Cli.Commands;
using LeakHound.Reports.Flame;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Flame;

/// <summary>
/// The interactive page in a real browser (headless Chromium over the DevTools protocol): it loads
/// without errors, a click zooms, a search highlights and reports the share the tree says, the
/// callers view and the hover details work, and a diff is coloured by growth.
/// </summary>
public sealed partial class FlameHtmlBrowserTests
{
    private static string Profile(string name) => Path.Combine(TestPaths.CommittedProfiles, "cacheleak", name);

    private static string WritePage(params string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), $"leakhound-flame-{Guid.NewGuid():N}.html");
        var stderr = new StringWriter();
        Assert.Equal(0, FlameCommand.Run(["-o", file, .. args], new StringWriter(), stderr));
        Assert.Contains("wrote " + file, stderr.ToString());
        return file;
    }

    /// <summary>The same tree the page was made from (the command's defaults for html).</summary>
    private static FlameTree ExpectedTree(string? baseName)
    {
        var p = FlameTreeTests.CacheLeakHeap2();
        var o = new FlameTreeOptions { MinFraction = FlameHtml.DefaultMinFraction };
        if (baseName is null) return FlameTree.Build(new FlameInput(p, p.SampleIndexByName("")), o);
        var b = FlameTreeTests.Read(baseName);
        return FlameTree.BuildDiff(new FlameInput(b, b.SampleIndexByName("")), new FlameInput(p, p.SampleIndexByName("")), o);
    }

    /// <summary>Σ value of the outermost nodes whose frame name contains <paramref name="term"/>, and the number of matching nodes.</summary>
    private static (long Value, int Frames) Matched(FlameTree t, string term)
    {
        long value = 0;
        int frames = 0;
        void Walk(int n, bool inside)
        {
            bool m = n != FlameTree.Root && t.Frames.Name(t.Frame[n]).Contains(term, StringComparison.Ordinal);
            if (m) frames++;
            if (m && !inside) value += t.Value[n];
            for (int c = t.FirstChild[n]; c < t.FirstChild[n] + t.ChildCount[n]; c++) Walk(c, inside || m);
        }
        Walk(FlameTree.Root, false);
        return (value, frames);
    }

    private const string Click = """
        (name => {
          const f = leakhoundFlame.frame(name);
          if (!f) return null;
          document.getElementById('flame').dispatchEvent(new MouseEvent('click', { clientX: f.x, clientY: f.y, bubbles: true }));
          return leakhoundFlame.state();
        })
        """;

    private const string Type = """
        (term => {
          const input = document.getElementById('search');
          input.value = term;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          const m = document.getElementById('matches');
          return { text: m.textContent, share: m.dataset.share };
        })
        """;

    private const string Hover = """
        (name => {
          const f = leakhoundFlame.frame(name);
          document.getElementById('flame').dispatchEvent(new MouseEvent('mousemove', { clientX: f.x, clientY: f.y, bubbles: true }));
          const tip = document.getElementById('tip');
          return { hidden: tip.hidden, text: tip.innerText };
        })
        """;

    private const string Pixel = """
        (name => {
          const f = leakhoundFlame.frame(name), c = document.getElementById('flame'), r = c.getBoundingClientRect();
          // Near the right end of the box, where no label reaches.
          const x = f.x + f.width / 2 - 2 - r.left, y = f.y - r.top;
          const d = c.getContext('2d').getImageData(Math.round(x * devicePixelRatio), Math.round(y * devicePixelRatio), 1, 1).data;
          return [d[0], d[1], d[2]];
        })
        """;

    private static string Call(string function, string argument) => $"({function})({JsonSerializer.Serialize(argument)})";

    [Fact]
    public async Task Zoom_search_callers_and_hover_work_in_a_browser()
    {
        string page = WritePage(Profile("heap2.pb.gz"));
        var tree = ExpectedTree(null);
        try
        {
            await using var chromium = await ChromiumSession.StartAsync();
            string s = await chromium.OpenAsync(new Uri(page).AbsoluteUri);

            var state = await chromium.EvaluateAsync(s, "leakhoundFlame.state()");
            Assert.Equal("all", state.GetProperty("zoom").GetString());
            Assert.Equal(tree.NodeCount, state.GetProperty("nodes").GetInt32());
            double canvas = (await chromium.EvaluateAsync(s, "leakhoundFlame.canvasWidth()")).GetDouble();
            var before = await chromium.EvaluateAsync(s, "leakhoundFlame.frame('main.newEntry')");
            long newEntry = before.GetProperty("value").GetInt64(), total = tree.Value[FlameTree.Root];
            Assert.InRange(before.GetProperty("width").GetDouble(), canvas * newEntry / total - 2, canvas * newEntry / total + 2);

            // Zoom: a click on main.handleWork makes it the full width, and the breadcrumb ends with it.
            state = await chromium.EvaluateAsync(s, Call(Click, "main.handleWork"));
            Assert.Equal("main.handleWork", state.GetProperty("zoom").GetString());
            Assert.EndsWith("handleWork", state.GetProperty("crumbs").GetString());
            long handleWork = tree.Value[tree.Find("net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP",
                "net/http.HandlerFunc.ServeHTTP", "leakhound/samples/internal/svc.countRequests.func1", "main.handleWork")];
            var after = await chromium.EvaluateAsync(s, "leakhoundFlame.frame('main.newEntry')");
            Assert.InRange(after.GetProperty("width").GetDouble(), canvas * newEntry / handleWork - 2, canvas * newEntry / handleWork + 2);
            Assert.Equal(canvas, (await chromium.EvaluateAsync(s, "leakhoundFlame.frame('main.handleWork')")).GetProperty("width").GetDouble(), 1.0);

            // Search: the page's count and share are the tree's.
            var (matched, frames) = Matched(tree, "main.");
            var search = await chromium.EvaluateAsync(s, Call(Type, "main."));
            string text = search.GetProperty("text").GetString()!;
            Assert.StartsWith($"{frames} frames", text);
            double expected = (double)matched / tree.Total * 100;
            Assert.Equal(expected, double.Parse(ShareText().Match(text).Groups[1].Value, CultureInfo.InvariantCulture), 0.006);
            Assert.Equal(expected, double.Parse(search.GetProperty("share").GetString()!, CultureInfo.InvariantCulture), 1e-9);
            var purple = await chromium.EvaluateAsync(s, Call(Pixel, "main.newEntry"));
            Assert.Equal(new[] { 0xd1, 0x52, 0xe6 }, purple.EnumerateArray().Select(x => x.GetInt32()));
            // An invalid regular expression is reported, not thrown.
            await chromium.EvaluateAsync(s, "document.getElementById('regex').click()");
            search = await chromium.EvaluateAsync(s, Call(Type, "(*conn"));
            Assert.Equal("invalid regular expression", search.GetProperty("text").GetString());
            search = await chromium.EvaluateAsync(s, Call(Type, "^main\\.(newEntry|cacheStore)$"));
            Assert.Matches(@"^\d+ frames \(2 functions\)", search.GetProperty("text").GetString());

            // Hover: name, value and both percentages.
            var tip = await chromium.EvaluateAsync(s, Call(Hover, "main.newEntry"));
            Assert.False(tip.GetProperty("hidden").GetBoolean());
            string tipText = tip.GetProperty("text").GetString()!;
            Assert.Contains("main.newEntry", tipText);
            Assert.Contains(FlameReport.FormatPercent((double)newEntry / tree.Total * 100) + " of total", tipText);
            Assert.Contains(FlameReport.FormatPercent((double)newEntry / handleWork * 100) + " of main.handleWork", tipText);

            // Callers of the selected (zoomed) function: everything above it, merged, inverted.
            await chromium.EvaluateAsync(s, "document.getElementById('callers').click()");
            state = await chromium.EvaluateAsync(s, "leakhoundFlame.state()");
            Assert.Equal("callers", state.GetProperty("mode").GetString());
            Assert.Equal("main.handleWork", state.GetProperty("zoom").GetString());
            var caller = await chromium.EvaluateAsync(s, "leakhoundFlame.frame('leakhound/samples/internal/svc.countRequests.func1')");
            Assert.Equal(handleWork, caller.GetProperty("value").GetInt64());
            Assert.Equal(canvas, caller.GetProperty("width").GetDouble(), 1.0);

            // The view is kept in the address, and a page opened with it shows the same.
            string matches = state.GetProperty("matches").GetString()!; // the search now runs over the callers
            string hash = (await chromium.EvaluateAsync(s, "location.hash")).GetString()!;
            Assert.Contains("callers=main.handleWork", hash);
            Assert.Contains("search=%5Emain", hash);
            string again = await chromium.OpenAsync(new Uri(page).AbsoluteUri + hash);
            state = await chromium.EvaluateAsync(again, "leakhoundFlame.state()");
            Assert.Equal("callers", state.GetProperty("mode").GetString());
            Assert.Equal("main.handleWork", state.GetProperty("zoom").GetString());
            Assert.Equal(matches, state.GetProperty("matches").GetString());
            Assert.Empty(chromium.Errors(again));

            // Reset brings the whole graph back.
            await chromium.EvaluateAsync(s, "document.getElementById('reset').click()");
            state = await chromium.EvaluateAsync(s, "leakhoundFlame.state()");
            Assert.Equal("main", state.GetProperty("mode").GetString());
            Assert.Equal("all", state.GetProperty("zoom").GetString());

            Assert.Empty(chromium.Errors(s));
        }
        finally
        {
            File.Delete(page);
        }
    }

    [Fact]
    public async Task Diff_page_colours_growth_and_shows_both_values()
    {
        string page = WritePage("-diff_base", Profile("heap.pb.gz"), Profile("heap2.pb.gz"));
        var tree = ExpectedTree("heap.pb.gz");
        try
        {
            await using var chromium = await ChromiumSession.StartAsync();
            string s = await chromium.OpenAsync(new Uri(page).AbsoluteUri);
            Assert.Equal(tree.NodeCount, (await chromium.EvaluateAsync(s, "leakhoundFlame.state()")).GetProperty("nodes").GetInt32());

            int n = tree.Find("net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP",
                "net/http.HandlerFunc.ServeHTTP", "leakhound/samples/internal/svc.countRequests.func1", "main.handleWork", "main.newEntry");
            long b = tree.BaseValue![n], v = tree.Value[n];
            Assert.True(v > b);
            int expected = FlameColors.ForChange(b, v);
            var rgb = (await chromium.EvaluateAsync(s, Call(Pixel, "main.newEntry"))).EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.Equal(new[] { expected >> 16, (expected >> 8) & 0xff, expected & 0xff }, rgb);
            Assert.True(rgb[0] > rgb[2] + 60, "growth is red");

            var state = await chromium.EvaluateAsync(s, Call(Click, "main.handleWork"));
            Assert.Equal("main.handleWork", state.GetProperty("zoom").GetString());

            var tip = await chromium.EvaluateAsync(s, Call(Hover, "main.newEntry"));
            string tipText = tip.GetProperty("text").GetString()!;
            var report = new FlameReport { Tree = tree, SampleType = "inuse_space", SampleUnit = "bytes", PercentOf = tree.BaseTotal };
            Assert.Contains("base: " + report.FormatValue(b) + " · " + report.Percent(b), tipText);
            Assert.Contains("new: " + report.FormatValue(v) + " · " + report.Percent(v), tipText);
            Assert.Contains("change: " + report.FormatDelta(v - b), tipText);

            // In a diff the share is of the base's total (-diff_base), for both sides.
            var (matched, _) = Matched(tree, "newEntry");
            var search = await chromium.EvaluateAsync(s, Call(Type, "newEntry"));
            Assert.Equal((double)matched / tree.BaseTotal * 100, double.Parse(search.GetProperty("share").GetString()!, CultureInfo.InvariantCulture), 1e-9);
            Assert.Contains("→ new " + FlameReport.FormatPercent((double)matched / tree.BaseTotal * 100), search.GetProperty("text").GetString());

            Assert.Empty(chromium.Errors(s));
        }
        finally
        {
            File.Delete(page);
        }
    }

    [Fact]
    public async Task A_page_without_samples_says_so()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main");
        b.Sample(0, main);
        var tree = FlameTree.Build(new FlameInput(b.Build(), 0), new FlameTreeOptions());
        string page = Path.Combine(Path.GetTempPath(), $"leakhound-flame-{Guid.NewGuid():N}.html");
        using (var w = new StreamWriter(page)) FlameHtml.Write(new FlameReport { Tree = tree, SampleType = "inuse_space", SampleUnit = "bytes", Source = "empty" }, w);
        try
        {
            await using var chromium = await ChromiumSession.StartAsync();
            string s = await chromium.OpenAsync(new Uri(page).AbsoluteUri);
            Assert.Equal("No samples with a non-zero value.", (await chromium.EvaluateAsync(s, "document.getElementById('status').textContent")).GetString());
            await chromium.EvaluateAsync(s, Call(Type, "main"));
            Assert.Equal("no match", (await chromium.EvaluateAsync(s, "document.getElementById('matches').textContent")).GetString());
            Assert.Empty(chromium.Errors(s));
        }
        finally
        {
            File.Delete(page);
        }
    }

    [GeneratedRegex(@"· ([0-9.]+)% of total")]
    private static partial Regex ShareText();
}
