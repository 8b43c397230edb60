using System.Runtime.InteropServices;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Merge;

/// <summary>
/// Merges profiles into one, with pprof's semantics (profile.Merge, which pprof also applies to a
/// single profile): samples with equal stacks and labels are summed, samples whose values are all
/// zero dropped; locations, functions and mappings are deduplicated and renumbered in order of
/// first use, the main binary's mapping first. Samples are matched with a hash table over flat
/// arrays rather than pprof's per-sample string keys.
/// </summary>
public sealed class ProfileMerger
{
    private readonly Profile[] _sources;
    private readonly Dictionary<string, int> _stringIds = new(StringComparer.Ordinal) { [""] = 0 };
    private GrowableArray<string> _strings = new(64);
    private GrowableArray<Mapping> _mappings = new(4);
    private readonly Dictionary<(ulong Size, ulong Offset, string BuildIdOrFile), int> _mappingByKey = [];
    private GrowableArray<Function> _functions = new(256);
    private readonly Dictionary<(long StartLine, string Name, string SystemName, string File), int> _functionByKey = [];
    private GrowableArray<Location> _locations = new(256);
    private GrowableArray<Line> _lines = new(256);
    private readonly Dictionary<string, int> _locationByKey = new(StringComparer.Ordinal);
    private readonly SampleTable _samples;

    private ProfileMerger(Profile[] sources)
    {
        _sources = sources;
        _strings.Add("");
        _samples = new SampleTable(sources[0].ValueCount, sources.Sum(s => s.SampleCount));
    }

    public static Profile Merge(params Profile[] sources)
    {
        if (sources.Length == 0) throw new ArgumentException("no profiles to merge");
        CheckCompatible(sources);
        var merged = new ProfileMerger(sources).Run();
        // Samples that summed to zero are dropped by merging the result once more.
        for (int s = 0; s < merged.SampleCount; s++)
            if (IsZero(merged.SampleValues(s))) return new ProfileMerger([merged]).Run();
        return merged;
    }

    private static void CheckCompatible(Profile[] sources)
    {
        var first = sources[0];
        foreach (var p in sources.Skip(1))
        {
            if (p.PeriodType != first.PeriodType)
                throw new UsageException($"incompatible period types {Show(first.PeriodType)} and {Show(p.PeriodType)}");
            if (!p.SampleTypes.SequenceEqual(first.SampleTypes))
                throw new UsageException($"incompatible sample types [{string.Join(" ", first.SampleTypes.Select(Show))}] and [{string.Join(" ", p.SampleTypes.Select(Show))}]");
        }
        static string Show(ProfileValueType t) => t.Type + "/" + t.Unit;
    }

    private static bool IsZero(ReadOnlySpan<long> values)
    {
        foreach (long v in values) if (v != 0) return false;
        return true;
    }

    private Profile Run()
    {
        long timeNanos = 0, durationNanos = 0, period = 0;
        var comments = new List<string>();
        string defaultSampleType = "";
        foreach (var s in _sources)
        {
            if (timeNanos == 0 || s.TimeNanos < timeNanos) timeNanos = s.TimeNanos;
            durationNanos += s.DurationNanos;
            if (period == 0 || period < s.Period) period = s.Period;
            foreach (var c in s.Comments) if (!comments.Contains(c)) comments.Add(c);
            if (defaultSampleType.Length == 0) defaultSampleType = s.DefaultSampleType;
        }

        var stackBuffer = new GrowableArray<int>(64);
        var labelBuffer = new GrowableArray<Label>(8);
        foreach (var src in _sources)
        {
            var locationMap = new int[src.Locations.Length];
            Array.Fill(locationMap, -1);
            var functionMap = new int[src.Functions.Length];
            Array.Fill(functionMap, -1);
            var mappingMap = new (int Index, long Offset)[src.Mappings.Length];
            Array.Fill(mappingMap, (-1, 0));
            var stringMap = new int[src.Strings.Length];
            Array.Fill(stringMap, -1);

            if (_mappings.Count == 0 && src.Mappings.Length > 0) MapMapping(src, 0, mappingMap);

            for (int s = 0; s < src.SampleCount; s++)
            {
                var values = src.SampleValues(s);
                if (IsZero(values)) continue;
                stackBuffer = new GrowableArray<int>(16);
                foreach (int l in src.SampleStack(s)) stackBuffer.Add(MapLocation(src, l, locationMap, functionMap, mappingMap));
                labelBuffer = new GrowableArray<Label>(4);
                foreach (var l in src.SampleLabels(s))
                    labelBuffer.Add(new Label(MapString(src, l.Key, stringMap), MapString(src, l.Str, stringMap), l.Num, MapString(src, l.NumUnit, stringMap)));
                _samples.AddOrSum(values, stackBuffer.AsSpan(), labelBuffer.AsSpan());
            }
        }

        var first = _sources[0];
        return new Profile
        {
            SampleTypes = first.SampleTypes,
            DefaultSampleType = defaultSampleType,
            PeriodType = first.PeriodType,
            Period = period,
            TimeNanos = timeNanos,
            DurationNanos = durationNanos,
            DropFrames = first.DropFrames,
            KeepFrames = first.KeepFrames,
            Comments = [.. comments],
            Metadata = first.Metadata,
            Mappings = _mappings.ToArray(),
            Functions = _functions.ToArray(),
            Locations = _locations.ToArray(),
            Lines = _lines.ToArray(),
            Strings = _strings.ToArray(),
            SampleCount = _samples.Count,
            Values = _samples.Values,
            StackStart = _samples.StackStart,
            Stack = _samples.Stack,
            LabelStart = _samples.LabelStart,
            Labels = _samples.Labels,
        };
    }

    private int MapString(Profile src, int id, int[] map)
    {
        if (map[id] >= 0) return map[id];
        string s = src.Strings[id];
        if (!_stringIds.TryGetValue(s, out int dst))
        {
            dst = _strings.Count;
            _strings.Add(s);
            _stringIds.Add(s, dst);
        }
        return map[id] = dst;
    }

    private (int Index, long Offset) MapMapping(Profile src, int m, (int Index, long Offset)[] map)
    {
        if (m < 0) return (-1, 0);
        if (map[m].Index >= 0) return map[m];
        var sm = src.Mappings[m];
        ulong size = sm.Limit - sm.Start;
        size += 0x1000 - 1;
        size -= size % 0x1000;
        var key = (size, sm.Offset, sm.BuildId.Length != 0 ? sm.BuildId : sm.File);
        if (_mappingByKey.TryGetValue(key, out int existing))
            return map[m] = (existing, (long)_mappings[existing].Start - (long)sm.Start);
        _mappings.Add(sm with { Id = (ulong)_mappings.Count + 1 });
        _mappingByKey[key] = _mappings.Count - 1;
        return map[m] = (_mappings.Count - 1, 0);
    }

    private int MapFunction(Profile src, int f, int[] map)
    {
        if (map[f] >= 0) return map[f];
        var sf = src.Functions[f];
        var key = (sf.StartLine, sf.Name, sf.SystemName, sf.Filename);
        if (!_functionByKey.TryGetValue(key, out int dst))
        {
            dst = _functions.Count;
            _functions.Add(sf with { Id = (ulong)dst + 1 });
            _functionByKey[key] = dst;
        }
        return map[f] = dst;
    }

    private int MapLocation(Profile src, int l, int[] locationMap, int[] functionMap, (int Index, long Offset)[] mappingMap)
    {
        if (locationMap[l] >= 0) return locationMap[l];
        ref readonly var sl = ref src.Locations[l];
        var (mapping, offset) = MapMapping(src, sl.Mapping, mappingMap);
        ulong address = (ulong)((long)sl.Address + offset);
        var lines = src.LocationLines(l);
        var key = new System.Text.StringBuilder(32 + lines.Length * 12);
        key.Append(mapping >= 0 ? address - _mappings[mapping].Start : address).Append('/')
           .Append(mapping >= 0 ? _mappings[mapping].Id : 0).Append('/').Append(sl.IsFolded ? 'F' : '-');
        int firstLine = _lines.Count;
        foreach (var line in lines)
        {
            int fn = MapFunction(src, line.Function, functionMap);
            key.Append('|').Append(fn).Append(':').Append(line.Number);
        }
        string k = key.ToString();
        if (_locationByKey.TryGetValue(k, out int existing)) return locationMap[l] = existing;
        foreach (var line in lines) _lines.Add(new Line(functionMap[line.Function], line.Number));
        int dst = _locations.Count;
        _locations.Add(new Location((ulong)dst + 1, mapping, address, sl.IsFolded, firstLine, lines.Length));
        _locationByKey[k] = dst;
        return locationMap[l] = dst;
    }

    /// <summary>Merged samples in flat arrays, found by a hash of stack and labels.</summary>
    private sealed class SampleTable(int valueCount, int expected)
    {
        private GrowableArray<long> _values = new(Math.Max(16, expected) * Math.Max(1, valueCount));
        private GrowableArray<int> _stackStart = Start(expected);
        private GrowableArray<int> _stack = new(Math.Max(16, expected * 8));
        private GrowableArray<int> _labelStart = Start(expected);
        private GrowableArray<Label> _labels = new(16);
        private readonly Dictionary<ulong, int> _first = new(expected);
        private GrowableArray<int> _nextSameHash = new(Math.Max(16, expected));
        private GrowableArray<ulong> _hash = new(Math.Max(16, expected));

        public int Count => _stackStart.Count - 1;
        public long[] Values => _values.ToArray();
        public int[] StackStart => _stackStart.ToArray();
        public int[] Stack => _stack.ToArray();
        public int[] LabelStart => _labelStart.ToArray();
        public Label[] Labels => _labels.ToArray();

        private static GrowableArray<int> Start(int expected)
        {
            var a = new GrowableArray<int>(Math.Max(16, expected + 1));
            a.Add(0);
            return a;
        }

        public void AddOrSum(ReadOnlySpan<long> values, ReadOnlySpan<int> stack, Span<Label> labels)
        {
            if (labels.Length > 1) Canonicalize(labels);
            ulong h = Hash(stack, labels);
            if (_first.TryGetValue(h, out int s))
            {
                for (; s >= 0; s = _nextSameHash[s])
                {
                    if (!Equal(s, stack, labels)) continue;
                    var dst = _values.AsSpan().Slice(s * valueCount, valueCount);
                    for (int i = 0; i < valueCount; i++) dst[i] += values[i];
                    return;
                }
            }
            int id = Count;
            _values.AddRange(values);
            _stack.AddRange(stack);
            _stackStart.Add(_stack.Count);
            _labels.AddRange(labels);
            _labelStart.Add(_labels.Count);
            _hash.Add(h);
            _nextSameHash.Add(_first.TryGetValue(h, out int head) ? head : -1);
            _first[h] = id;
        }

        /// <summary>
        /// Orders labels so that equal label sets compare equal: pprof keys samples by label key,
        /// keeping the order of values under one key; string labels before numeric ones.
        /// </summary>
        private static void Canonicalize(Span<Label> labels)
        {
            var keyed = new (bool Numeric, int Key, int Index, Label Label)[labels.Length];
            for (int i = 0; i < labels.Length; i++) keyed[i] = (labels[i].IsNumeric, labels[i].Key, i, labels[i]);
            Array.Sort(keyed, (a, b) =>
            {
                int c = a.Numeric.CompareTo(b.Numeric);
                if (c != 0) return c;
                c = a.Key.CompareTo(b.Key);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            for (int i = 0; i < labels.Length; i++) labels[i] = keyed[i].Label;
        }

        private static ulong Hash(ReadOnlySpan<int> stack, ReadOnlySpan<Label> labels)
        {
            var h = new HashCode();
            h.AddBytes(MemoryMarshal.AsBytes(stack));
            h.Add(stack.Length);
            foreach (var l in labels) h.Add(l);
            ulong lo = (uint)h.ToHashCode();
            return (lo << 32) ^ (ulong)(uint)stack.Length ^ ((ulong)(uint)labels.Length << 20);
        }

        private bool Equal(int s, ReadOnlySpan<int> stack, ReadOnlySpan<Label> labels)
        {
            var st = _stack.AsSpan()[_stackStart[s].._stackStart[s + 1]];
            if (!st.SequenceEqual(stack)) return false;
            var ls = _labels.AsSpan()[_labelStart[s].._labelStart[s + 1]];
            return ls.SequenceEqual(labels);
        }
    }
}
