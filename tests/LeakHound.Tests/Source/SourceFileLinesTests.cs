using LeakHound.Reports.Source;

namespace LeakHound.Tests.Source;

/// <summary>Source files read as Go's bufio.Scanner reads them in pprof (hand-derived from bufio.ScanLines and MaxScanTokenSize).</summary>
public class SourceFileLinesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"lh-lines-{Guid.NewGuid():N}");

    public SourceFileLinesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void LinesEndAtNewlinesWithOneCarriageReturnDropped()
    {
        var lines = SourceFileLines.Read(Write("a.go", "one\r\ntwo\r\r\n\nlast"u8.ToArray()), out var error);
        Assert.Null(error);
        Assert.Equal(["one", "two\r", "", "last"], lines!);
        Assert.Equal(["x"], SourceFileLines.Read(Write("b.go", "x\n"u8.ToArray()), out _)!);
        Assert.Empty(SourceFileLines.Read(Write("c.go", []), out _)!);
    }

    [Fact]
    public void ALineOf64KiBEndsTheFileSilently()
    {
        var ok = new string('a', SourceFileLines.MaxLineBytes - 1);
        var lines = SourceFileLines.Read(Write("long.go", System.Text.Encoding.ASCII.GetBytes("first\n" + ok + "\n" + ok + "b\nafter\n")), out var error);
        Assert.Null(error);
        Assert.Equal(2, lines!.Length);
        Assert.Equal(ok, lines[1]);
    }

    [Fact]
    public void AMissingFileIsGosOpenError()
    {
        string missing = Path.Combine(_dir, "nope", "x.go");
        Assert.Null(SourceFileLines.Read(missing, out var error));
        Assert.Equal($"open {missing}: no such file or directory", error);
        string file = Write("f.go", "x"u8.ToArray());
        Assert.Null(SourceFileLines.Read(Path.Combine(file, "y.go"), out error));
        Assert.Equal($"open {file}/y.go: not a directory", error);
    }

    [Fact]
    public void ADirectoryOpensWithNoLines()
    {
        Assert.True(SourceFileLines.Opens(_dir));
        Assert.Empty(SourceFileLines.Read(_dir, out var error)!);
        Assert.Null(error);
    }
}
