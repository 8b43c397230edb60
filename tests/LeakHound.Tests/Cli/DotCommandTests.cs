using LeakHound.Tests.Support;

namespace LeakHound.Tests.Cli;

/// <summary><c>leakhound dot</c>'s failures: one line on stderr, exit code 2, nothing half written.</summary>
public sealed class DotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakhound-dot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneLineError(string expected, params string[] args)
    {
        var r = LeakHoundCli.Run(["dot", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void TruncatedProfile()
    {
        var real = File.ReadAllBytes(Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap.pb.gz"));
        string path = Path.Combine(_dir, "trunc.pb.gz");
        File.WriteAllBytes(path, real[..(real.Length / 2)]);
        AssertOneLineError(path + ": ", path);
    }

    [Fact]
    public void NoProfile() => AssertOneLineError("no profile given");

    [Fact]
    public void OutputInAMissingFolderLeavesNothing()
    {
        string heap = Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap.pb.gz");
        string output = Path.Combine(_dir, "missing", "graph.dot");
        AssertOneLineError(output, "-o", output, heap);
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void UnsupportedPprofOptionIsRefused() =>
        AssertOneLineError("unknown option -intel_syntax", "-intel_syntax", Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap.pb.gz"));

    [Fact]
    public void CallTreeTakesTrueOrFalse() =>
        AssertOneLineError("option -call_tree takes true or false, not \"maybe\"", "-call_tree=maybe", Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap.pb.gz"));
}
