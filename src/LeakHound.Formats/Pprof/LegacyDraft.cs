using System.Runtime.InteropServices;
using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// A legacy profile being read: samples whose stacks point at locations made one per distinct
/// (adjusted) address in order of first appearance, then finished the way pprof's
/// <c>ParseMemoryMapFromScanner</c> finishes it (mappings merged and ordered, locations renumbered by
/// first use in samples, each location given a mapping, a catch-all one if need be).
/// </summary>
internal sealed class LegacyDraft
{
    private readonly LegacyContext _ctx;
    private readonly ProfileBuilder _builder;

    // Locations, by draft index.
    private List<ulong> _address = [];
    private readonly Dictionary<ulong, int> _byAddress = [];
    private List<int> _lineStart = [];   // into _lines, -1 while the location has no symbol lines
    private List<int> _lineCount = [];
    private int[] _locMapping = [];

    // Symbol lines (functions by draft index, renumbered when built).
    private readonly List<(int Function, long Line)> _lines = [];
    private readonly Dictionary<(string Name, string File), int> _functionIndex = [];
    private readonly List<(string Name, string File)> _functions = [];

    // Samples, column-wise; a stack is _stack[_stackStart[i] .. + _stackLen[i]].
    private readonly List<long> _values = [];
    private readonly List<int> _stackStart = [];
    private readonly List<int> _stackLen = [];
    private readonly List<int> _stack = [];
    private readonly List<int> _labelStart = [0];
    private readonly List<Label> _labels = [];

    private int _line;
    private long _offset = -1;

    public LegacyDraft(LegacyContext ctx, ProfileValueType[] sampleTypes, ProfileValueType periodType, long period)
    {
        _ctx = ctx;
        _builder = new ProfileBuilder(sampleTypes) { PeriodType = periodType, Period = period };
    }

    public LegacyContext Context => _ctx;
    public ProfileValueType[] SampleTypes => _builder.SampleTypes;
    public long Period { get => _builder.Period; set => _builder.Period = value; }
    public long DurationNanos { get => _builder.DurationNanos; set => _builder.DurationNanos = value; }
    public List<KeyValuePair<string, string>> Metadata => _builder.Metadata;
    public List<LegacyMapping> Mappings { get; } = [];
    public int SampleCount => _stackStart.Count;

    /// <summary>Where errors raised by the draft (limits) point: a line of text…</summary>
    public void AtLine(int line) { _line = line; _offset = -1; }

    /// <summary>…or an offset in binary data.</summary>
    public void AtOffset(long offset) => _offset = offset;

    public InputException Fail(string problem) =>
        _offset >= 0 ? InputException.AtOffset(_ctx.Source, _offset, problem) : InputException.AtLine(_ctx.Source, Math.Max(_line, 1), problem);

    public int Intern(string s)
    {
        int id = _builder.Intern(s);
        if (id >= _ctx.Limits.MaxTableEntries)
            throw Fail($"more than {_ctx.Limits.MaxTableEntries} strings");
        return id;
    }

    public void CheckStackDepth(long depth)
    {
        if (depth > _ctx.Limits.MaxStackDepth)
            throw Fail($"stack of {depth} frames is over the limit of {_ctx.Limits.MaxStackDepth}");
    }

    /// <summary>The location for this (already adjusted) address, made on first sight.</summary>
    public int LocationFor(ulong address)
    {
        if (_byAddress.TryGetValue(address, out int i)) return i;
        if (_address.Count >= _ctx.Limits.MaxTableEntries)
            throw Fail($"more than {_ctx.Limits.MaxTableEntries} locations");
        i = _address.Count;
        _address.Add(address);
        _lineStart.Add(-1);
        _lineCount.Add(0);
        _byAddress.Add(address, i);
        return i;
    }

    public ulong AddressOf(int location) => _address[location];

    private readonly List<ulong> _scratchAddresses = [];
    private readonly List<int> _scratchLocations = [];

    /// <summary>
    /// Adds a sample whose stack is the hex addresses in <paramref name="line"/>[from..to], each a
    /// return address (pprof steps back one byte onto the call, the leaf included), and tells
    /// <paramref name="symbols"/> that the symbol lines that follow are this sample's. False, with
    /// the offending text, when an address does not fit in 64 bits.
    /// </summary>
    public bool TryAddReturnAddressSample(string line, int from, int to, ReadOnlySpan<long> values, ReadOnlySpan<Label> labels, LegacySymbols symbols, out string bad)
    {
        _scratchAddresses.Clear();
        if (!LegacyGoText.TryParseHexAddresses(line, from, to, _scratchAddresses, out bad)) return false;
        CheckStackDepth(_scratchAddresses.Count);
        _scratchLocations.Clear();
        foreach (ulong a in _scratchAddresses) _scratchLocations.Add(LocationFor(unchecked(a - 1)));
        var locations = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scratchLocations);
        AddSample(values, locations, labels);
        symbols.BeginSample(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scratchAddresses), locations);
        return true;
    }

    public void AddSample(ReadOnlySpan<long> values, ReadOnlySpan<int> locations, ReadOnlySpan<Label> labels = default)
    {
        if (_stackStart.Count >= _ctx.Limits.MaxSamples)
            throw Fail($"more than {_ctx.Limits.MaxSamples} samples");
        foreach (long v in values) _values.Add(v);
        _stackStart.Add(_stack.Count);
        _stackLen.Add(locations.Length);
        foreach (int l in locations) _stack.Add(l);
        foreach (var l in labels) _labels.Add(l);
        _labelStart.Add(_labels.Count);
    }

    /// <summary>Adds labels to the last sample.</summary>
    public void AddLabelsToLast(ReadOnlySpan<Label> labels)
    {
        foreach (var l in labels) _labels.Add(l);
        _labelStart[^1] = _labels.Count;
    }

    public long ValueOf(int sample, int index) => _values[sample * SampleTypes.Length + index];

    public void SetValue(int sample, int index, long value) => _values[sample * SampleTypes.Length + index] = value;

    public int StackLength(int sample) => _stackLen[sample];

    public int StackAt(int sample, int index) => _stack[_stackStart[sample] + index];

    /// <summary>Removes frame <paramref name="index"/> from a sample's stack.</summary>
    public void RemoveFrame(int sample, int index)
    {
        int start = _stackStart[sample], len = _stackLen[sample];
        for (int i = start + index; i < start + len - 1; i++) _stack[i] = _stack[i + 1];
        _stackLen[sample] = len - 1;
    }

    /// <summary>Whether the location already has symbol lines.</summary>
    public bool HasLines(int location) => _lineStart[location] >= 0;

    /// <summary>Gives a location its symbol lines (innermost first) unless it has some already.</summary>
    public void SetLines(int location, ReadOnlySpan<LegacySymbolLine> lines)
    {
        if (HasLines(location) || lines.IsEmpty) return;
        _lineStart[location] = _lines.Count;
        _lineCount[location] = lines.Length;
        foreach (var l in lines)
        {
            var key = (l.Name, l.File);
            if (!_functionIndex.TryGetValue(key, out int f))
            {
                if (_functions.Count >= _ctx.Limits.MaxTableEntries)
                    throw Fail($"more than {_ctx.Limits.MaxTableEntries} functions");
                f = _functions.Count;
                _functions.Add(key);
                _functionIndex.Add(key, f);
            }
            _lines.Add((f, l.Line));
        }
    }

    /// <summary>
    /// pprof's <c>cleanupDuplicateLocations</c>: when a stack's second frame is its leaf address
    /// decremented by one (the leaf recorded twice, once adjusted), that second frame goes.
    /// </summary>
    public void CleanupDuplicateLocations()
    {
        for (int s = 0; s < SampleCount; s++)
        {
            if (_stackLen[s] > 1 && _address[StackAt(s, 0)] == unchecked(_address[StackAt(s, 1)] + 1))
                RemoveFrame(s, 1);
        }
    }

    /// <summary>
    /// The end of every legacy parser: reads the memory map from <paramref name="scanner"/>'s next
    /// line on, then renumbers locations by first use and gives each a mapping.
    /// </summary>
    public void FinishWithMemoryMap(ref LegacyLineScanner scanner)
    {
        LegacyMemoryMap.Parse(ref scanner, this);
        LegacyMemoryMap.Massage(Mappings);
        RemapLocations();
        _locMapping = LegacyMemoryMap.AssignLocations(Mappings, _address);
    }

    /// <summary>pprof's <c>remapLocationIDs</c>: keep the locations samples use, in order of first use.</summary>
    private void RemapLocations()
    {
        var newIndex = new int[_address.Count];
        Array.Fill(newIndex, -1);
        var order = new List<int>(_address.Count);
        for (int s = 0; s < SampleCount; s++)
        {
            int start = _stackStart[s];
            for (int k = 0; k < _stackLen[s]; k++)
            {
                int old = _stack[start + k];
                if (newIndex[old] < 0)
                {
                    newIndex[old] = order.Count;
                    order.Add(old);
                }
                _stack[start + k] = newIndex[old];
            }
        }
        var address = new List<ulong>(order.Count);
        var lineStart = new List<int>(order.Count);
        var lineCount = new List<int>(order.Count);
        foreach (int old in order)
        {
            address.Add(_address[old]);
            lineStart.Add(_lineStart[old]);
            lineCount.Add(_lineCount[old]);
        }
        _address = address;
        _lineStart = lineStart;
        _lineCount = lineCount;
        _byAddress.Clear();
    }

    /// <summary>The finished profile, with pprof's <c>addLegacyFrameInfo</c> applied.</summary>
    public Profile Build()
    {
        var b = _builder;
        (b.DropFrames, b.KeepFrames) = LegacyFrameRules.For(SampleTypes);

        // Functions in order of first appearance over the locations, as remapFunctionIDs numbers them.
        var functionOrder = new int[_functions.Count];
        Array.Fill(functionOrder, -1);
        int nextFunction = 0;
        for (int loc = 0; loc < _address.Count; loc++)
        {
            if (_lineStart[loc] < 0) continue;
            for (int k = 0; k < _lineCount[loc]; k++)
            {
                int f = _lines[_lineStart[loc] + k].Function;
                if (functionOrder[f] >= 0) continue;
                functionOrder[f] = nextFunction++;
                var (name, file) = _functions[f];
                b.AddFunction(new Function((ulong)nextFunction, name, name, file, 0));
            }
        }

        // A mapping is marked symbolized when every location in it got symbol lines.
        var symbolized = new bool[Mappings.Count];
        if (_functions.Count > 0)
        {
            Array.Fill(symbolized, true);
            var used = new bool[Mappings.Count];
            for (int loc = 0; loc < _address.Count; loc++)
            {
                int m = _locMapping[loc];
                if (m < 0) continue;
                used[m] = true;
                if (_lineStart[loc] < 0) symbolized[m] = false;
            }
            for (int m = 0; m < used.Length; m++) symbolized[m] &= used[m];
        }
        for (int m = 0; m < Mappings.Count; m++)
        {
            var d = Mappings[m];
            bool sym = symbolized[m];
            b.AddMapping(new Mapping((ulong)(m + 1), d.Start, d.Limit, d.Offset,
                LegacyGoText.Utf8(d.File), LegacyGoText.Utf8(d.BuildId), sym, sym, sym, sym));
        }

        var lines = new List<Line>();
        for (int loc = 0; loc < _address.Count; loc++)
        {
            lines.Clear();
            if (_lineStart[loc] >= 0)
            {
                for (int k = 0; k < _lineCount[loc]; k++)
                {
                    var (f, n) = _lines[_lineStart[loc] + k];
                    lines.Add(new Line(functionOrder[f], n));
                }
            }
            b.AddLocation((ulong)(loc + 1), _locMapping[loc], _address[loc], false,
                CollectionsMarshal.AsSpan(lines));
        }

        int nv = SampleTypes.Length;
        var values = CollectionsMarshal.AsSpan(_values);
        var stack = CollectionsMarshal.AsSpan(_stack);
        var labels = CollectionsMarshal.AsSpan(_labels);
        for (int s = 0; s < SampleCount; s++)
        {
            b.AddSample(values.Slice(s * nv, nv), stack.Slice(_stackStart[s], _stackLen[s]),
                labels[_labelStart[s].._labelStart[s + 1]]);
        }
        return b.Build();
    }
}
