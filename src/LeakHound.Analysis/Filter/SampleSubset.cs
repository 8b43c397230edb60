using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Filter;

/// <summary>Profiles restricted to some of their samples; the tables are shared, the sample arrays copied.</summary>
public static class SampleSubset
{
    /// <summary>The profile with only the samples <paramref name="keep"/> accepts (the profile itself when it accepts all).</summary>
    public static Profile Where(Profile p, Func<Profile, int, bool> keep)
    {
        var kept = new List<int>(p.SampleCount);
        for (int s = 0; s < p.SampleCount; s++) if (keep(p, s)) kept.Add(s);
        if (kept.Count == p.SampleCount) return p;

        int nv = p.ValueCount;
        var values = new long[(long)kept.Count * nv];
        var stackStart = new int[kept.Count + 1];
        var labelStart = new int[kept.Count + 1];
        var stack = new GrowableArray<int>(kept.Count * 8);
        var labels = new GrowableArray<Label>(kept.Count);
        for (int i = 0; i < kept.Count; i++)
        {
            int s = kept[i];
            p.SampleValues(s).CopyTo(values.AsSpan(i * nv, nv));
            stack.AddRange(p.SampleStack(s));
            labels.AddRange(p.SampleLabels(s));
            stackStart[i + 1] = stack.Count;
            labelStart[i + 1] = labels.Count;
        }
        return p.With(sampleCount: kept.Count, values: values, stackStart: stackStart, stack: stack.ToArray(),
            labelStart: labelStart, labels: labels.ToArray());
    }

    /// <summary>
    /// Drops samples without a stack, as pprof's name filtering does on every report even with no
    /// filter set (after the report's total was taken, so totals still count them).
    /// </summary>
    public static Profile WithStacks(Profile p) => Where(p, static (q, s) => q.StackStart[s + 1] > q.StackStart[s]);
}
