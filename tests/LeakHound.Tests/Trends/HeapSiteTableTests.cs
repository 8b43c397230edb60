using LeakHound.Analysis.Trends;
using static LeakHound.Tests.Trends.SyntheticHunt;

namespace LeakHound.Tests.Trends;

/// <summary>The site table's series, on synthetic heap profiles whose values are chosen by hand.</summary>
public class HeapSiteTableTests
{
    private static HeapSiteTable Table(params HeapSite[][] snapshots)
    {
        var table = new HeapSiteTable(snapshots.Length);
        table.AddRange(0, snapshots.Select((sites, t) => new HeapProfileSource(Heap(t, 4096, sites))).ToArray());
        return table;
    }

    private static int SiteOf(HeapSiteTable table, string function) =>
        Enumerable.Range(0, table.SiteCount).Single(site => table.Function(site) == function);

    [Fact]
    public void SeriesFollowEachSiteAcrossProfilesThatNumberTheirLocationsDifferently()
    {
        var table = Table(
            [new(LeakStack, 4096, 8192), new(StaticStack, 8192, 8192)],
            [new(LeakStack, 3 * 4096, 5 * 4096), new(StaticStack, 8192, 8192)],
            [new(StaticStack, 8192, 8192)],
            [new(LeakStack, 6 * 4096, 9 * 4096), new(StaticStack, 8192, 8192), new(CacheStack, 4096, 4096)]);

        Assert.Equal(3, table.SiteCount);
        int leak = SiteOf(table, "main.newEntry"), cache = SiteOf(table, "main.(*lru).load");
        var y = new double[4];
        table.CopyInuseSpace(leak, y);
        Assert.Equal([4096, 3 * 4096, 0, 6 * 4096], y);
        table.CopyInuseSpace(cache, y);
        Assert.Equal([0, 0, 0, 4096], y);
        Assert.Equal([4096 + 8192, 3 * 4096 + 8192, 8192, 6 * 4096 + 8192 + 4096], table.TotalInuseSpace);
    }

    [Fact]
    public void AllocatedBytesAreTheLastSnapshotsLessTheFirsts()
    {
        // alloc_space is cumulative: 8 kB, then 20 kB, 28 kB and 36 kB allocated by the leak's
        // site; the cache's site first appears in the last profile, so all of its 4 kB counts.
        var table = Table(
            [new(LeakStack, 4096, 8192)],
            [new(LeakStack, 3 * 4096, 5 * 4096)],
            [new(LeakStack, 5 * 4096, 7 * 4096)],
            [new(LeakStack, 6 * 4096, 9 * 4096), new(CacheStack, 4096, 4096)]);

        Assert.Equal(9 * 4096 - 8192, table.AllocatedFirstToLast(SiteOf(table, "main.newEntry")));
        Assert.Equal(4096, table.AllocatedFirstToLast(SiteOf(table, "main.(*lru).load")));
    }
}
