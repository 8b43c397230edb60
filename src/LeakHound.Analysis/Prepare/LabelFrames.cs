using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Prepare;

/// <summary>
/// pprof's -tagroot and -tagleaf: every sample gets one pseudo frame per label key, at the root of
/// its stack (the first key outermost) or at its leaf (the last key innermost). The frame's function
/// is named after the sample's values for that key (string values, then numbers formatted in the
/// output unit, joined by ",", empty when the sample has none) and its file is the key. Frames with
/// the same name and key share one new function and location, numbered after the profile's largest ids.
/// </summary>
public static class LabelFrames
{
    /// <param name="rootKeys">Keys of -tagroot (comma-separated in the option; empty keys dropped).</param>
    /// <param name="leafKeys">Keys of -tagleaf.</param>
    /// <param name="outputUnit">The report's -unit, for numeric labels with a unit.</param>
    /// <param name="rootMatched">Whether some sample has a value for a root key.</param>
    /// <param name="leafMatched">Whether some sample has a value for a leaf key.</param>
    public static Profile Add(Profile p, IReadOnlyList<string> rootKeys, IReadOnlyList<string> leafKeys, string outputUnit,
        out bool rootMatched, out bool leafMatched)
    {
        rootMatched = leafMatched = false;
        if (rootKeys.Count == 0 && leafKeys.Count == 0) return p;

        ulong nextLocationId = 1, nextFunctionId = 1;
        foreach (var l in p.Locations) nextLocationId = Math.Max(nextLocationId, l.Id + 1);
        foreach (var f in p.Functions) nextFunctionId = Math.Max(nextFunctionId, f.Id + 1);

        var functions = new GrowableArray<Function>(p.Functions.Length + 16);
        functions.AddRange(p.Functions);
        var locations = new GrowableArray<Location>(p.Locations.Length + 16);
        locations.AddRange(p.Locations);
        var lines = new GrowableArray<Line>(p.Lines.Length + 16);
        lines.AddRange(p.Lines);
        var interned = new Dictionary<(string Name, string Key), int>();

        int extra = rootKeys.Count + leafKeys.Count;
        long stackLength = (long)p.Stack.Length + (long)extra * p.SampleCount;
        if (stackLength > Array.MaxLength) throw new UsageException("-tagroot/-tagleaf: too many frames to add");
        var stack = new int[stackLength];
        var stackStart = new int[p.SampleCount + 1];
        var leaves = new int[leafKeys.Count];
        var roots = new int[rootKeys.Count];
        int at = 0;
        for (int s = 0; s < p.SampleCount; s++)
        {
            // Roots first: pprof numbers the new locations in that order.
            rootMatched |= Frames(s, rootKeys, roots);
            leafMatched |= Frames(s, leafKeys, leaves);
            stackStart[s] = at;
            foreach (int l in leaves) stack[at++] = l;
            foreach (int l in p.SampleStack(s)) stack[at++] = l;
            foreach (int l in roots) stack[at++] = l;
        }
        stackStart[p.SampleCount] = at;
        return p.With(functions: functions.ToArray(), locations: locations.ToArray(), lines: lines.ToArray(), stackStart: stackStart, stack: stack);

        // The sample's frames for these keys, last key first (nearest the leaf), as location indexes.
        bool Frames(int sample, IReadOnlyList<string> keys, int[] frames)
        {
            bool match = false;
            for (int i = 0; i < keys.Count; i++)
            {
                string key = keys[keys.Count - 1 - i];
                var values = Values(p, sample, key, outputUnit);
                match |= values.Count > 0;
                frames[i] = Intern(string.Join(',', values), key);
            }
            return match;
        }

        int Intern(string name, string key)
        {
            if (interned.TryGetValue((name, key), out int location)) return location;
            int function = functions.Count;
            functions.Add(new Function(nextFunctionId++, name, "", key, 0));
            location = locations.Count;
            locations.Add(new Location(nextLocationId++, -1, 0, false, lines.Count, 1));
            lines.Add(new Line(function, 0));
            interned.Add((name, key), location);
            return location;
        }
    }

    /// <summary>pprof's formatLabelValues: the string values of <paramref name="key"/>, then its numbers scaled from their unit.</summary>
    public static List<string> Values(Profile p, int sample, string key, string outputUnit)
    {
        var values = new List<string>();
        var labels = p.SampleLabels(sample);
        bool anyUnit = false;
        foreach (var l in labels)
        {
            if (p.Strings[l.Key] != key) continue;
            if (!l.IsNumeric) values.Add(p.Strings[l.Str]);
            else if (l.NumUnit != 0) anyUnit = true;
        }
        foreach (var l in labels)
        {
            if (p.Strings[l.Key] != key || !l.IsNumeric) continue;
            // Numbers of a key with units each carry their own ("" when absent); without any, none is applied.
            values.Add(anyUnit
                ? Measurement.ScaledLabel(l.Num, p.Strings[l.NumUnit], outputUnit)
                : Measurement.ScaledLabel(l.Num, "", ""));
        }
        return values;
    }

    /// <summary>The keys of a -tagroot/-tagleaf option: comma-separated, empty ones dropped.</summary>
    public static string[] Keys(string option) => option.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
