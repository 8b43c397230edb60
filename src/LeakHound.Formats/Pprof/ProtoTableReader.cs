using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>The profile's tables and scalar fields, read and validated before any sample.</summary>
internal sealed record ProtoTables(
    ProfileValueType[] SampleTypes, string DefaultSampleType, ProfileValueType PeriodType, long Period,
    long TimeNanos, long DurationNanos, string DropFrames, string KeepFrames, string[] Comments,
    Mapping[] Mappings, Function[] Functions, Location[] Locations, Line[] Lines, LocationIndex LocationIndex);

/// <summary>Reads every top-level field of profile.proto except samples and strings (walk 2 of <see cref="ProtoProfileReader"/>).</summary>
internal sealed class TableReader(string[] strings, string source, Limits limits)
{
    private const int WireVarint = 0, WireBytes = 2;

    private GrowableArray<ProfileValueType> _sampleTypes = new(4);
    private GrowableArray<Mapping> _mappings = new(4);
    private GrowableArray<Function> _functions = new(256);
    private GrowableArray<Location> _locations = new(256);
    private GrowableArray<Line> _lines = new(256);
    private GrowableArray<ulong> _lineFunctionIds = new(256);
    private GrowableArray<ulong> _locationMappingIds = new(256);
    private GrowableArray<string> _comments = new(0);
    private string _defaultSampleType = "", _dropFrames = "", _keepFrames = "";
    private ProfileValueType _periodType = new("", "");
    private long _period, _timeNanos, _durationNanos;

    public void ReadTopLevel(ref ByteReader r, int field, int wire)
    {
        switch (field)
        {
            case 1 when wire == WireBytes:
                CheckCount(_sampleTypes.Count, limits.MaxSampleTypes, "sample types", ref r);
                _sampleTypes.Add(ReadValueType(SubMessage(ref r)));
                break;
            case 3 when wire == WireBytes:
                CheckCount(_mappings.Count, limits.MaxTableEntries, "mappings", ref r);
                _mappings.Add(ReadMapping(SubMessage(ref r)));
                break;
            case 4 when wire == WireBytes:
                CheckCount(_locations.Count, limits.MaxTableEntries, "locations", ref r);
                ReadLocation(SubMessage(ref r));
                break;
            case 5 when wire == WireBytes:
                CheckCount(_functions.Count, limits.MaxTableEntries, "functions", ref r);
                _functions.Add(ReadFunction(SubMessage(ref r)));
                break;
            case 7 when wire == WireVarint: _dropFrames = String(ref r, r.ReadVarint()); break;
            case 8 when wire == WireVarint: _keepFrames = String(ref r, r.ReadVarint()); break;
            case 9 when wire == WireVarint: _timeNanos = (long)r.ReadVarint(); break;
            case 10 when wire == WireVarint: _durationNanos = (long)r.ReadVarint(); break;
            case 11 when wire == WireBytes: _periodType = ReadValueType(SubMessage(ref r)); break;
            case 12 when wire == WireVarint: _period = (long)r.ReadVarint(); break;
            case 13 when wire == WireVarint: _comments.Add(String(ref r, r.ReadVarint())); break;
            case 13 when wire == WireBytes:
            {
                var inner = SubMessage(ref r);
                while (!inner.AtEnd) _comments.Add(String(ref inner, inner.ReadVarint()));
                break;
            }
            case 14 when wire == WireVarint: _defaultSampleType = String(ref r, r.ReadVarint()); break;
            default: ProtoProfileReader.SkipField(ref r, wire); break;
        }
    }

    public ProtoTables Finish()
    {
        var mappings = _mappings.ToArray();
        var functions = _functions.ToArray();
        var locations = _locations.ToArray();
        var lines = _lines.ToArray();

        var mappingIndex = BuildIndex(mappings.Select(m => m.Id).ToArray(), "mapping");
        var functionIndex = BuildIndex(functions.Select(f => f.Id).ToArray(), "function");
        var locationIds = new ulong[locations.Length];
        for (int i = 0; i < locations.Length; i++) locationIds[i] = locations[i].Id;
        var locationIndex = BuildIndex(locationIds, "location");

        for (int i = 0; i < locations.Length; i++)
        {
            // An unknown mapping id leaves the location without a mapping, as in pprof.
            ulong mid = _locationMappingIds[i];
            locations[i].Mapping = mid == 0 ? -1 : mappingIndex.Find(mid);
        }
        for (int i = 0; i < lines.Length; i++)
        {
            int f = functionIndex.Find(_lineFunctionIds[i]);
            if (_lineFunctionIds[i] == 0 || f < 0)
                throw new InputException(source, $"location has a line whose function id {_lineFunctionIds[i]} the profile does not define");
            lines[i] = lines[i] with { Function = f };
        }
        return new ProtoTables(_sampleTypes.ToArray(), _defaultSampleType, _periodType, _period, _timeNanos, _durationNanos,
            _dropFrames, _keepFrames, _comments.ToArray(), mappings, functions, locations, lines, locationIndex);
    }

    private LocationIndex BuildIndex(ulong[] ids, string what)
    {
        foreach (var id in ids)
            if (id == 0) throw new InputException(source, $"found {what} with reserved id 0");
        var index = LocationIndex.Build(ids, out var dup);
        if (dup is ulong d) throw new InputException(source, $"multiple {what}s with the same id {d}");
        return index;
    }

    private void CheckCount(int count, int max, string what, ref ByteReader r)
    {
        if (count >= max) throw r.Corrupt($"more than {max} {what}");
    }

    private static ByteReader SubMessage(ref ByteReader r)
    {
        int len = ProtoProfileReader.ReadLength(ref r, int.MaxValue, "message");
        return r.Sub(len);
    }

    private string String(ref ByteReader r, ulong index)
    {
        if (index >= (ulong)strings.Length)
            throw r.Corrupt($"string index {index} is past the end of the string table ({strings.Length} strings)");
        return strings[index];
    }

    private ProfileValueType ReadValueType(ByteReader r)
    {
        string type = "", unit = "";
        while (!r.AtEnd)
        {
            var (field, wire) = ProtoProfileReader.ReadTag(ref r);
            if (wire != WireVarint) { ProtoProfileReader.SkipField(ref r, wire); continue; }
            ulong v = r.ReadVarint();
            if (field == 1) type = String(ref r, v);
            else if (field == 2) unit = String(ref r, v);
        }
        return new ProfileValueType(type, unit);
    }

    private Mapping ReadMapping(ByteReader r)
    {
        var m = new Mapping(0, 0, 0, 0, "", "", false, false, false, false);
        while (!r.AtEnd)
        {
            var (field, wire) = ProtoProfileReader.ReadTag(ref r);
            if (wire != WireVarint) { ProtoProfileReader.SkipField(ref r, wire); continue; }
            ulong v = r.ReadVarint();
            switch (field)
            {
                case 1: m.Id = v; break;
                case 2: m.Start = v; break;
                case 3: m.Limit = v; break;
                case 4: m.Offset = v; break;
                case 5: m.File = String(ref r, v); break;
                case 6: m.BuildId = String(ref r, v); break;
                case 7: m.HasFunctions = v != 0; break;
                case 8: m.HasFilenames = v != 0; break;
                case 9: m.HasLineNumbers = v != 0; break;
                case 10: m.HasInlineFrames = v != 0; break;
            }
        }
        return m;
    }

    private Function ReadFunction(ByteReader r)
    {
        var f = new Function(0, "", "", "", 0);
        while (!r.AtEnd)
        {
            var (field, wire) = ProtoProfileReader.ReadTag(ref r);
            if (wire != WireVarint) { ProtoProfileReader.SkipField(ref r, wire); continue; }
            ulong v = r.ReadVarint();
            switch (field)
            {
                case 1: f.Id = v; break;
                case 2: f.Name = String(ref r, v); break;
                case 3: f.SystemName = String(ref r, v); break;
                case 4: f.Filename = String(ref r, v); break;
                case 5: f.StartLine = (long)v; break;
            }
        }
        return f;
    }

    private void ReadLocation(ByteReader r)
    {
        ulong id = 0, mappingId = 0, address = 0;
        bool folded = false;
        int firstLine = _lines.Count;
        while (!r.AtEnd)
        {
            var (field, wire) = ProtoProfileReader.ReadTag(ref r);
            if (field == 4 && wire == WireBytes)
            {
                int len = ProtoProfileReader.ReadLength(ref r, int.MaxValue, "line");
                var line = r.Sub(len);
                ulong fn = 0;
                long number = 0;
                while (!line.AtEnd)
                {
                    var (lf, lw) = ProtoProfileReader.ReadTag(ref line);
                    if (lw != WireVarint) { ProtoProfileReader.SkipField(ref line, lw); continue; }
                    ulong v = line.ReadVarint();
                    if (lf == 1) fn = v;
                    else if (lf == 2) number = (long)v;
                }
                if (_lines.Count - firstLine >= limits.MaxStackDepth) throw r.Corrupt($"location has more than {limits.MaxStackDepth} lines");
                _lines.Add(new Line(-1, number));
                _lineFunctionIds.Add(fn);
                continue;
            }
            if (wire != WireVarint) { ProtoProfileReader.SkipField(ref r, wire); continue; }
            ulong val = r.ReadVarint();
            switch (field)
            {
                case 1: id = val; break;
                case 2: mappingId = val; break;
                case 3: address = val; break;
                case 5: folded = val != 0; break;
            }
        }
        _locations.Add(new Location(id, -1, address, folded, firstLine, _lines.Count - firstLine));
        _locationMappingIds.Add(mappingId);
    }
}
