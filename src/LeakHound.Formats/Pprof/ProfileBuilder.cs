using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Assembles a <see cref="Profile"/> row by row: the legacy text readers, merges and filters use it.
/// Ids of mappings, functions and locations are kept as given; strings are interned.
/// </summary>
public sealed class ProfileBuilder
{
    private readonly Dictionary<string, int> _stringIds = new(StringComparer.Ordinal) { [""] = 0 };
    private GrowableArray<string> _strings = new(16);
    private GrowableArray<Mapping> _mappings = new(4);
    private GrowableArray<Function> _functions = new(64);
    private GrowableArray<Location> _locations = new(64);
    private GrowableArray<Line> _lines = new(64);
    private GrowableArray<long> _values = new(64);
    private GrowableArray<int> _stackStart = new(16);
    private GrowableArray<int> _stack = new(64);
    private GrowableArray<int> _labelStart = new(16);
    private GrowableArray<Label> _labels = new(0);
    private readonly Dictionary<ulong, int> _locationById = [];
    private readonly Dictionary<ulong, int> _functionById = [];

    public ProfileBuilder(ProfileValueType[] sampleTypes)
    {
        SampleTypes = sampleTypes;
        _strings.Add("");
        _stackStart.Add(0);
        _labelStart.Add(0);
    }

    public ProfileValueType[] SampleTypes { get; }
    public string DefaultSampleType { get; set; } = "";
    public ProfileValueType PeriodType { get; set; } = new("", "");
    public long Period { get; set; }
    public long TimeNanos { get; set; }
    public long DurationNanos { get; set; }
    public string DropFrames { get; set; } = "";
    public string KeepFrames { get; set; } = "";
    public List<string> Comments { get; } = [];
    public List<KeyValuePair<string, string>> Metadata { get; } = [];

    public int SampleCount => _stackStart.Count - 1;
    public int LocationCount => _locations.Count;
    public int FunctionCount => _functions.Count;
    public int MappingCount => _mappings.Count;

    public int Intern(string s)
    {
        if (_stringIds.TryGetValue(s, out int id)) return id;
        id = _strings.Count;
        _strings.Add(s);
        _stringIds.Add(s, id);
        return id;
    }

    public int AddMapping(Mapping m)
    {
        _mappings.Add(m);
        return _mappings.Count - 1;
    }

    public ref Mapping MappingAt(int index) => ref _mappings[index];

    public ref Location LocationAt(int index) => ref _locations[index];

    public ref Function FunctionAt(int index) => ref _functions[index];

    public int AddFunction(Function f)
    {
        _functions.Add(f);
        _functionById[f.Id] = _functions.Count - 1;
        return _functions.Count - 1;
    }

    /// <summary>The index of the function with this id, or -1.</summary>
    public int FunctionById(ulong id) => _functionById.TryGetValue(id, out int i) ? i : -1;

    /// <summary>The index of the location with this id, or -1.</summary>
    public int LocationById(ulong id) => _locationById.TryGetValue(id, out int i) ? i : -1;

    public int AddLocation(ulong id, int mapping, ulong address, bool isFolded, ReadOnlySpan<Line> lines)
    {
        int first = _lines.Count;
        _lines.AddRange(lines);
        _locations.Add(new Location(id, mapping, address, isFolded, first, lines.Length));
        _locationById[id] = _locations.Count - 1;
        return _locations.Count - 1;
    }

    /// <summary>Adds a sample; <paramref name="stack"/> holds location indices, leaf first.</summary>
    public void AddSample(ReadOnlySpan<long> values, ReadOnlySpan<int> stack, ReadOnlySpan<Label> labels = default)
    {
        if (values.Length != SampleTypes.Length)
            throw new InvalidOperationException($"sample has {values.Length} values for {SampleTypes.Length} types");
        _values.AddRange(values);
        _stack.AddRange(stack);
        _stackStart.Add(_stack.Count);
        if (!labels.IsEmpty) _labels.AddRange(labels);
        _labelStart.Add(_labels.Count);
    }

    public Profile Build() => new()
    {
        SampleTypes = SampleTypes,
        DefaultSampleType = DefaultSampleType,
        PeriodType = PeriodType,
        Period = Period,
        TimeNanos = TimeNanos,
        DurationNanos = DurationNanos,
        DropFrames = DropFrames,
        KeepFrames = KeepFrames,
        Comments = [.. Comments],
        Metadata = Metadata,
        Mappings = _mappings.ToArray(),
        Functions = _functions.ToArray(),
        Locations = _locations.ToArray(),
        Lines = _lines.ToArray(),
        Strings = _strings.ToArray(),
        SampleCount = SampleCount,
        Values = _values.ToArray(),
        StackStart = _stackStart.ToArray(),
        Stack = _stack.ToArray(),
        LabelStart = _labelStart.ToArray(),
        Labels = _labels.ToArray(),
    };
}
