namespace LeakHound.Formats.HeapDump;

/// <summary>
/// The memstats record: runtime.MemStats as read by the runtime when the dump began (the world is
/// stopped, so it matches the objects dumped), field by field in the struct's order.
/// </summary>
public sealed class HeapDumpMemStats
{
    /// <summary>The names of <see cref="Values"/>, as in runtime.MemStats.</summary>
    public static readonly IReadOnlyList<string> FieldNames =
    [
        "Alloc", "TotalAlloc", "Sys", "Lookups", "Mallocs", "Frees", "HeapAlloc", "HeapSys", "HeapIdle", "HeapInuse",
        "HeapReleased", "HeapObjects", "StackInuse", "StackSys", "MSpanInuse", "MSpanSys", "MCacheInuse", "MCacheSys",
        "BuckHashSys", "GCSys", "OtherSys", "NextGC", "LastGC", "PauseTotalNs",
    ];

    /// <summary>How many PauseNs entries the record has (runtime.MemStats.PauseNs is a 256-entry ring).</summary>
    public const int PauseCount = 256;

    internal HeapDumpMemStats(ulong[] values, ulong[] pauseNs, ulong numGC)
    {
        Values = values;
        PauseNs = pauseNs;
        NumGC = numGC;
    }

    /// <summary>The scalar fields, in <see cref="FieldNames"/> order.</summary>
    public IReadOnlyList<ulong> Values { get; }

    /// <summary>The circular buffer of recent pause times; the most recent is at (NumGC+255)%256.</summary>
    public IReadOnlyList<ulong> PauseNs { get; }

    public ulong NumGC { get; }

    public ulong Alloc => Values[0];
    public ulong TotalAlloc => Values[1];
    public ulong Sys => Values[2];
    public ulong Lookups => Values[3];
    public ulong Mallocs => Values[4];
    public ulong Frees => Values[5];
    public ulong HeapAlloc => Values[6];
    public ulong HeapSys => Values[7];
    public ulong HeapIdle => Values[8];
    public ulong HeapInuse => Values[9];
    public ulong HeapReleased => Values[10];
    public ulong HeapObjects => Values[11];
    public ulong StackInuse => Values[12];
    public ulong StackSys => Values[13];
    public ulong MSpanInuse => Values[14];
    public ulong MSpanSys => Values[15];
    public ulong MCacheInuse => Values[16];
    public ulong MCacheSys => Values[17];
    public ulong BuckHashSys => Values[18];
    public ulong GCSys => Values[19];
    public ulong OtherSys => Values[20];
    public ulong NextGC => Values[21];
    public ulong LastGC => Values[22];
    public ulong PauseTotalNs => Values[23];
}
