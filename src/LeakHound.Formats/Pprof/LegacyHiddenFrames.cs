using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Go's debug=1 writer leaves out, on purpose, the symbol lines of the runtime frames at the leaf
/// of a stack (the allocator, gopark) and of runtime.goexit at its root. Once the other frames have
/// names, those nameless frames would all merge into one "&lt;unknown&gt;" node; they are dropped from
/// the stacks instead, which also gives the stacks the shape the same profile has in profile.proto.
/// Nameless frames in the middle of a stack stay.
/// </summary>
internal static class LegacyHiddenFrames
{
    public static Profile Trim(Profile p)
    {
        if (p.Lines.Length == 0) return p;
        var stackStart = new int[p.SampleCount + 1];
        var stack = new GrowableArray<int>(p.Stack.Length);
        bool changed = false;
        for (int s = 0; s < p.SampleCount; s++)
        {
            var st = p.SampleStack(s);
            int from = 0, to = st.Length;
            while (from < to && p.Locations[st[from]].LineCount == 0) from++;
            while (to > from && p.Locations[st[to - 1]].LineCount == 0) to--;
            // A stack with no named frame at all is left as it is.
            if (from == to) { from = 0; to = st.Length; }
            changed |= from != 0 || to != st.Length;
            stack.AddRange(st[from..to]);
            stackStart[s + 1] = stack.Count;
        }
        if (!changed) return p;
        return p.With(stackStart: stackStart, stack: stack.ToArray());
    }
}
