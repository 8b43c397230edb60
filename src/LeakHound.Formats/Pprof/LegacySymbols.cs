namespace LeakHound.Formats.Pprof;

/// <summary>One frame from a <c>#\t0xPC\tfunc+0xOFF\tfile:line</c> comment (byte text made UTF-8).</summary>
internal readonly record struct LegacySymbolLine(ulong Pc, string Name, string File, long Line)
{
    /// <summary>A bare <c>#\t0xPC</c>: the runtime knew no function for this PC.</summary>
    public bool IsUnknown => Name.Length == 0;
}

/// <summary>
/// What Go's <c>?debug=1</c> text profiles say beyond what pprof reads, all in comment lines:
/// the frames each stack stands for (printed by runtime/pprof's <c>printStackRecord</c> after each
/// sample line), goroutine labels (<c># labels: {"k":"v", …}</c>) and the heap profile's
/// <c># runtime.MemStats</c> trailer. The symbol lines of a sample are collected until the next
/// sample starts, then matched against the sample's addresses as written in the file.
/// </summary>
internal sealed class LegacySymbols
{
    private readonly LegacyDraft _draft;
    private readonly bool _keep;
    private readonly List<LegacySymbolLine> _pending = [];
    private readonly List<ulong> _addresses = [];
    private readonly List<int> _locations = [];
    private readonly List<LegacySymbolLine> _group = [];
    private bool _inMemStats;

    public LegacySymbols(LegacyDraft draft)
    {
        _draft = draft;
        _keep = draft.Context.KeepSymbols;
    }

    /// <summary>
    /// Starts a new sample: the symbol lines gathered so far go to the previous one. The addresses
    /// are those written in the file (before pprof's adjustment), with the locations pprof made for them.
    /// </summary>
    public void BeginSample(ReadOnlySpan<ulong> fileAddresses, ReadOnlySpan<int> locations)
    {
        Flush();
        if (!_keep) return;
        _addresses.Clear();
        _locations.Clear();
        foreach (var a in fileAddresses) _addresses.Add(a);
        foreach (var l in locations) _locations.Add(l);
    }

    /// <summary>
    /// Looks at a comment line (trimmed, starting with '#'): symbol lines and labels are kept for the
    /// current sample, MemStats lines go to the metadata. Anything else is ignored, as pprof ignores it.
    /// </summary>
    public void Comment(string line, bool labelsAllowed)
    {
        if (line.Length > 1 && line[1] == '\t')
        {
            if (_keep && _addresses.Count > 0 && TryParseSymbolLine(line, out var sym)) _pending.Add(sym);
            return;
        }
        if (labelsAllowed && line.StartsWith("# labels: ", StringComparison.Ordinal))
        {
            if (_keep && _draft.SampleCount > 0) AddLabels(line);
            return;
        }
        if (line == "# runtime.MemStats")
        {
            _inMemStats = true;
            return;
        }
        if (_inMemStats && line.StartsWith("# ", StringComparison.Ordinal))
        {
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq > 2)
            {
                _draft.Metadata.Add(new(LegacyGoText.Utf8(line[2..eq]), LegacyGoText.Utf8(line[(eq + 3)..])));
            }
        }
    }

    /// <summary>Ends the last sample.</summary>
    public void Flush()
    {
        if (_pending.Count > 0) Attach();
        _pending.Clear();
        _addresses.Clear();
        _locations.Clear();
    }

    /// <summary>
    /// Gives the sample's locations the frames printed for them. A frame's PC is the address in
    /// the stack, or one less (CallersFrames backs return addresses up onto the call). Frames are in
    /// stack order, but leading runtime frames and PCs the runtime could not resolve print nothing,
    /// so a frame is matched to the next address it fits; further frames with the same PC and a new
    /// function are inlined callers of the same address.
    /// </summary>
    private void Attach()
    {
        int current = -1;
        ulong lastPc = 0;
        _group.Clear();
        foreach (var sym in _pending)
        {
            bool sameAddress = current >= 0 && sym.Pc == lastPc && !sym.IsUnknown
                && _group.Count > 0 && !GroupHasFunction(sym.Name);
            if (!sameAddress)
            {
                int next = -1;
                for (int j = current + 1; j < _addresses.Count; j++)
                {
                    if (Fits(_addresses[j], sym.Pc))
                    {
                        next = j;
                        break;
                    }
                }
                if (next < 0) continue;
                EndGroup(current);
                current = next;
                lastPc = sym.Pc;
                if (sym.IsUnknown) continue;
            }
            _group.Add(sym);
        }
        EndGroup(current);
    }

    private static bool Fits(ulong address, ulong pc) => pc == address || pc == unchecked(address - 1);

    private bool GroupHasFunction(string name)
    {
        foreach (var g in _group)
        {
            if (g.Name == name) return true;
        }
        return false;
    }

    private void EndGroup(int index)
    {
        if (index >= 0 && _group.Count > 0)
            _draft.SetLines(_locations[index], System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_group));
        _group.Clear();
    }

    /// <summary>
    /// <c>#\t0xPC</c> or <c>#\t0xPC\tname+0xOFF\tfile:line</c>; the tab writer runtime/pprof prints
    /// through may put several tabs between fields.
    /// </summary>
    internal static bool TryParseSymbolLine(string line, out LegacySymbolLine sym)
    {
        sym = default;
        var fields = line[1..].Split('\t', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields.Length == 2 || fields.Length > 3) return false;
        string pcText = fields[0];
        if (pcText.Length < 3 || pcText[0] != '0' || pcText[1] != 'x'
            || !LegacyGoText.TryParseHexDigits(pcText, 2, pcText.Length, out ulong pc))
        {
            return false;
        }
        if (fields.Length == 1)
        {
            sym = new LegacySymbolLine(pc, "", "", 0);
            return true;
        }
        string name = fields[1];
        int plus = name.LastIndexOf("+0x", StringComparison.Ordinal);
        if (plus > 0) name = name[..plus];
        string file = fields[2];
        long lineNumber = 0;
        int colon = file.LastIndexOf(':');
        if (colon >= 0 && LegacyGoText.TryParseInt(file[(colon + 1)..], 10, out long n))
        {
            lineNumber = n;
            file = file[..colon];
        }
        sym = new LegacySymbolLine(pc, LegacyGoText.Utf8(name), LegacyGoText.Utf8(file), lineNumber);
        return true;
    }

    /// <summary>
    /// <c># labels: {"k":"v", "k2":"v2"}</c>, the keys and values Go-quoted. Labels with an empty
    /// value are left out, as pprof drops them when reading the same profile as protobuf. A line
    /// that does not parse is ignored.
    /// </summary>
    private void AddLabels(string line)
    {
        var labels = new List<Label>();
        int i = "# labels: ".Length;
        if (i >= line.Length || line[i] != '{') return;
        i++;
        while (true)
        {
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '}' && labels.Count == 0 && i == line.Length - 1) break;
            if (!LegacyGoText.TryUnquote(line, i, out string key, out i)) return;
            if (i >= line.Length || line[i] != ':') return;
            if (!LegacyGoText.TryUnquote(line, i + 1, out string value, out i)) return;
            if (value.Length != 0)
                labels.Add(new Label(_draft.Intern(LegacyGoText.Utf8(key)), _draft.Intern(LegacyGoText.Utf8(value)), 0, 0));
            if (i < line.Length && line[i] == ',')
            {
                i++;
                continue;
            }
            if (i == line.Length - 1 && line[i] == '}') break;
            return;
        }
        _draft.AddLabelsToLast(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(labels));
    }
}
