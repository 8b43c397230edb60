using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// What a sample contributes to node tags, interned: its label set (string labels as sorted
/// "key:value" pairs joined by a literal \n, id 0 for none) and the values of the kept numeric label,
/// in order. Samples with neither have signature -1.
/// </summary>
internal sealed class SampleSignatures(int[] ofSample, string[] labelSetNames, List<int> labelSet, List<long[]> values)
{
    public int[] OfSample => ofSample;
    public string[] LabelSetNames => labelSetNames;
    /// <summary>The label set of each signature.</summary>
    public List<int> LabelSet => labelSet;

    public ReadOnlySpan<long> NumericValues(int sig) => values[sig];

    /// <summary>How many signatures there are (ids 0 to Count − 1).</summary>
    public int Count => values.Count;

    public static SampleSignatures Of(Profile p, NodeTagOptions o)
    {
        int numericKey = Array.IndexOf(p.Strings, o.NumericKey);
        int ignoredKey = Array.IndexOf(p.Strings, o.IgnoredLabel);
        var setIds = new Dictionary<string, int>(StringComparer.Ordinal) { [""] = 0 };
        var setNames = new List<string> { "" };
        var sigIds = new Dictionary<(int Set, long First, string? Others), int>();
        var oneValue = new Dictionary<long, int>();
        var ofSample = new int[p.SampleCount];
        var pairs = new List<string>();
        var values = new List<long>();
        var sigValues = new List<long[]>();
        var sigSet = new List<int>();
        for (int s = 0; s < p.SampleCount; s++)
        {
            pairs.Clear();
            values.Clear();
            foreach (var l in p.SampleLabels(s))
            {
                if (!l.IsNumeric)
                {
                    if (l.Key != ignoredKey) pairs.Add(p.Strings[l.Key] + ":" + p.Strings[l.Str]);
                }
                else if (l.Key == numericKey && numericKey > 0)
                {
                    values.Add(l.Num);
                }
            }
            int set = 0;
            if (pairs.Count > 0)
            {
                pairs.Sort(StringComparer.Ordinal);
                string joined = string.Join(@"\n", pairs);
                if (!setIds.TryGetValue(joined, out set))
                {
                    set = setNames.Count;
                    setIds.Add(joined, set);
                    setNames.Add(joined);
                }
            }
            if (set == 0 && values.Count == 0)
            {
                ofSample[s] = -1;
                continue;
            }
            int sig;
            if (set == 0 && values.Count == 1)
            {
                // The common case (Go's heap profiles: a size and nothing else), without making a key.
                if (!oneValue.TryGetValue(values[0], out sig))
                {
                    sig = sigValues.Count;
                    oneValue.Add(values[0], sig);
                    sigValues.Add([values[0]]);
                    sigSet.Add(0);
                }
                ofSample[s] = sig;
                continue;
            }
            var key = (set, values.Count > 0 ? values[0] : 0, values.Count == 1 ? null : string.Join(',', values));
            if (!sigIds.TryGetValue(key, out sig))
            {
                sig = sigValues.Count;
                sigIds.Add(key, sig);
                sigValues.Add([.. values]);
                sigSet.Add(set);
            }
            ofSample[s] = sig;
        }
        return new SampleSignatures(ofSample, [.. setNames], sigSet, sigValues);
    }
}
