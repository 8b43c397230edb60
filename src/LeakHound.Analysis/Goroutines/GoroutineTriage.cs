using System.Text.RegularExpressions;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Analysis.Goroutines;

/// <summary>
/// Points out the stuck goroutines when the dump has the evidence: goroutines the runtime marked
/// leaked, goroutines parked on channels in user code, goroutines queued on one mutex, and loops
/// over a ticker's channel (confirmed from the source line when the file is readable).
/// </summary>
public static partial class GoroutineTriage
{
    private static readonly HashSet<string> ChannelStates = new(StringComparer.Ordinal)
    {
        "chan send", "chan receive", "chan send (nil chan)", "chan receive (nil chan)", "select", "select (no cases)",
    };

    /// <summary>Groups smaller than this are reported only when they have waited a minute or more.</summary>
    public const int ManyGoroutines = 10;

    /// <param name="readLine">Reads line N (1-based) of a source file, or null when it is not available.</param>
    public static List<GoroutineFinding> Findings(GoroutineDump d, IReadOnlyList<GoroutineGroup> groups, Func<string, int, string?>? readLine = null)
    {
        var findings = new List<GoroutineFinding>();
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            int rep = g.Representative;
            string state = d.Str(d.State[rep]);
            string where = g.FirstUserFrame >= 0 ? FrameText(d, d.FramesOf(rep)[g.FirstUserFrame]) : "";
            string createdBy = CreatedBy(d, rep);
            if (g.Leaked)
            {
                findings.Add(new(FindingKind.Leaked,
                    $"{Goroutines(g.Count)} leaked (the runtime found them unreachable) in state {state}" +
                    (where.Length > 0 ? $" at {where}" : "") + createdBy, gi, g.Count));
                continue;
            }
            if (g.FirstUserFrame < 0 || !ChannelStates.Contains(BaseState(state))) continue;

            var frame = d.FramesOf(rep)[g.FirstUserFrame];
            string? source = readLine?.Invoke(d.Str(frame.File), frame.Line);
            if (source is not null && TickerChannel().IsMatch(source))
            {
                findings.Add(new(FindingKind.Ticker,
                    $"{Goroutines(g.Count)} loop on a ticker's channel at {where} (`{source.Trim()}`)" + createdBy +
                    "; a ticker that is never stopped keeps firing and keeps them alive", gi, g.Count));
                continue;
            }
            if (g.Count < ManyGoroutines && g.MinWaitMinutes < 1) continue;
            string op = BaseState(state) switch
            {
                "chan send" => "channel send",
                "chan receive" => "channel receive",
                "select (no cases)" => "an empty select",
                _ => BaseState(state),
            };
            if (state.EndsWith("(nil chan)", StringComparison.Ordinal)) op += " on a nil channel (forever)";
            string duration = g.MinWaitMinutes >= 1 ? $" for ≥ {g.MinWaitMinutes} minutes" : "";
            findings.Add(new(FindingKind.BlockedOnChannel,
                $"{Goroutines(g.Count)} blocked on {op}{duration} at {where}" + (createdBy.Length > 0 ? "," + createdBy.Replace(" created by", " all created by") : ""),
                gi, g.Count));
        }
        findings = MergeAlike(findings);
        findings.AddRange(SharedMutexes(d, groups));
        findings.Sort((a, b) => a.Kind == FindingKind.Leaked != (b.Kind == FindingKind.Leaked)
            ? (a.Kind == FindingKind.Leaked ? -1 : 1)
            : b.Goroutines.CompareTo(a.Goroutines));
        return findings;
    }

    /// <summary>
    /// Findings that say the same of different groups (stacks that differ below the frame the
    /// finding names, or in argument values) become one, with the counts added and the first group kept.
    /// </summary>
    private static List<GoroutineFinding> MergeAlike(List<GoroutineFinding> findings)
    {
        var merged = new List<GoroutineFinding>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            string key = f.Kind + "|" + NumberPrefix().Replace(f.Text, "");
            if (byKey.TryGetValue(key, out int i))
            {
                var m = merged[i];
                long total = m.Goroutines + f.Goroutines;
                merged[i] = m with { Goroutines = total, Text = Goroutines(total) + NumberPrefix().Replace(m.Text, "") };
                continue;
            }
            byKey[key] = merged.Count;
            merged.Add(f with { Text = Goroutines(f.Goroutines) + NumberPrefix().Replace(f.Text, "") });
        }
        return merged;
    }

    /// <summary>Goroutines whose stacks hold sync.(*Mutex).Lock (or RWMutex) with the same mutex address.</summary>
    private static IEnumerable<GoroutineFinding> SharedMutexes(GoroutineDump d, IReadOnlyList<GoroutineGroup> groups)
    {
        var waiters = new Dictionary<string, (long Count, int Group, string Kind, string Where)>(StringComparer.Ordinal);
        for (int gi = 0; gi < groups.Count; gi++)
        {
            foreach (int row in groups[gi].Rows)
            {
                var frames = d.FramesOf(row);
                for (int i = 0; i < frames.Length; i++)
                {
                    string fn = d.Str(frames[i].Function);
                    if (fn is not ("sync.(*Mutex).Lock" or "sync.(*RWMutex).Lock" or "sync.(*RWMutex).RLock")) continue;
                    string args = d.Str(frames[i].Args);
                    int comma = args.IndexOf(',');
                    string address = (comma < 0 ? args : args[..comma]).TrimEnd('?');
                    if (!address.StartsWith("0x", StringComparison.Ordinal)) break;
                    string caller = i + 1 < frames.Length ? FrameText(d, frames[i + 1]) : "";
                    waiters.TryGetValue(address, out var w);
                    waiters[address] = (w.Count + d.Multiplicity[row], w.Count == 0 ? gi : w.Group, fn["sync.(*".Length..fn.IndexOf(')')], string.IsNullOrEmpty(w.Where) ? caller : w.Where);
                    break;
                }
            }
        }
        foreach (var (address, w) in waiters)
        {
            if (w.Count < 2) continue;
            yield return new GoroutineFinding(FindingKind.SameMutex,
                $"{Goroutines(w.Count)} wait for the same sync.{w.Kind} {address}" + (w.Where.Length > 0 ? $", locked at {w.Where}" : ""),
                w.Group, w.Count);
        }
    }

    /// <summary>The wait reason without a trailing qualifier such as "(nil chan)" kept apart for the text.</summary>
    private static string BaseState(string state) =>
        state.EndsWith(" (nil chan)", StringComparison.Ordinal) ? state[..^" (nil chan)".Length] : state;

    private static string Goroutines(long n) => n == 1 ? "1 goroutine" : $"{n} goroutines";

    private static string CreatedBy(GoroutineDump d, int g) =>
        d.CreatedByFunction[g] < 0 ? "" : $" created by {d.Str(d.CreatedByFunction[g])} ({d.Str(d.CreatedByFile[g])}:{d.CreatedByLine[g]})";

    public static string FrameText(GoroutineDump d, StackFrame f) => $"{d.Str(f.Function)} ({d.Str(f.File)}:{f.Line})";

    [GeneratedRegex(@"^\d+ goroutines?")]
    private static partial Regex NumberPrefix();

    [GeneratedRegex(@"(\.C\b|time\.Tick\()")]
    private static partial Regex TickerChannel();
}
