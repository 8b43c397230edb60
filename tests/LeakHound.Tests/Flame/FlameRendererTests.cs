using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using LeakHound.Analysis.Flame;
using LeakHound.Reports.Flame;

namespace LeakHound.Tests.Flame;

/// <summary>Folded stacks checked line by line, speedscope files against the schema's rules, SVGs parsed as XML.</summary>
public sealed class FlameRendererTests
{
    private static FlameTree SmallTree(out FlameTestProfiles b)
    {
        b = new FlameTestProfiles();
        int main = b.Loc("main.main"), a = b.Loc("main.a"), inl = b.Loc("strings.Clone", "main.b");
        b.Sample(10, a, main).Sample(5, inl, main).Sample(3, main).Sample(2, a, main).Sample(1, inl, a, main);
        return FlameTree.Build(new FlameInput(b.Build(), 0), new FlameTreeOptions());
    }

    private static string Folded(FlameTree t)
    {
        var w = new StringWriter();
        FoldedStacks.Write(t, w);
        return w.ToString();
    }

    [Fact]
    public void Folded_stacks_one_line_per_distinct_stack_sorted_with_summed_values()
    {
        Assert.Equal(
            "main.main 3\n" +
            "main.main;main.a 12\n" +
            "main.main;main.a;main.b;strings.Clone 1\n" +
            "main.main;main.b;strings.Clone 5\n",
            Folded(SmallTree(out _)));
    }

    [Fact]
    public void Folded_diff_is_new_minus_base_without_unchanged_stacks()
    {
        var old = new FlameTestProfiles();
        int om = old.Loc("main.main"), oa = old.Loc("main.a"), ob = old.Loc("main.b"), oc = old.Loc("main.c");
        old.Sample(10, oa, om).Sample(10, ob, om).Sample(4, oc, om);
        var now = new FlameTestProfiles();
        int nm = now.Loc("main.main"), na = now.Loc("main.a"), nc = now.Loc("main.c"), nd = now.Loc("main.d");
        now.Sample(30, na, nm).Sample(4, nc, nm).Sample(1, nd, nm);
        var t = FlameTree.BuildDiff(new FlameInput(old.Build(), 0), new FlameInput(now.Build(), 0), new FlameTreeOptions());
        Assert.Equal("main.main;main.a 20\nmain.main;main.b -10\nmain.main;main.d 1\n", Folded(t));
    }

    [Fact]
    public void Folded_names_cannot_break_the_format()
    {
        Assert.Equal("a:b c", FoldedStacks.Clean("a;b\nc"));
        Assert.Equal("main.(*T).M", FoldedStacks.Clean("main.(*T).M"));
    }

    [Fact]
    public void Folded_values_add_up_to_the_total_of_a_real_profile()
    {
        var p = FlameTreeTests.CacheLeakHeap2();
        var t = FlameTree.Build(new FlameInput(p, p.SampleIndexByName("")), new FlameTreeOptions());
        long sum = 0;
        int lines = 0;
        foreach (var line in Folded(t).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            sum += long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            Assert.False(line.StartsWith(';') || line.Contains(";;", StringComparison.Ordinal), line);
            lines++;
        }
        Assert.Equal(t.Total, sum);
        Assert.True(lines > 5);
    }

    [Fact]
    public void Speedscope_file_follows_the_schema()
    {
        var t = SmallTree(out _);
        var report = new FlameReport { Tree = t, SampleType = "inuse_space", SampleUnit = "bytes", Source = "heap.pb.gz" };
        var w = new StringWriter();
        Speedscope.Write(report, w, "leakhound test");
        using var doc = JsonDocument.Parse(w.ToString());
        var root = doc.RootElement;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", root.GetProperty("$schema").GetString());
        Assert.Equal("leakhound test", root.GetProperty("exporter").GetString());
        var frames = root.GetProperty("shared").GetProperty("frames");
        var names = frames.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Equal(4, names.Count);
        var profiles = root.GetProperty("profiles");
        Assert.Equal(1, profiles.GetArrayLength());
        Assert.Equal(0, root.GetProperty("activeProfileIndex").GetInt32());
        var prof = profiles[0];
        CheckSampledProfile(prof, frames.GetArrayLength());
        Assert.Equal("bytes", prof.GetProperty("unit").GetString());

        // Each stack, outermost first, with its weight: the folded stacks again.
        var stacks = prof.GetProperty("samples").EnumerateArray()
            .Select(s => string.Join(";", s.EnumerateArray().Select(i => names[i.GetInt32()])))
            .Zip(prof.GetProperty("weights").EnumerateArray().Select(x => x.GetInt64()), (s, v) => s + " " + v)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Folded(t).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), stacks);
        Assert.Equal(21, prof.GetProperty("endValue").GetInt64());
    }

    [Fact]
    public void Speedscope_diff_has_the_base_and_the_new_profile()
    {
        var p = FlameTreeTests.CacheLeakHeap2();
        var old = FlameTreeTests.Read("heap.pb.gz");
        var t = FlameTree.BuildDiff(new FlameInput(old, old.SampleIndexByName("")), new FlameInput(p, p.SampleIndexByName("")), new FlameTreeOptions());
        var report = new FlameReport { Tree = t, SampleType = "inuse_space", SampleUnit = "bytes", Source = "heap2.pb.gz", BaseSource = "heap.pb.gz" };
        var w = new StringWriter();
        Speedscope.Write(report, w, "leakhound test");
        using var doc = JsonDocument.Parse(w.ToString());
        var profiles = doc.RootElement.GetProperty("profiles");
        Assert.Equal(2, profiles.GetArrayLength());
        Assert.Equal(1, doc.RootElement.GetProperty("activeProfileIndex").GetInt32());
        int frames = doc.RootElement.GetProperty("shared").GetProperty("frames").GetArrayLength();
        foreach (var prof in profiles.EnumerateArray()) CheckSampledProfile(prof, frames);
        Assert.Equal(t.BaseTotal, profiles[0].GetProperty("weights").EnumerateArray().Sum(x => x.GetInt64()));
        Assert.Equal(t.Total, profiles[1].GetProperty("weights").EnumerateArray().Sum(x => x.GetInt64()));
        Assert.StartsWith("base: heap.pb.gz", profiles[0].GetProperty("name").GetString());
    }

    /// <summary>The rules of the schema's SampledProfile, and speedscope's own: indices in range, one weight per sample, end ≥ start.</summary>
    private static void CheckSampledProfile(JsonElement prof, int frameCount)
    {
        foreach (var required in new[] { "type", "name", "unit", "startValue", "endValue", "samples", "weights" })
            Assert.True(prof.TryGetProperty(required, out _), "missing " + required);
        Assert.Equal("sampled", prof.GetProperty("type").GetString());
        Assert.Contains(prof.GetProperty("unit").GetString(), new[] { "bytes", "microseconds", "milliseconds", "nanoseconds", "none", "seconds" });
        var samples = prof.GetProperty("samples");
        var weights = prof.GetProperty("weights");
        Assert.Equal(samples.GetArrayLength(), weights.GetArrayLength());
        foreach (var s in samples.EnumerateArray())
        {
            Assert.True(s.GetArrayLength() > 0);
            foreach (var i in s.EnumerateArray()) Assert.InRange(i.GetInt32(), 0, frameCount - 1);
        }
        foreach (var x in weights.EnumerateArray()) Assert.True(x.GetDouble() > 0);
        Assert.True(prof.GetProperty("endValue").GetDouble() >= prof.GetProperty("startValue").GetDouble());
    }

    [Theory]
    [InlineData("bytes", "bytes")]
    [InlineData("nanoseconds", "nanoseconds")]
    [InlineData("count", "none")]
    [InlineData("seconds", "seconds")]
    public void Speedscope_units(string pprof, string speedscope) => Assert.Equal(speedscope, Speedscope.Unit(pprof));

    [Fact]
    public void Svg_is_well_formed_with_a_title_and_tooltips()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main"), odd = b.Loc("main.<&\"odd\">\u0001"), big = b.Loc("github.com/acme/shop/internal/cache.(*LRU).insert");
        int narrow = b.Loc("main.aFunctionWithANameTooLongForItsBox");
        b.Sample(1000, odd, main).Sample(9000, big, main).Sample(400, narrow, main).Sample(1, big, odd, main);
        var t = FlameTree.Build(new FlameInput(b.Build(), 0), new FlameTreeOptions { MinFraction = 0.001 });
        var report = new FlameReport { Tree = t, SampleType = "inuse_space", SampleUnit = "bytes", Source = "heap.pb.gz" };
        var w = new StringWriter();
        FlameSvg.Write(report, w);
        var svg = XDocument.Parse(w.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var texts = svg.Descendants(ns + "text").Select(x => x.Value).ToList();
        Assert.Contains("Flame graph of inuse_space: heap.pb.gz", texts);
        var titles = svg.Descendants(ns + "title").Select(x => x.Value).ToList();
        // root, main.main, and its three callees; the 1-byte frame is under 0.1% and left out.
        Assert.Equal(5, titles.Count);
        Assert.Contains(titles, x => x.StartsWith("main.<&\"odd\">?\n1001B (9.62%), self 1000B", StringComparison.Ordinal));
        Assert.Contains(titles, x => x.StartsWith("main.main\n10.16kB (100.00%)", StringComparison.Ordinal));
        Assert.Contains("cache.(*LRU).insert", texts);
        // A label too long for its box is cut, with an ellipsis.
        Assert.Contains("main…", texts);
        foreach (var rect in svg.Descendants(ns + "rect"))
            Assert.True(double.Parse(rect.Attribute("width")!.Value.TrimEnd('%'), CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Svg_diff_colours_growth_red_and_shrinkage_blue()
    {
        var old = FlameTreeTests.Read("heap.pb.gz");
        var p = FlameTreeTests.CacheLeakHeap2();
        var t = FlameTree.BuildDiff(new FlameInput(old, old.SampleIndexByName("")), new FlameInput(p, p.SampleIndexByName("")), new FlameTreeOptions { MinFraction = 0.001 });
        var report = new FlameReport { Tree = t, SampleType = "inuse_space", SampleUnit = "bytes", Source = "heap2.pb.gz", BaseSource = "heap.pb.gz", PercentOf = t.BaseTotal };
        var w = new StringWriter();
        FlameSvg.Write(report, w);
        var svg = XDocument.Parse(w.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var newEntry = svg.Descendants(ns + "g").First(g => g.Element(ns + "title")!.Value.StartsWith("main.newEntry\n", StringComparison.Ordinal));
        Assert.Contains("base ", newEntry.Element(ns + "title")!.Value);
        Assert.Contains("change +", newEntry.Element(ns + "title")!.Value);
        int fill = int.Parse(newEntry.Element(ns + "rect")!.Attribute("fill")!.Value[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.True((fill >> 16) > (fill & 0xff) + 60, $"main.newEntry grew but is drawn {fill:x6}");
    }

    [Theory]
    [InlineData(100, 100, FlameColors.Unchanged)]
    [InlineData(100, 400, FlameColors.Grew)]
    [InlineData(0, 5, FlameColors.Grew)]
    [InlineData(400, 100, FlameColors.Shrank)]
    [InlineData(7, 0, FlameColors.Shrank)]
    public void Diff_colour_extremes(long baseValue, long newValue, int expected) =>
        Assert.Equal(expected, FlameColors.ForChange(baseValue, newValue));

    [Fact]
    public void Diff_colour_is_stronger_for_larger_relative_growth()
    {
        static int Red(int c) => (c >> 16) - (c & 0xff);
        Assert.True(Red(FlameColors.ForChange(100, 110)) < Red(FlameColors.ForChange(100, 150)));
        Assert.True(Red(FlameColors.ForChange(100, 150)) < Red(FlameColors.ForChange(100, 300)));
        Assert.True(Red(FlameColors.ForChange(1000, 1100)) == Red(FlameColors.ForChange(100, 110)));
    }

    [Fact]
    public void Package_colours_are_warm_for_user_code_and_cool_for_the_standard_library()
    {
        static bool Warm(int c) => (c >> 16) > (c & 0xff);
        Assert.True(Warm(FlameColors.ForFunction("main.handleWork")));
        Assert.True(Warm(FlameColors.ForFunction("github.com/acme/shop/cache.(*LRU).Put")));
        Assert.False(Warm(FlameColors.ForFunction("runtime.mallocgc")));
        Assert.False(Warm(FlameColors.ForFunction("net/http.(*conn).serve")));
        Assert.Equal(FlameColors.Unknown, FlameColors.ForFunction(""));
    }

    [Theory]
    [InlineData(94.4321, "94.43%")]
    [InlineData(0.5, "0.50%")]
    [InlineData(0.0024, "0.0024%")]
    [InlineData(0, "0%")]
    [InlineData(100, "100.00%")]
    public void Percentages(double p, string expected) => Assert.Equal(expected, FlameReport.FormatPercent(p));
}
