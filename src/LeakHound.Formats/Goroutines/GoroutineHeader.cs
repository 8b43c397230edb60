using System.Buffers.Text;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// One goroutine header line, as the runtime's <c>goroutineheader</c> prints it:
/// <code>
/// goroutine 7 [chan receive]:                                      Go 1.17+
/// goroutine 7 [chan receive (scan), 12 minutes, locked to thread]: Go 1.17+
/// goroutine 7 gp=0xc000007a80 m=3 mp=0xc000100008 [running]:      Go 1.22+, GOTRACEBACK=system or crashing
/// goroutine 7 gp=0xc000007a80 m=nil [select]:                      Go 1.22+
/// goroutine 7 [chan send (leaked)]:                                Go 1.26+, goroutineleak profile
/// goroutine 7 [select (durable), synctest bubble 1]:               Go 1.25+
/// goroutine 7 [running labels:{"k": "v"}]:                         GODEBUG=tracebacklabels=1 (go.dev/cl/694119, see docs)
/// goroutine 7 [running] {k: "v"}:                                  also accepted (labels after the bracket)
/// </code>
/// Parsing works on the bytes of the line; only the label text is decoded.
/// </summary>
internal ref struct GoroutineHeader
{
    public long Id;
    public int M;
    public long Bubble;
    public int WaitMinutes;
    public GoroutineFlags Flags;
    /// <summary>The state's byte range within the line (markers removed).</summary>
    public int StateStart, StateLength;
    /// <summary>A header segment that was not understood (its range), to be reported; -1 when none.</summary>
    public int UnknownStart, UnknownLength;
    /// <summary>Where the label map starts ('{'), or -1.</summary>
    public int LabelsAt;

    private static ReadOnlySpan<byte> Prefix => "goroutine "u8;

    /// <summary>A quick test for "goroutine " followed by a digit.</summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> line) =>
        line.Length > 11 && line[0] == (byte)'g' && line.StartsWith(Prefix) && IsDigit(line[10]);

    private static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

    /// <summary>Parses a whole header line (without its newline); false when it is not one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out GoroutineHeader h)
    {
        h = default;
        h.M = -1;
        h.Bubble = -1;
        h.WaitMinutes = -1;
        h.UnknownStart = -1;
        h.LabelsAt = -1;
        if (!LooksLikeHeader(line)) return false;
        int pos = Prefix.Length;
        if (!TryDigits(line, ref pos, out ulong id) || id > long.MaxValue) return false;
        h.Id = (long)id;

        // " gp=0x… m=N mp=0x…" or " gp=0x… m=nil" (Go 1.22+).
        if (line[pos..].StartsWith(" gp="u8))
        {
            pos = SkipToken(line, pos + 4);
            if (!line[pos..].StartsWith(" m="u8)) return false;
            pos += 3;
            if (line[pos..].StartsWith("nil"u8))
            {
                pos += 3;
            }
            else
            {
                if (!TryDigits(line, ref pos, out ulong m)) return false;
                h.M = m > int.MaxValue ? int.MaxValue : (int)m;
            }
            if (line[pos..].StartsWith(" mp="u8)) pos = SkipToken(line, pos + 4);
        }
        if (!line[pos..].StartsWith(" ["u8)) return false;
        pos += 2;

        // The state runs to the first ',' or ']', or to " labels:{" inside the bracket.
        int stateStart = pos;
        int stop = line[pos..].IndexOfAny((byte)',', (byte)']');
        if (stop < 0) return false;
        stop += pos;
        int labelsIn = line[pos..stop].IndexOf(" labels:{"u8);
        int stateEnd = labelsIn >= 0 ? pos + labelsIn : stop;
        SetState(ref h, line, stateStart, stateEnd);
        pos = stateEnd;

        // Then ", N minutes", ", synctest bubble N", ", locked to thread", and possibly the labels
        // (" labels:{…}", or as a segment of their own), in any order.
        while (true)
        {
            if (line[pos..].StartsWith(" labels:{"u8))
            {
                if (!Labels(ref h, line, pos + " labels:".Length, out pos)) return false;
                continue;
            }
            if (pos >= line.Length || line[pos] != (byte)',') break;
            pos++;
            if (pos < line.Length && line[pos] == (byte)' ') pos++;
            if (line[pos..].StartsWith("labels:{"u8))
            {
                if (!Labels(ref h, line, pos + "labels:".Length, out pos)) return false;
                continue;
            }
            int segEnd = line[pos..].IndexOfAny((byte)',', (byte)']');
            if (segEnd < 0) return false;
            segEnd += pos;
            int li = line[pos..segEnd].IndexOf(" labels:{"u8);
            if (li >= 0) segEnd = pos + li;
            Segment(ref h, line, pos, segEnd);
            pos = segEnd;
        }
        if (pos >= line.Length || line[pos] != (byte)']') return false;
        pos++;
        // Labels after the bracket: " {…}" or " labels:{…}".
        if (line[pos..].StartsWith(" {"u8))
        {
            if (!Labels(ref h, line, pos + 1, out pos)) return false;
        }
        else if (line[pos..].StartsWith(" labels:{"u8))
        {
            if (!Labels(ref h, line, pos + " labels:".Length, out pos)) return false;
        }
        if (pos >= line.Length || line[pos] != (byte)':') return false;
        pos++;
        while (pos < line.Length && line[pos] == (byte)' ') pos++;
        return pos == line.Length;
    }

    private static bool Labels(ref GoroutineHeader h, ReadOnlySpan<byte> line, int at, out int end)
    {
        end = at;
        if (h.LabelsAt >= 0) return false; // one label map per header
        h.LabelsAt = at;
        return GoroutineLabelText.TrySkipMap(line, at, out end);
    }

    private static void SetState(ref GoroutineHeader h, ReadOnlySpan<byte> line, int start, int end)
    {
        // Markers the runtime appends to the state: " (scan)" (GC scanning) and " (leaked)" (Go 1.26).
        while (true)
        {
            var s = line[start..end];
            if (s.EndsWith(" (scan)"u8))
            {
                h.Flags |= GoroutineFlags.Scan;
                end -= " (scan)".Length;
            }
            else if (s.EndsWith(" (leaked)"u8))
            {
                h.Flags |= GoroutineFlags.Leaked;
                end -= " (leaked)".Length;
            }
            else
            {
                break;
            }
        }
        var state = line[start..end];
        // Wait reasons only a goroutine in a synctest bubble can have (Go 1.24: "(synctest)", 1.25+: "(durable)").
        if (state.EndsWith(" (durable)"u8) || state.EndsWith(" (synctest)"u8) || state.StartsWith("synctest."u8))
            h.Flags |= GoroutineFlags.SynctestBubble;
        h.StateStart = start;
        h.StateLength = end - start;
    }

    private static void Segment(ref GoroutineHeader h, ReadOnlySpan<byte> line, int start, int end)
    {
        var seg = line[start..end];
        if (seg.SequenceEqual("locked to thread"u8))
        {
            h.Flags |= GoroutineFlags.LockedToThread;
            return;
        }
        if (seg.EndsWith(" minutes"u8) && Utf8Parser.TryParse(seg, out int minutes, out int used) && used == seg.Length - " minutes".Length)
        {
            h.WaitMinutes = minutes;
            return;
        }
        if (seg.StartsWith("synctest bubble "u8))
        {
            var n = seg["synctest bubble ".Length..];
            if (Utf8Parser.TryParse(n, out ulong bubble, out int used2) && used2 == n.Length)
            {
                h.Bubble = bubble > long.MaxValue ? long.MaxValue : (long)bubble;
                h.Flags |= GoroutineFlags.SynctestBubble;
                return;
            }
        }
        h.UnknownStart = start;
        h.UnknownLength = end - start;
    }

    private static bool TryDigits(ReadOnlySpan<byte> line, ref int pos, out ulong value)
    {
        value = 0;
        int start = pos;
        while (pos < line.Length && IsDigit(line[pos]))
        {
            if (value > (ulong.MaxValue - 9) / 10) return false;
            value = value * 10 + (ulong)(line[pos] - '0');
            pos++;
        }
        return pos > start;
    }

    private static int SkipToken(ReadOnlySpan<byte> line, int pos)
    {
        while (pos < line.Length && line[pos] != (byte)' ') pos++;
        return pos;
    }
}
