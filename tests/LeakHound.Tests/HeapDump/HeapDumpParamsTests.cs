using LeakHound.Core;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Tests.HeapDump;

/// <summary>What LeakHound infers from the params record's version string (runtime.Version(), with " X:exp,…" for non-default GOEXPERIMENTs).</summary>
public sealed class HeapDumpParamsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakhound-hdparams-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("go1.19.8", 19, false)]
    [InlineData("go1.9", 9, false)]
    [InlineData("go1.22rc1", 22, true)]
    [InlineData("go1.22.0 X:noallocheaders", 22, false)]
    [InlineData("go1.22.3 X:loopvar,noallocheaders", 22, false)]
    [InlineData("go1.23.1 X:boringcrypto", 23, true)]
    [InlineData("devel go1.25-c0e149b6b Tue Mar 4 10:00:00 2025 +0000", 25, true)]
    [InlineData("devel +2a9e8a3 Mon Jan 1 2018", -1, false)]
    [InlineData("GOEXPERIMENT=framepointer", -1, false)]
    public void GoVersionAndMallocHeaders(string version, int minor, bool headers)
    {
        var p = new HeapDumpParams(false, 8, 0, 0, "amd64", version, 1);
        Assert.Equal(minor, p.GoMinor);
        Assert.Equal(headers, p.HasMallocHeaders);
        Assert.Equal(version.Contains("noallocheaders"), p.Experiments.Contains("noallocheaders"));
    }

    /// <summary>
    /// A span of 48-byte objects with pointers: from Go 1.22 its last two slots (0x1f80 and 0x1fb0)
    /// lie over the span's 128-byte pointer bitmap and are marked, but not in an older dump, nor when
    /// malloc headers were turned off, nor in a span without pointers.
    /// </summary>
    [Theory]
    [InlineData("go1.22.0", true, 2)]
    [InlineData("go1.21.5", true, 0)]
    [InlineData("go1.22.0 X:noallocheaders", true, 0)]
    [InlineData("go1.23.0", false, 0)]
    public void SpanTailSlots(string version, bool withPointers, int marked)
    {
        const ulong page = 0xc000010000;
        var d = new CraftedDump().Params(version);
        foreach (ulong offset in new ulong[] { 0, 48, 0x1f50, 0x1f80, 0x1fb0 })
            d.Object(page + offset, [0, 0, 0, 0, 0, 0], withPointers && offset < 0x1f80 ? [0] : []);
        string path = Path.Combine(_dir, version.Replace(' ', '_') + withPointers + ".dump");
        File.WriteAllBytes(path, d.Eof().ToArray());
        var o = HeapDumpReader.Read(path, Limits.Default).Objects;
        Assert.Equal(marked, o.SpanTailCount);
        Assert.Equal(marked * 48, o.SpanTailBytes);
        if (marked > 0) Assert.Equal([false, false, false, true, true], o.SpanTail);
    }
}
