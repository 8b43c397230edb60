using LeakHound.Core;
using LeakHound.Formats.Input;
using LeakHound.Formats.Pprof;

namespace LeakHound.Hunt.Metrics;

/// <summary>
/// The total of each sample value column of a profile ("inuse_space" → bytes in use, "goroutine" →
/// goroutines), read straight off the profile.proto wire format: only sample types, sample values
/// and the string table are decoded, so a 1 MB heap profile costs a few milliseconds where building
/// the whole model would cost tens. Used during a hunt when the service serves no metrics.
/// </summary>
public static class ProfileTotals
{
    /// <summary>Column type name → sum over samples. Not profile.proto (a legacy text profile) is read in full.</summary>
    public static IReadOnlyDictionary<string, double> Sum(byte[] data, string source, Limits limits)
    {
        if (InputBytes.IsGzip(data)) data = InputBytes.Gunzip(data, source, limits);
        if (!ProtoProfileReader.LooksLikeProto(data)) return SumModel(ProfileReader.Read(data, source, new ProfileReadOptions { Limits = limits }));

        var typeIndex = new List<long>();   // sample_type[i].type, an index into the string table
        var sums = new List<double>();
        var strings = new List<(int Start, int Length)>();
        var r = new ByteReader(data, source);
        while (!r.AtEnd)
        {
            ulong key = r.ReadVarint();
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (wire != 2 || field is not (1 or 2 or 6))
            {
                SkipField(ref r, wire);
                continue;
            }
            int length = Length(ref r);
            if (field == 6)
            {
                if (strings.Count >= limits.MaxTableEntries) throw r.Corrupt($"more than {limits.MaxTableEntries} strings");
                strings.Add((r.Position, length));
                r.Skip(length);
                continue;
            }
            var m = r.Sub(length);
            if (field == 1)
            {
                if (typeIndex.Count >= limits.MaxSampleTypes) throw m.Corrupt($"more than {limits.MaxSampleTypes} sample types");
                typeIndex.Add(ReadValueTypeName(ref m));
                sums.Add(0);
            }
            else
            {
                AddSample(ref m, sums);
            }
        }

        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < typeIndex.Count; i++)
        {
            long s = typeIndex[i];
            if (s < 0 || s >= strings.Count) throw InputException.AtOffset(source, 0, $"sample type {i} names string {s}, beyond the string table");
            var (start, len) = strings[(int)s];
            totals[System.Text.Encoding.UTF8.GetString(data, start, len)] = sums[i];
        }
        return totals;
    }

    private static long ReadValueTypeName(ref ByteReader m)
    {
        long type = 0;
        while (!m.AtEnd)
        {
            ulong key = m.ReadVarint();
            if (key == (1 << 3)) type = (long)m.ReadVarint();
            else SkipField(ref m, (int)(key & 7));
        }
        return type;
    }

    private static void AddSample(ref ByteReader m, List<double> sums)
    {
        int column = 0;
        while (!m.AtEnd)
        {
            ulong key = m.ReadVarint();
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (field != 2)
            {
                SkipField(ref m, wire);
                continue;
            }
            if (wire == 0)
            {
                Add(sums, column++, (long)m.ReadVarint());
            }
            else if (wire == 2)
            {
                var packed = m.Sub(Length(ref m));
                while (!packed.AtEnd) Add(sums, column++, (long)packed.ReadVarint());
            }
            else
            {
                throw m.Corrupt($"sample value with wire type {wire}");
            }
        }
    }

    private static void Add(List<double> sums, int column, long value)
    {
        // Values beyond the declared sample types are ignored, as pprof ignores them.
        if (column < sums.Count) sums[column] += value;
    }

    private static int Length(ref ByteReader r)
    {
        ulong n = r.ReadVarint();
        if (n > (ulong)r.Remaining) throw r.Fail($"{n} bytes, found {r.Remaining}");
        return (int)n;
    }

    private static void SkipField(ref ByteReader r, int wire)
    {
        switch (wire)
        {
            case 0: r.ReadVarint(); break;
            case 1: r.Skip(8); break;
            case 2: r.Skip(Length(ref r)); break;
            case 5: r.Skip(4); break;
            default: throw r.Corrupt($"unknown wire type {wire}");
        }
    }

    private static Dictionary<string, double> SumModel(Profile p)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int c = 0; c < p.ValueCount; c++)
        {
            double sum = 0;
            for (int s = 0; s < p.SampleCount; s++) sum += p.Values[s * p.ValueCount + c];
            totals[p.SampleTypes[c].Type] = sum;
        }
        return totals;
    }
}
