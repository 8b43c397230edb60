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

    /// <summary>A profile of 60,000 samples 5–35 deep over 3,000 locations: about 3 MB, several steps of the read as it arrives.</summary>
    private static Profile Large()
    {
        var b = new ProfileBuilder([new ProfileValueType("alloc_space", "bytes"), new ProfileValueType("inuse_space", "bytes")])
        {
            PeriodType = new ProfileValueType("space", "bytes"),
            Period = 524288,
        };
        b.AddMapping(new Mapping(1, 0x1000, 0x100000, 0, "/app/svc", "", true, true, true, true));
        var locations = new int[3000];
        for (int i = 0; i < locations.Length; i++)
        {
            int f = b.AddFunction(new Function((ulong)i + 1, $"main.f{i}", $"main.f{i}", "/app/main.go", 1));
            locations[i] = b.AddLocation((ulong)i + 1, 0, 0x1000 + (ulong)i * 16, false, [new Line(f, 10 + i % 50)]);
        }
        var rng = new Random(3);
        var stack = new int[35];
        for (int s = 0; s < 60_000; s++)
        {
            int depth = rng.Next(5, 36);
            for (int d = 0; d < depth; d++) stack[d] = locations[rng.Next(locations.Length)];
            b.AddSample([rng.Next(1, 1 << 20), rng.Next(0, 1 << 20)], stack.AsSpan(0, depth));
        }
        return b.Build();
    }

    [Fact]
    public void AGzippedFileReadAsItIsGunzippedGivesTheSameProfile()
    {
        var p = Large();
        string path = Path.GetTempFileName();
        try
        {
            using (var fs = File.Create(path)) ProtoProfileWriter.Write(p, fs);
            var raw = ProtoProfileWriter.EncodeUncompressed(p);
            Assert.True(raw.Length > 2 << 20, $"{raw.Length} bytes: too small to arrive in several steps");
            var whole = ProtoProfileReader.Read(raw, path, Limits.Default);
            // Read as it arrives, not by the whole read that is the fallback.
            var arriving = LeakHound.Formats.Input.InputBytes.GunzipAsItArrives(path, Limits.Default);
            Assert.NotNull(arriving);
            var arrived = ProtoProfileReader.TryReadAsItArrives(arriving, path, Limits.Default);
            Assert.NotNull(arrived);
            Assert.Equal(whole.Values, arrived.Values);
            Assert.Equal(whole.StackStart, arrived.StackStart);
            Assert.Equal(whole.Stack, arrived.Stack);
            Assert.Equal(Raw(whole), Raw(arrived));
            Assert.Equal(Raw(whole), Raw(ProfileReader.ReadFile(path, new ProfileReadOptions())));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ABrokenGzippedFileGivesTheErrorOfAWholeRead()
    {
        var p = Large();
        var raw = ProtoProfileWriter.EncodeUncompressed(p);
        var gz = Gzip(raw);
        var cases = new (string Name, byte[] Bytes, Limits Limits)[]
        {
            ("cut in the middle of the gzip stream", gz[..(gz.Length / 2)], Limits.Default),
            ("a sample cut off at the end", Gzip(raw[..(raw.Length - 3)]), Limits.Default),
            ("a corrupt byte in the middle", Gzip(Flip(raw, raw.Length / 2)), Limits.Default),
            ("more samples than the limit", gz, Limits.Default with { MaxSamples = 1000 }),
            ("a deeper stack than the limit", gz, Limits.Default with { MaxStackDepth = 20 }),
            ("gzip of plain text", Gzip("not a profile\n"u8.ToArray()), Limits.Default),
        };
        foreach (var (name, bytes, limits) in cases)
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, bytes);
                var options = new ProfileReadOptions { Limits = limits };
                var expected = Assert.Throws<InputException>(() => ProfileReader.Read(File.ReadAllBytes(path), path, options));
                var actual = Assert.Throws<InputException>(() => ProfileReader.ReadFile(path, options));
                Assert.True(expected.Message == actual.Message, $"{name}: {actual.Message} instead of {expected.Message}");
            }
            finally
            {
                File.Delete(path);
            }
        }

        static byte[] Gzip(byte[] data)
        {
            var ms = new MemoryStream();
            using (var z = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest)) z.Write(data);
            return ms.ToArray();
        }

        static byte[] Flip(byte[] data, int at)
        {
            var copy = (byte[])data.Clone();
            copy[at] = 0xff;
            copy[at + 1] = 0xff;
            return copy;
        }
    }
}
