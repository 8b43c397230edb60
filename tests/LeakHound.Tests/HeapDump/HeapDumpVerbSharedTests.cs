using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.HeapDump;

/// <summary>
/// owners, hexdump, dominators and find on the shared Go 1.19 dump, with expectations taken by
/// hand from the program that wrote it (dumpgen.go.txt): an Item is 48 bytes — Name (data
/// pointer, length), Blob (*Blob at +16), Peers (slice data pointer at +24, length, capacity) —
/// and owns one 1000-byte Blob (a 1024-byte slot); 2000 Items are in the global map registry,
/// 100 of them also in the global slice peers.
/// </summary>
public sealed class HeapDumpVerbSharedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakhound-hd-").FullName;
    private readonly string _dump;

    public HeapDumpVerbSharedTests()
    {
        _dump = Path.Combine(_dir, "go119.dump");
        using var gz = new GZipStream(File.OpenRead(Path.Combine(TestPaths.SharedTestData, "heapdumps", "dumpgen-go1.19.dump.gz")), CompressionMode.Decompress);
        using var f = File.Create(_dump);
        gz.CopyTo(f);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement Json(params string[] args)
    {
        var r = LeakHoundCli.Run(args);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    /// <summary>Blobs: 1024-byte objects that retain only themselves.</summary>
    private List<string> Blobs() =>
        Json("heapdump", _dump, "find", "--size", "1024:1024", "--json").GetProperty("objects").EnumerateArray()
            .Where(o => o.GetProperty("retained").GetInt64() == 1024).Select(o => o.GetProperty("address").GetString()!).ToList();

    [Fact]
    public void ABlobIsOwnedByItsItemThroughTheBlobField()
    {
        var blobs = Blobs();
        Assert.True(blobs.Count >= 2000, $"{blobs.Count} blobs");
        foreach (var blob in blobs.Take(5))
        {
            var owners = Json("heapdump", _dump, "owners", blob, "--depth", "1", "--json").GetProperty("owners");
            Assert.Equal(1, owners.GetArrayLength());
            Assert.Equal(16, owners[0].GetProperty("via").GetInt32());
            Assert.Equal(48, owners[0].GetProperty("owner").GetProperty("node").GetProperty("size").GetInt64());
        }
    }

    [Fact]
    public void HexdumpOfAnItemMarksItsThreePointerSlots()
    {
        string blob = Blobs()[0];
        string item = Json("heapdump", _dump, "owners", blob, "--depth", "1", "--json")
            .GetProperty("owners")[0].GetProperty("owner").GetProperty("node").GetProperty("address").GetString()!;
        var hex = Json("heapdump", _dump, "hexdump", item, "--json");
        Assert.Equal(48, hex.GetProperty("size").GetInt64());
        var pointers = hex.GetProperty("pointers").EnumerateArray().ToList();
        Assert.Equal([0, 16, 24], pointers.Select(p => p.GetProperty("offset").GetInt32()));
        Assert.Equal(blob + "+0", pointers[1].GetProperty("target").GetString());
        // Name's length (bytes 8..15, little endian) is that of "item-N" or "item--N".
        byte[] bytes = Convert.FromHexString(hex.GetProperty("bytes").GetString()!);
        Assert.InRange(BitConverter.ToInt64(bytes, 8), 6, 10);

        // heapspurs' OID files name objects by their first word: here Name's data pointer.
        string oid = Path.Combine(_dir, "oids.txt");
        File.WriteAllText(oid, $"{pointers[0].GetProperty("value").GetString()} the-item\n");
        var found = Json("heapdump", _dump, "find", "--oid", oid, "--json").GetProperty("objects").EnumerateArray().ToList();
        Assert.Contains(found, o => o.GetProperty("address").GetString() == item && o.GetProperty("name").GetString() == "the-item");
    }

    [Fact]
    public void TheTopDominatorIsTheRegistryMapHeldByAGlobal()
    {
        var d = Json("heapdump", _dump, "dominators", "--top", "3", "--json");
        var top = d.GetProperty("dominators")[0];
        Assert.StartsWith("global 0x", top.GetProperty("dominatedBy").GetString());
        // 1900 Items and Blobs only the map reaches (the other 100 are in peers too).
        Assert.True(top.GetProperty("tree").GetProperty("retained").GetInt64() >= 1900L * (1024 + 48),
            top.GetProperty("tree").GetProperty("retained").GetInt64().ToString(CultureInfo.InvariantCulture));
    }
}
