using System.Text;
using System.Text.Json;

namespace LeakHound.Hunt;

/// <summary>How a hunt runs. Without <see cref="Duration"/> and <see cref="MaxSnapshots"/> it runs until cancelled.</summary>
public sealed record HuntOptions
{
    /// <summary>Time between the starts of two snapshots.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Stop after this long: snapshots are taken at 0, Interval, … up to and including Duration.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop after this many snapshots in this session (gaps count: each is a snapshot row).</summary>
    public int? MaxSnapshots { get; init; }

    /// <summary>Where the pprof index is (a path or a URL), when not at a usual place.</summary>
    public string? PprofPath { get; init; }

    /// <summary>Tries per fetch while failures are transient (refused, timeout, 5xx, reset).</summary>
    public int Tries { get; init; } = 3;

    /// <summary>Largest answer accepted from the service (a heap profile, say).</summary>
    public long MaxResponseBytes { get; init; } = 512L << 20;

    /// <summary>Time one snapshot may take, retries included: the interval, between 1 s and 60 s.</summary>
    public TimeSpan SnapshotBudget =>
        Interval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1)
        : Interval > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60)
        : Interval;

    /// <summary>The options as stored in the session row (docs/formats/hunt-store.md).</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("interval_seconds", Interval.TotalSeconds);
            if (Duration is { } d) w.WriteNumber("duration_seconds", d.TotalSeconds);
            if (MaxSnapshots is int n) w.WriteNumber("max_snapshots", n);
            if (PprofPath is not null) w.WriteString("pprof_path", PprofPath);
            w.WriteNumber("tries", Tries);
            w.WriteNumber("max_response_bytes", MaxResponseBytes);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
