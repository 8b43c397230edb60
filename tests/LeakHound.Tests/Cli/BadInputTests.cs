using System.IO.Compression;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Cli;

/// <summary>Broken inputs give one line on stderr naming the file and the problem, exit code 2, and no stack trace.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakhound-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static void AssertOneLineError(string path, string expectedProblem, params string[] verbs)
    {
        foreach (var verb in verbs.Length == 0 ? ["top", "raw"] : verbs)
        {
            var r = LeakHoundCli.Run(verb, path);
            Assert.Equal(2, r.ExitCode);
            Assert.Equal("", r.Stdout);
            var lines = r.Stderr.TrimEnd('\n').Split('\n');
            Assert.Single(lines);
            Assert.StartsWith("leakhound: " + path + ": ", lines[0]);
            Assert.Contains(expectedProblem, lines[0]);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
    }

    [Fact]
    public void TruncatedGzip()
    {
        var real = File.ReadAllBytes(Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap2.pb.gz"));
        AssertOneLineError(Write("trunc.pb.gz", real[..(real.Length / 2)]), "truncated");
        // Cut inside the 8-byte trailer too: the framework's gzip reader accepts it silently.
        AssertOneLineError(Write("trunc2.pb.gz", real[..(real.Length - 3)]), "truncated");
    }

    [Fact]
    public void RandomBinary()
    {
        var data = new byte[4096];
        new Random(42).NextBytes(data);
        data[0] = 0x12; // a plausible protobuf tag (field 2, bytes), so the proto reader is tried first
        AssertOneLineError(Write("random.bin", data), "unrecognized profile format: not a valid profile.proto message");
        data[0] = 0xff;
        AssertOneLineError(Write("random2.bin", data), "unrecognized profile format");
    }

    [Fact]
    public void EmptyFile() => AssertOneLineError(Write("empty.pb", []), "empty input file");

    [Fact]
    public void EmptyGzip()
    {
        var ms = new MemoryStream();
        using (new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) { }
        AssertOneLineError(Write("empty.pb.gz", ms.ToArray()), "empty input file");
    }

    [Fact]
    public void StringIndexPastTheTable()
    {
        // profile.proto by hand: sample_type {type: 5, unit: 1}, string_table ["", "count"].
        byte[] proto = [0x0a, 0x04, 0x08, 0x05, 0x10, 0x01, 0x32, 0x00, 0x32, 0x05, (byte)'c', (byte)'o', (byte)'u', (byte)'n', (byte)'t'];
        AssertOneLineError(Write("badstring.pb", proto), "string index 5 is past the end of the string table (2 strings)");
    }

    [Fact]
    public void SampleReferringToAMissingLocation()
    {
        // sample_type {type:1 unit:1}; sample {location_id: [7], value: [3]}; string_table ["", "x"].
        byte[] proto = [0x0a, 0x04, 0x08, 0x01, 0x10, 0x01, 0x12, 0x06, 0x0a, 0x01, 0x07, 0x12, 0x01, 0x03, 0x32, 0x00, 0x32, 0x01, (byte)'x'];
        AssertOneLineError(Write("badloc.pb", proto), "location id 7");
    }

    [Fact]
    public void MissingFile()
    {
        string path = Path.Combine(_dir, "nope.pb.gz");
        AssertOneLineError(path, "no such file");
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var r = LeakHoundCli.Run("top", "-no_such_option", "x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option -no_such_option", r.Stderr);
    }

    [Fact]
    public void UnknownSampleIndexNamesTheChoices()
    {
        var r = LeakHoundCli.Run("top", "-sample_index=bogus", Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap.pb.gz"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sample_index \"bogus\" must be one of: [alloc_objects alloc_space inuse_objects inuse_space]", r.Stderr);
    }
}
