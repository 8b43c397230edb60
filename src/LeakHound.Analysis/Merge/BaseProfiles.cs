using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Merge;

/// <summary>
/// pprof's -base, -diff_base and -normalize: the base's samples are negated and merged into the
/// profile, so reports show what changed; with -diff_base they are also labelled pprof::base=true
/// so that percentages are taken of the base's total; -normalize first scales the profile so its
/// totals equal the base's.
/// </summary>
public static class BaseProfiles
{
    public const string BaseLabel = "pprof::base";

    public static Profile Subtract(Profile profile, Profile baseProfile, bool diffBase, bool normalize)
    {
        if (normalize) profile = Normalize(profile, baseProfile);
        var negated = Scale(baseProfile, -1);
        if (diffBase) negated = SetLabel(negated, BaseLabel, "true");
        return ProfileMerger.Merge(profile, negated);
    }

    /// <summary>pprof's Normalize: each sample type scaled by base total / profile total (0 when the profile's is 0).</summary>
    public static Profile Normalize(Profile p, Profile b)
    {
        if (!p.SampleTypes.SequenceEqual(b.SampleTypes) || p.PeriodType != b.PeriodType)
            throw new UsageException("-normalize needs profiles of the same sample types and period type");
        int nv = p.ValueCount;
        var baseTotals = new long[nv];
        var totals = new long[nv];
        for (int s = 0; s < b.SampleCount; s++) for (int i = 0; i < nv; i++) baseTotals[i] += b.Values[(long)s * nv + i];
        for (int s = 0; s < p.SampleCount; s++) for (int i = 0; i < nv; i++) totals[i] += p.Values[(long)s * nv + i];
        var ratios = new double[nv];
        for (int i = 0; i < nv; i++) ratios[i] = totals[i] == 0 ? 0 : (double)baseTotals[i] / totals[i];
        return ScaleN(p, ratios);
    }

    public static Profile Scale(Profile p, double ratio) => ratio == 1 ? p : ScaleN(p, Enumerable.Repeat(ratio, p.ValueCount).ToArray());

    /// <summary>pprof's ScaleN: values multiplied and rounded; samples left all zero are dropped.</summary>
    public static Profile ScaleN(Profile p, double[] ratios)
    {
        if (ratios.All(r => r == 1)) return p;
        int nv = p.ValueCount;
        var values = (long[])p.Values.Clone();
        var keep = new bool[p.SampleCount];
        for (int s = 0; s < p.SampleCount; s++)
        {
            bool any = false;
            for (int i = 0; i < nv; i++)
            {
                long idx = (long)s * nv + i;
                if (ratios[i] != 1) values[idx] = (long)Math.Round(values[idx] * ratios[i], MidpointRounding.AwayFromZero);
                any |= values[idx] != 0;
            }
            keep[s] = any;
        }
        return Filter.SampleSubset.Where(p.With(values: values), (_, s) => keep[s]);
    }

    /// <summary>pprof's SetLabel: every sample gets key=[value], replacing other values of that key.</summary>
    public static Profile SetLabel(Profile p, string key, string value)
    {
        var strings = p.Strings.ToList();
        int k = strings.IndexOf(key);
        if (k < 0) { k = strings.Count; strings.Add(key); }
        int v = strings.IndexOf(value);
        if (v < 0) { v = strings.Count; strings.Add(value); }
        var labelStart = new int[p.SampleCount + 1];
        var labels = new GrowableArray<Label>(p.Labels.Length + p.SampleCount);
        for (int s = 0; s < p.SampleCount; s++)
        {
            foreach (var l in p.SampleLabels(s))
                if (l.Key != k || l.IsNumeric) labels.Add(l);
            labels.Add(new Label(k, v, 0, 0));
            labelStart[s + 1] = labels.Count;
        }
        return p.With(labelStart: labelStart, labels: labels.ToArray(), strings: [.. strings]);
    }
}
