using LeakHound.Analysis.Flame;
using LeakHound.Analysis.Graph;
using LeakHound.Analysis.Prepare;
using LeakHound.Formats.Pprof;
using LeakHound.Reports;
using LeakHound.Reports.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Flame;

/// <summary>The call tree, checked by hand on small profiles, and against <c>top</c> on a real one.</summary>
public sealed class FlameTreeTests
{
    private static FlameTree Build(Profile p, FlameTreeOptions? o = null) => FlameTree.Build(new FlameInput(p, 0), o ?? new FlameTreeOptions());

    /// <summary>Every node as "path value/self", for whole-tree comparisons.</summary>
    private static List<string> Dump(FlameTree t)
    {
        var lines = new List<string>();
        void Walk(int n, string path)
        {
            string here = n == FlameTree.Root ? "root" : path.Length == 0 ? t.Name(n) : path + ";" + t.Name(n);
            string values = t.IsDiff ? $"{t.BaseValueOf(n)}->{t.Value[n]}" : $"{t.Value[n]}/{t.Self[n]}";
            lines.Add(here + " " + values);
            for (int c = t.FirstChild[n]; c < t.FirstChild[n] + t.ChildCount[n]; c++) Walk(c, n == FlameTree.Root ? "" : here);
        }
        Walk(FlameTree.Root, "");
        return lines;
    }

    [Fact]
    public void Sums_samples_per_path_with_children_in_name_order()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main"), a = b.Loc("main.a"), a2 = b.Loc("main.a"), c = b.Loc("main.c"), bb = b.Loc("main.b");
        b.Sample(10, a, main).Sample(5, c, main).Sample(3, main).Sample(2, a2, main).Sample(7, bb, main);
        var t = Build(b.Build());
        Assert.Equal(new[]
        {
            "root 27/0",
            "main.main 27/3",
            "main.main;main.a 12/12", // two locations of one function: one frame at function granularity
            "main.main;main.b 7/7",
            "main.main;main.c 5/5",
        }, Dump(t));
        Assert.Equal(27, t.Total);
        Assert.Equal(t.Find("main.main", "main.a"), t.Child(t.Find("main.main"), t.Frame[t.Find("main.main", "main.a")]));
    }

    [Fact]
    public void Recursion_is_one_node_per_distinct_path()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main"), f = b.Loc("main.f"), g = b.Loc("main.g");
        b.Sample(1, f, f, g, main)      // main → g → f → f
         .Sample(2, f, g, f, main)      // main → f → g → f
         .Sample(4, f, main)            // main → f
         .Sample(8, f, f, g, main);     // main → g → f → f again
        var t = Build(b.Build());
        Assert.Equal(new[]
        {
            "root 15/0",
            "main.main 15/0",
            "main.main;main.f 6/4",
            "main.main;main.f;main.g 2/0",
            "main.main;main.f;main.g;main.f 2/2",
            "main.main;main.g 9/0",
            "main.main;main.g;main.f 9/0",
            "main.main;main.g;main.f;main.f 9/9",
        }, Dump(t));
    }

    [Fact]
    public void Inlined_frames_are_expanded_innermost_last()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main");
        int both = b.Loc("strings.Clone", "main.inner", "main.outer"); // strings.Clone and main.inner inlined into main.outer
        int outer = b.Loc("main.outer");
        b.Sample(6, both, main).Sample(1, outer, main);
        Assert.Equal(new[]
        {
            "root 7/0",
            "main.main 7/0",
            "main.main;main.outer 7/1",
            "main.main;main.outer;main.inner 6/0",
            "main.main;main.outer;main.inner;strings.Clone 6/6",
        }, Dump(Build(b.Build())));

        Assert.Equal(new[] { "root 7/0", "main.main 7/0", "main.main;main.outer 7/7" },
            Dump(Build(b.Build(), new FlameTreeOptions { NoInlines = true })));
    }

    [Fact]
    public void Lines_granularity_names_frames_by_function_and_line()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main:5"), a1 = b.Loc("main.a:20"), a2 = b.Loc("main.a:21");
        b.Sample(1, a1, main).Sample(2, a2, main).Sample(4, a1, main);
        var t = Build(b.Build(), new FlameTreeOptions { Granularity = Granularity.Lines });
        Assert.Equal(new[]
        {
            "root 7/0",
            "main.main /src/main/file.go:5 7/0",
            "main.main /src/main/file.go:5;main.a /src/main/file.go:20 5/5",
            "main.main /src/main/file.go:5;main.a /src/main/file.go:21 2/2",
        }, Dump(t));
        Assert.Equal("main.a file.go:20", t.Frames.Label(t.Frame[t.Find("main.main /src/main/file.go:5", "main.a /src/main/file.go:20")]));
    }

    [Fact]
    public void Zero_values_are_left_out_and_stackless_samples_count_at_the_root()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main"), a = b.Loc("main.a");
        b.Sample(0, a, main).Sample(3).Sample(4, main);
        Assert.Equal(new[] { "root 7/3", "main.main 4/4" }, Dump(Build(b.Build())));
    }

    [Fact]
    public void Uses_the_chosen_sample_value()
    {
        var b = new FlameTestProfiles(new ProfileValueType("alloc_space", "bytes"), new ProfileValueType("inuse_space", "bytes"));
        int main = b.Loc("main.main"), a = b.Loc("main.a"), c = b.Loc("main.c");
        b.Sample([100, 0], a, main).Sample([10, 10], c, main);
        var p = b.Build();
        Assert.Equal(new[] { "root 10/0", "main.main 10/0", "main.main;main.c 10/10" },
            Dump(FlameTree.Build(new FlameInput(p, p.SampleIndexByName("")), new FlameTreeOptions())));
        Assert.Equal(new[] { "root 110/0", "main.main 110/0", "main.main;main.a 100/100", "main.main;main.c 10/10" },
            Dump(FlameTree.Build(new FlameInput(p, p.SampleIndexByName("alloc_space")), new FlameTreeOptions())));
    }

    [Fact]
    public void Diff_puts_both_values_on_every_node_matching_frames_by_name()
    {
        var old = new FlameTestProfiles();
        int om = old.Loc("main.main"), oa = old.Loc("main.a"), ob = old.Loc("main.b");
        old.Sample(10, oa, om).Sample(10, ob, om);
        var now = new FlameTestProfiles();
        now.Loc("main.unused"); // different location and function ids than the base
        int nm = now.Loc("main.main"), na = now.Loc("main.a"), nc = now.Loc("main.c");
        now.Sample(30, na, nm).Sample(5, nc, nm);
        var t = FlameTree.BuildDiff(new FlameInput(old.Build(), 0), new FlameInput(now.Build(), 0), new FlameTreeOptions());
        Assert.True(t.IsDiff);
        Assert.Equal(new[]
        {
            "root 20->35",
            "main.main 20->35",
            "main.main;main.a 10->30",
            "main.main;main.b 10->0",
            "main.main;main.c 0->5",
        }, Dump(t));
        Assert.Equal(20, t.BaseTotal);
        Assert.Equal(35, t.Total);
        int b = t.Find("main.main", "main.b");
        Assert.Equal(10, t.BaseSelf![b]);
        Assert.Equal(10, t.Magnitude(b));
    }

    [Fact]
    public void Layout_widths_hold_children_that_moved_in_opposite_directions()
    {
        var old = new FlameTestProfiles();
        int om = old.Loc("main.main"), oa = old.Loc("main.a");
        old.Sample(10, oa, om);
        var now = new FlameTestProfiles();
        int nm = now.Loc("main.main"), nb = now.Loc("main.b");
        now.Sample(10, nb, nm);
        var t = FlameTree.BuildDiff(new FlameInput(old.Build(), 0), new FlameInput(now.Build(), 0), new FlameTreeOptions());
        var w = t.LayoutWidths();
        // main.main is 10 in both, but a (10 → 0) and b (0 → 10) need 10 each side by side.
        Assert.Equal(20, w[t.Find("main.main")]);
        Assert.Equal(10, w[t.Find("main.main", "main.a")]);
        Assert.Equal(10, w[t.Find("main.main", "main.b")]);
        Assert.Equal(20, w[FlameTree.Root]);
    }

    [Fact]
    public void Prune_drops_small_subtrees_and_caps_the_node_count()
    {
        var b = new FlameTestProfiles();
        int main = b.Loc("main.main"), a = b.Loc("main.a"), c = b.Loc("main.c"), d = b.Loc("main.d");
        b.Sample(50, a, main).Sample(30, c, main).Sample(2, d, c, main).Sample(1, d, main);
        var t = Build(b.Build());
        var p = t.Prune(3, int.MaxValue);
        Assert.Equal(new[] { "root 83/0", "main.main 83/0", "main.main;main.a 50/50", "main.main;main.c 32/30" }, Dump(p));
        Assert.Equal(3, p.MinMagnitude);

        var capped = t.Prune(1, 2);
        Assert.Equal(new[] { "root 83/0", "main.main 83/0", "main.main;main.a 50/50" }, Dump(capped));
        Assert.True(capped.NodeCount - 1 <= 2);
    }

    /// <summary>
    /// The radix build against the obvious one (a dictionary keyed by the whole path) on random
    /// profiles with shared prefixes, recursion, inlining, stackless and negative samples, plain
    /// and differential.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Matches_a_naive_build_on_random_profiles(int seed)
    {
        var rng = new Random(seed);
        Profile Make(FlameTestProfiles b, Random r)
        {
            string[] names = ["main.main", "main.a", "main.b", "lib.c", "lib.d", "runtime.e", "runtime.f"];
            var locs = new List<int>();
            for (int i = 0; i < 12; i++)
                locs.Add(r.Next(4) == 0 ? b.Loc(names[r.Next(names.Length)], names[r.Next(names.Length)], names[r.Next(names.Length)]) : b.Loc(names[r.Next(names.Length)]));
            var prefixes = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, r.Next(0, 40)).Select(_ => locs[r.Next(locs.Count)]).ToArray()).ToArray();
            for (int s = 0; s < 300; s++)
            {
                var tail = Enumerable.Range(0, r.Next(0, 5)).Select(_ => locs[r.Next(locs.Count)]);
                var rootFirst = prefixes[r.Next(prefixes.Length)].Concat(tail).ToArray();
                long v = r.Next(10) == 0 ? -r.Next(1, 50) : r.Next(0, 100);
                b.Sample(v, rootFirst.Reverse().ToArray());
            }
            return b.Build();
        }
        var p = Make(new FlameTestProfiles(), rng);
        var q = Make(new FlameTestProfiles(), rng);
        Assert.Equal(Naive([p], 0), Dump(Build(p)).Order(StringComparer.Ordinal));
        var diff = FlameTree.BuildDiff(new FlameInput(q, 0), new FlameInput(p, 0), new FlameTreeOptions());
        Assert.Equal(Naive([p, q], 0), Dump(diff).Order(StringComparer.Ordinal));
    }

    /// <summary>Every path's "path value/self" (or "path base->new") by brute force: Naive([p]) or Naive([new, base]).</summary>
    private static List<string> Naive(Profile[] profiles, int valueIndex)
    {
        var cum = new Dictionary<string, long[]>();
        var absSum = new Dictionary<string, long[]>();
        var self = new Dictionary<string, long[]>();
        for (int src = 0; src < profiles.Length; src++)
        {
            var p = profiles[src];
            for (int s = 0; s < p.SampleCount; s++)
            {
                long v = p.SampleValues(s)[valueIndex];
                if (v == 0) continue;
                var path = new List<string>();
                var stack = p.SampleStack(s);
                for (int i = stack.Length - 1; i >= 0; i--)
                {
                    var lines = p.LocationLines(stack[i]);
                    for (int l = lines.Length - 1; l >= 0; l--) path.Add(p.Functions[lines[l].Function].Name);
                }
                string key = "root";
                Add(cum, key, src, v);
                Add(absSum, key, src, Math.Abs(v));
                for (int i = 0; i < path.Count; i++)
                {
                    key = i == 0 ? path[0] : key + ";" + path[i];
                    Add(cum, key, src, v);
                    Add(absSum, key, src, Math.Abs(v));
                }
                Add(self, key, src, v);
            }
        }
        // Paths nothing of any value passes through are not nodes.
        return cum.Where(kv => kv.Key == "root" || absSum[kv.Key].Any(x => x != 0))
            .Select(kv => kv.Key + " " + (profiles.Length == 1
                ? $"{kv.Value[0]}/{self.GetValueOrDefault(kv.Key)?[0] ?? 0}"
                : $"{kv.Value[1]}->{kv.Value[0]}"))
            .Order(StringComparer.Ordinal).ToList();

        static void Add(Dictionary<string, long[]> d, string key, int src, long v)
        {
            if (!d.TryGetValue(key, out var a)) d[key] = a = new long[2];
            a[src] += v;
        }
    }

    [Fact]
    public void Building_with_a_fraction_equals_building_everything_then_pruning()
    {
        var p = CacheLeakHeap2();
        int vi = p.SampleIndexByName("alloc_space");
        var full = FlameTree.Build(new FlameInput(p, vi), new FlameTreeOptions());
        foreach (double fraction in new[] { 1e-4, 1e-3, 0.01, 0.2 })
        {
            var direct = FlameTree.Build(new FlameInput(p, vi), new FlameTreeOptions { MinFraction = fraction });
            var pruned = full.Prune((long)(fraction * full.Total), int.MaxValue);
            Assert.Equal(Dump(pruned), Dump(direct));
        }
    }

    /// <summary>
    /// What flows through a function's outermost occurrences is its cumulative value: the same
    /// number <c>top</c> prints (itself checked against go tool pprof).
    /// </summary>
    [Theory]
    [InlineData("inuse_space")]
    [InlineData("alloc_objects")]
    public void Outermost_occurrences_add_up_to_the_cum_of_top(string sampleIndex)
    {
        var p = CacheLeakHeap2();
        var t = FlameTree.Build(new FlameInput(p, p.SampleIndexByName(sampleIndex)), new FlameTreeOptions());
        var cum = new Dictionary<string, long>();
        var flat = new Dictionary<string, long>();
        var onPath = new Dictionary<int, int>();
        void Walk(int n)
        {
            int f = t.Frame[n];
            if (n != FlameTree.Root)
            {
                string name = t.Frames.Name(f);
                flat[name] = flat.GetValueOrDefault(name) + t.Self[n];
                if (onPath.GetValueOrDefault(f) == 0) cum[name] = cum.GetValueOrDefault(name) + t.Value[n];
                onPath[f] = onPath.GetValueOrDefault(f) + 1;
            }
            for (int c = t.FirstChild[n]; c < t.FirstChild[n] + t.ChildCount[n]; c++) Walk(c);
            if (n != FlameTree.Root) onPath[f]--;
        }
        Walk(FlameTree.Root);

        var options = new ReportOptions { SampleIndex = sampleIndex, NodeFraction = 0, Trim = false }.For(ReportKind.Top);
        var top = TopReport.Build(Report.Create(p, options));
        Assert.NotEmpty(top.Rows);
        foreach (var row in top.Rows)
        {
            Assert.Equal(row.Cum, cum.GetValueOrDefault(row.Name));
            Assert.Equal(row.Flat, flat.GetValueOrDefault(row.Name));
        }
        Assert.Equal(top.Rows.Sum(r => r.Flat), t.Value[FlameTree.Root]);
    }

    internal static Profile CacheLeakHeap2() => Read("heap2.pb.gz");

    internal static Profile Read(string name) =>
        FetchSteps.Apply([ProfileReader.ReadFile(Path.Combine(TestPaths.CommittedProfiles, "cacheleak", name), new ProfileReadOptions())], compact: false);
}
