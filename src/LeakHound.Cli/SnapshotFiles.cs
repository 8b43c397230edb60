using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Formats.Pprof;

namespace LeakHound.Cli;

/// <summary>
/// Snapshots from profile files (or a folder of them): heap profiles and goroutine profiles,
/// each placed at the time it records; a heap and a goroutine profile taken within a few seconds
/// of each other make one snapshot.
/// </summary>
public static class SnapshotFiles
{
    public static List<Snapshot> Read(IReadOnlyList<string> files)
    {
        var heaps = new List<(DateTimeOffset Time, Profile Profile)>();
        var goroutines = new List<(DateTimeOffset Time, GoroutineDump Dump)>();
        foreach (var file in files)
        {
            var p = ProfileReader.ReadFile(file, new ProfileReadOptions());
            if (p.TimeNanos == 0) throw new InputException(file, "the profile records no time; give profiles written by the Go runtime (profile.proto)");
            var time = DateTimeOffset.UnixEpoch.AddTicks(p.TimeNanos / 100);
            if (p.SampleTypes.Any(t => t.Type == "inuse_space"))
                heaps.Add((time, p));
            else if (p.SampleTypes.Any(t => t.Type is "goroutine" or "goroutineleak"))
                goroutines.Add((time, GoroutineDumpReader.Read(File.ReadAllBytes(file), file, Limits.Default)));
            else
                throw new InputException(file, $"not a heap or goroutine profile ({string.Join(", ", p.SampleTypes.Select(t => t.Type))})");
        }
        heaps.Sort((a, b) => a.Time.CompareTo(b.Time));
        goroutines.Sort((a, b) => a.Time.CompareTo(b.Time));

        var snapshots = new List<Snapshot>();
        var used = new bool[goroutines.Count];
        foreach (var (time, heap) in heaps)
        {
            int match = -1;
            for (int i = 0; i < goroutines.Count; i++)
                if (!used[i] && Math.Abs((goroutines[i].Time - time).TotalSeconds) < 5) { match = i; break; }
            if (match >= 0) used[match] = true;
            snapshots.Add(new Snapshot(time, 0, heap, match >= 0 ? goroutines[match].Dump : null, new Dictionary<string, double>()));
        }
        for (int i = 0; i < goroutines.Count; i++)
            if (!used[i]) snapshots.Add(new Snapshot(goroutines[i].Time, 0, null, goroutines[i].Dump, new Dictionary<string, double>()));
        snapshots.Sort((a, b) => a.Time.CompareTo(b.Time));
        return snapshots;
    }
}
