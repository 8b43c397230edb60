using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Reports.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Formats;

public class ProtoProfileReaderTests
{
    private static string Committed(string name) => Path.Combine(TestPaths.CommittedProfiles, "cacheleak", name);

    private static string Raw(Profile p)
    {
        var w = new StringWriter();
        RawReport.Write(p, w);
        return w.ToString();
    }

    [Fact]
    public void WriteThenReadGivesTheSameProfile()
    {
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.CommittedProfiles, "cacheleak"), "*.pb.gz"))
        {
            var p = ProfileReader.ReadFile(f, new ProfileReadOptions());
            var bytes = ProtoProfileWriter.EncodeUncompressed(p);
            var q = ProtoProfileReader.Read(bytes, "roundtrip", Limits.Default);
            Assert.Equal(Raw(p), Raw(q));
            Assert.Equal(p.Values, q.Values);
            Assert.Equal(p.Stack, q.Stack);
            // And the second write is byte-identical to the first.
            Assert.Equal(bytes, ProtoProfileWriter.EncodeUncompressed(q));
        }
    }

    [Fact]
    public void HeapProfileHasGoSampleTypesAndBytesLabels()
    {
        var p = ProfileReader.ReadFile(Committed("heap2.pb.gz"), new ProfileReadOptions());
        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], p.SampleTypes.Select(t => t.Type));
        Assert.Equal(3, p.SampleIndexByName(""));               // no default type: the last one
        Assert.Equal(2, p.SampleIndexByName("inuse_objects"));
        Assert.True(p.SampleCount > 0);
        // Go labels heap samples with the object size (not those whose size is unknown, 0).
        var labels = Enumerable.Range(0, p.SampleCount).SelectMany(s => p.SampleLabels(s).ToArray()).ToList();
        Assert.True(labels.Count > p.SampleCount / 2);
        Assert.All(labels, l => Assert.True(p.Strings[l.Key] == "bytes" && l.IsNumeric && l.Num > 0));
    }

    [Fact]
    public void StackDeeperThanTheLimitIsRefusedBeforeAllocating()
    {
        var data = File.ReadAllBytes(Committed("heap2.pb.gz"));
        data = LeakHound.Formats.Input.InputBytes.Gunzip(data, "heap2", Limits.Default);
        var e = Assert.Throws<InputException>(() => ProtoProfileReader.Read(data, "heap2", Limits.Default with { MaxStackDepth = 2 }));
        Assert.Matches("more than (the limit of )?2", e.Message);
    }

    [Fact]
    public void MoreSamplesThanTheLimitAreRefused()
    {
        var data = LeakHound.Formats.Input.InputBytes.Gunzip(File.ReadAllBytes(Committed("heap2.pb.gz")), "heap2", Limits.Default);
        var e = Assert.Throws<InputException>(() => ProtoProfileReader.Read(data, "heap2", Limits.Default with { MaxSamples = 3 }));
        Assert.Contains("more than 3 samples", e.Message);
    }

    [Fact]
    public void DecompressedSizeOverTheLimitIsRefused()
    {
        var gz = File.ReadAllBytes(Committed("heap2.pb.gz"));
        var e = Assert.Throws<InputException>(() => LeakHound.Formats.Input.InputBytes.Gunzip(gz, "heap2", Limits.Default with { MaxDecompressedBytes = 1000 }));
        Assert.Contains("over the limit of 1000 bytes", e.Message);
    }

    [Fact]
    public void LengthPastTheEndIsReportedWithItsOffset()
    {
        // A sample field claiming 100 bytes with 2 left.
        byte[] proto = [0x12, 0x64, 0x0a, 0x00];
        var e = Assert.Throws<InputException>(() => ProtoProfileReader.Read(proto, "short.pb", Limits.Default));
        Assert.Equal("short.pb: offset 2: sample of 100 bytes runs past the end of the data (2 bytes left)", e.Message);
    }
}
