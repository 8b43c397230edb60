using LeakHound.Analysis.Graph;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Tests.Graph;

/// <summary>
/// The call tree's shape (<see cref="CallTree"/>): a node per call path, recursion and inlined
/// lines included, samples without value left out, and its node count capped by
/// <see cref="Limits.MaxTableEntries"/>. What it prints is compared with pprof in the differential tests.
/// </summary>
public sealed class CallTreeTests
{
    private const int Main = 0, A = 1, B = 2, Inner = 3;

    /// <summary>main.main, main.a, main.b, one location each; location 3 is main.inner inlined into main.b.</summary>
    private static Profile Build(params (int[] Stack, long Value)[] samples)
    {
        var b = new ProfileBuilder([new ProfileValueType("inuse_space", "bytes")]);
        b.AddMapping(new Mapping(1, 0x400000, 0x800000, 0, "/bin/app", "", true, true, true, true));
        string[] names = ["main.main", "main.a", "main.b", "main.inner"];
        for (int f = 0; f < names.Length; f++) b.AddFunction(new Function((ulong)f + 1, names[f], names[f], "/src/main.go", f));
        for (int f = 0; f < 3; f++) b.AddLocation((ulong)f + 1, 0, 0x401000 + (ulong)f, false, [new Line(f, 10 + f)]);
        b.AddLocation(4, 0, 0x402000, false, [new Line(Inner, 30), new Line(B, 20)]);
        foreach (var (stack, value) in samples) b.AddSample([value], stack);
        return b.Build();
    }

    private static CallTree Tree(Profile p, Limits? limits = null) =>
        CallTree.Build(p, LocationNodes.Build(p, Granularity.Functions, noInlines: false), 0, -1, limits);

    /// <summary>The path of a tree node: function names from the root down.</summary>
    private static string PathOf(CallTree t, int n)
    {
        var names = new List<string>();
        for (; n >= 0; n = t.Parent[n]) names.Add(t.Nodes.Infos[n].Name["main.".Length..]);
        names.Reverse();
        return string.Join('/', names);
    }

    [Fact]
    public void AFunctionHasANodePerCallPath()
    {
        // main→a→b, main→b, main→a→b→a (recursion through b), main→a→b again (stacks are leaf first).
        var t = Tree(Build(([B, A, Main], 1), ([B, Main], 2), ([A, B, A, Main], 4), ([B, A, Main], 8)));
        var paths = Enumerable.Range(0, t.NodeCount).Select(n => PathOf(t, n)).ToList();
        Assert.Equal(["main", "main/a", "main/a/b", "main/b", "main/a/b/a"], paths);
        for (int n = 0; n < t.NodeCount; n++) Assert.True(t.Parent[n] < n);

        Assert.Equal([15L, 13, 13, 2, 4], t.Values.Cum);
        Assert.Equal([0L, 0, 9, 2, 4], t.Values.Flat);
        // Over the tree's profile, the graph accumulator finds the same values and one edge into
        // every node but the root, from its caller, weighing what the node does.
        var (values, edges) = GraphAccumulator.Accumulate(t.Profile, t.Nodes, 0, -1, null, EdgeScope.All);
        Assert.Equal(t.Values.Cum, values.Cum);
        Assert.Equal(t.Values.Flat, values.Flat);
        Assert.Equal(t.NodeCount - 1, edges!.Count);
        for (int e = 0; e < edges.Count; e++)
        {
            Assert.Equal(t.Parent[edges.Dst(e)], edges.Src(e));
            Assert.Equal(values.Cum[edges.Dst(e)], edges.Weight(e));
        }
    }

    [Fact]
    public void InlinedLinesAreAChainOfNodesWithInlineEdges()
    {
        const int BWithInner = 3; // location 4
        var t = Tree(Build(([BWithInner, A, Main], 5), ([A, BWithInner, Main], 3)));
        var paths = Enumerable.Range(0, t.NodeCount).Select(n => PathOf(t, n)).ToList();
        Assert.Equal(["main", "main/a", "main/a/b", "main/a/b/inner", "main/b", "main/b/inner", "main/b/inner/a"], paths);
        var inline = Enumerable.Range(0, t.NodeCount).Where(n => t.Parent[n] >= 0 && t.InlineIn[n]).Select(n => PathOf(t, n)).Order(StringComparer.Ordinal);
        Assert.Equal(["main/a/b/inner", "main/b/inner"], inline);
        var (_, edges) = GraphAccumulator.Accumulate(t.Profile, t.Nodes, 0, -1, null, EdgeScope.All);
        for (int e = 0; e < edges!.Count; e++) Assert.Equal(t.InlineIn[edges.Dst(e)], edges.Inline(e));
    }

    [Fact]
    public void SamplesWithoutValueAddNoNodes()
    {
        var t = Tree(Build(([B, Main], 0), ([A, Main], 7)));
        Assert.Equal(["main", "main/a"], Enumerable.Range(0, t.NodeCount).Select(n => PathOf(t, n)));
        Assert.Equal(0, t.Profile.StackStart[1] - t.Profile.StackStart[0]);
    }

    [Fact]
    public void NodeCountIsCapped()
    {
        var p = Build(([B, A, Main], 1), ([A, B, Main], 1));
        Assert.Equal(5, Tree(p, new Limits { MaxTableEntries = 5 }).NodeCount);
        var e = Assert.Throws<UsageException>(() => Tree(p, new Limits { MaxTableEntries = 4 }));
        Assert.Equal("the call tree has more than 4 nodes; filter the profile (-focus, -show_from, …) or leave out -call_tree", e.Message);
    }
}
