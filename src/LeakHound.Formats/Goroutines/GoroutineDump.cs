namespace LeakHound.Formats.Goroutines;

/// <summary>What a goroutine header and trailer say beyond id and state.</summary>
[Flags]
public enum GoroutineFlags : ushort
{
    None = 0,
    /// <summary>"locked to thread" in the header.</summary>
    LockedToThread = 1 << 0,
    /// <summary>
    /// "(leaked)" after the state: the goroutineleak profile found it unreachable (Go 1.26+); also
    /// every row of a goroutineleak profile read in its debug=1 or proto form.
    /// </summary>
    Leaked = 1 << 1,
    /// <summary>
    /// The goroutine is in a synctest bubble: ", synctest bubble N" in the header (Go 1.25+), or a
    /// bubble-only wait reason ("chan receive (synctest)" in Go 1.24, "(durable)" from 1.25, "synctest.Run").
    /// </summary>
    SynctestBubble = 1 << 2,
    /// <summary>"goroutine running on other thread; stack unavailable".</summary>
    StackUnavailable = 1 << 3,
    /// <summary>The dump ended inside this goroutine's stack; what was read is kept.</summary>
    Truncated = 1 << 4,
    /// <summary>"...additional frames elided..." (the traceback hit its frame limit, Go 1.17–1.20).</summary>
    AdditionalFramesElided = 1 << 5,
    /// <summary>"(scan)" after the state: the GC was scanning the stack when it was printed.</summary>
    Scan = 1 << 6,
}

/// <summary>Which of the runtime's goroutine formats a dump was read from.</summary>
public enum GoroutineDumpForm
{
    /// <summary>One stack per goroutine: debug=2, runtime.Stack(buf, true), panic or signal output.</summary>
    Traceback,
    /// <summary>The debug=1 count form, "goroutine profile: total N": one row per distinct stack.</summary>
    CountText,
    /// <summary>profile.proto (debug=0) of the goroutine or goroutineleak profile: one row per sample.</summary>
    Proto,
}

/// <summary>
/// One frame of a stack: ids into <see cref="GoroutineDump.Strings"/> for the function (as printed,
/// with its package path), the argument text between the parentheses (possibly empty; -1 when the
/// line had no parentheses, as a cgo symbolizer prints it) and the file (-1 when the location line
/// is missing: a truncated dump, a "non-Go function" or a count-profile frame with no file); the
/// line (0 when unknown) and the "+0x…" offset (-1 when absent: inlined frames, count profiles).
/// </summary>
public readonly record struct StackFrame(int Function, int Args, int File, int Line, long PcOffset);

/// <summary>
/// An ancestor block, "[originating from goroutine N]:" (GODEBUG=tracebackancestors), of goroutine
/// row <paramref name="Goroutine"/>: its frames are <see cref="GoroutineDump.AncestorFrames"/>
/// [FirstFrame..FirstFrame+FrameCount], and its "created by" line (without "in goroutine": the
/// runtime leaves it out there) is in the CreatedBy fields (-1 / 0 when none).
/// </summary>
public readonly record struct Ancestor(
    int Goroutine, long Id, int FirstFrame, int FrameCount,
    int CreatedByFunction = -1, int CreatedByFile = -1, int CreatedByLine = 0, bool AdditionalFramesElided = false);

/// <summary>
/// A goroutine dump (debug=2, runtime.Stack(all), panic or SIGQUIT output; or the debug=1 and proto
/// goroutine profiles) held column-wise: one row per goroutine in dump order (per distinct stack for
/// the count forms, see <see cref="Multiplicity"/>), frames in one flat array by offsets, strings
/// interned. Frames are leaf first, as printed. Built by <see cref="GoroutineDumpReader"/>.
/// </summary>
public sealed class GoroutineDump
{
    public required int Count { get; init; }
    public required GoroutineDumpForm Form { get; init; }
    /// <summary>The profile name for the count and proto forms ("goroutine", "goroutineleak"); "" for tracebacks.</summary>
    public string ProfileName { get; init; } = "";

    /// <summary>The goroutine id, or -1 when the form has none (count and proto profiles).</summary>
    public required long[] Id { get; init; }
    /// <summary>
    /// How many goroutines the row stands for: 1 for a traceback, the sample's count for the
    /// count and proto forms (identical stacks merged by the runtime).
    /// </summary>
    public required int[] Multiplicity { get; init; }
    /// <summary>
    /// The wait reason or status as printed ("chan send", "select", "running", "IO wait"), without
    /// the "(scan)" and "(leaked)" markers, a string id; -1 when unknown (count and proto forms).
    /// </summary>
    public required int[] State { get; init; }
    /// <summary>Minutes waiting as printed ("5 minutes"), or -1.</summary>
    public required int[] WaitMinutes { get; init; }
    public required GoroutineFlags[] Flags { get; init; }
    /// <summary>"goroutine N gp=0x… m=M mp=0x…" (Go 1.22+ with GOTRACEBACK=system or higher, or the crashing goroutine): M, or -1 (also for "m=nil").</summary>
    public required int[] M { get; init; }
    /// <summary>", synctest bubble N" in the header (Go 1.25+): N, or -1.</summary>
    public required long[] Bubble { get; init; }

    /// <summary>Goroutine g's frames are <see cref="Frames"/>[FrameStart[g]..FrameStart[g+1]], leaf first.</summary>
    public required int[] FrameStart { get; init; }
    public required StackFrame[] Frames { get; init; }
    /// <summary>"...N frames elided..." in the middle of the stack (Go 1.21+: after the first 50 frames): N, or 0.</summary>
    public required int[] ElidedFrames { get; init; }

    /// <summary>The "created by" frame's function (string id), or -1 when the dump has none (main, system goroutines).</summary>
    public required int[] CreatedByFunction { get; init; }
    /// <summary>Its file (string id), or -1.</summary>
    public required int[] CreatedByFile { get; init; }
    /// <summary>Its line, or 0.</summary>
    public required int[] CreatedByLine { get; init; }
    /// <summary>"created by F in goroutine N" (Go 1.21+): N, or -1 when not printed.</summary>
    public required long[] ParentId { get; init; }

    /// <summary>
    /// Goroutine g's labels are <see cref="Labels"/>[LabelStart[g]..LabelStart[g+1]]: from the header
    /// (GODEBUG=tracebacklabels=1 in Go 1.26, the default for go 1.27 modules), the "# labels:" line
    /// of the count form or the sample's string labels in proto. Keys and values are string ids.
    /// </summary>
    public required int[] LabelStart { get; init; }
    public required (int Key, int Value)[] Labels { get; init; }

    /// <summary>Ancestor blocks (GODEBUG=tracebackancestors=N), in dump order; a goroutine's blocks are contiguous.</summary>
    public required Ancestor[] Ancestors { get; init; }
    /// <summary>The frames of all ancestor blocks, leaf first within each block.</summary>
    public required StackFrame[] AncestorFrames { get; init; }

    public required string[] Strings { get; init; }

    /// <summary>Lines inside stacks that were not understood: line number and text (the first ones, see <see cref="WarningCount"/>). Not fatal.</summary>
    public required IReadOnlyList<(int Line, string Text)> Warnings { get; init; }
    /// <summary>How many lines were not understood; <see cref="Warnings"/> keeps at most the first 1000.</summary>
    public int WarningCount { get; init; }

    /// <summary>The input ended inside a goroutine (its row has <see cref="GoroutineFlags.Truncated"/>).</summary>
    public bool Truncated { get; init; }

    public ReadOnlySpan<StackFrame> FramesOf(int g) => Frames.AsSpan(FrameStart[g], FrameStart[g + 1] - FrameStart[g]);

    public ReadOnlySpan<(int Key, int Value)> LabelsOf(int g) => Labels.AsSpan(LabelStart[g], LabelStart[g + 1] - LabelStart[g]);

    public ReadOnlySpan<StackFrame> FramesOf(in Ancestor a) => AncestorFrames.AsSpan(a.FirstFrame, a.FrameCount);

    /// <summary>The sum of <see cref="Multiplicity"/>: how many goroutines the dump describes.</summary>
    public long TotalGoroutines
    {
        get
        {
            long total = 0;
            foreach (int m in Multiplicity) total += m;
            return total;
        }
    }

    public string Str(int id) => id < 0 ? "" : Strings[id];
}
