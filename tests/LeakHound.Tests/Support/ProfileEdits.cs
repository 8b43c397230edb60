using LeakHound.Formats.Pprof;

namespace LeakHound.Tests.Support;

/// <summary>Real profiles changed for a test (source names, start lines, labels) and written back as profile.proto.</summary>
public static class ProfileEdits
{
    public static Profile Read(string path) => ProfileReader.ReadFile(path, new ProfileReadOptions());

    /// <summary>Writes <paramref name="p"/> as gzipped profile.proto into <paramref name="dir"/>; returns its path.</summary>
    public static string Write(Profile p, string dir, string name)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        using var fs = File.Create(path);
        ProtoProfileWriter.Write(p, fs);
        return path;
    }

    /// <summary>Every function's source file name replaced by <paramref name="map"/>'s.</summary>
    public static Profile MapFiles(Profile p, Func<string, string> map) =>
        p.With(functions: [.. p.Functions.Select(f => f with { Filename = map(f.Filename) })]);

    /// <summary>Start lines set by <paramref name="startLine"/> (0 leaves none).</summary>
    public static Profile WithStartLines(Profile p, Func<Function, long> startLine) =>
        p.With(functions: [.. p.Functions.Select(f => f with { StartLine = startLine(f) })]);

    /// <summary>Each sample's labels replaced by <paramref name="labels"/>' (key, string value or null, number, unit).</summary>
    public static Profile WithLabels(Profile p, Func<int, (string Key, string? Str, long Num, string Unit)[]> labels)
    {
        var strings = new List<string>(p.Strings);
        var ids = new Dictionary<string, int>();
        for (int i = 0; i < strings.Count; i++) ids.TryAdd(strings[i], i);
        int Id(string s)
        {
            if (ids.TryGetValue(s, out int id)) return id;
            strings.Add(s);
            ids[s] = strings.Count - 1;
            return strings.Count - 1;
        }
        var start = new int[p.SampleCount + 1];
        var all = new List<Label>();
        for (int s = 0; s < p.SampleCount; s++)
        {
            foreach (var (key, str, num, unit) in labels(s))
                all.Add(new Label(Id(key), str is null ? 0 : Id(str), num, unit.Length == 0 ? 0 : Id(unit)));
            start[s + 1] = all.Count;
        }
        return p.With(labelStart: start, labels: [.. all], strings: [.. strings]);
    }

    /// <summary>The folder that holds the samples' sources as the profile recorded them (the checkout the binaries were built in), or null.</summary>
    public static string? RecordedCheckout(Profile p)
    {
        foreach (var f in p.Functions)
        {
            int i = f.Filename.IndexOf("/samples/", StringComparison.Ordinal);
            if (i > 0 && f.Name.StartsWith("main.", StringComparison.Ordinal) && f.Filename.EndsWith(".go", StringComparison.Ordinal))
                return f.Filename[..i];
        }
        return null;
    }
}
