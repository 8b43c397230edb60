using System.Runtime.InteropServices;
using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Thread dumps (pprof's <c>parseThread</c>): an optional <c>--- threadz N ---</c> header, then per
/// thread a <c>--- Thread HEX (name: NAME/N) stack: ---</c> line followed by lines whose
/// <c>0x…</c> numbers are the stack, or by "same as previous thread"; a memory map ends it.
/// </summary>
internal static class LegacyThreadText
{
    public static Profile? TryParse(ReadOnlySpan<byte> data, LegacyContext ctx)
    {
        var s = new LegacyLineScanner(data, ctx.Source);
        while (s.Scan() && LegacyGoText.IsSpaceOrComment(s.Text))
        {
        }
        string line = s.Text;
        int headerLine = s.LineNumber;
        if (LegacyPatterns.ThreadzStart().IsMatch(line))
        {
            // The header's own notes run up to the first "-" line or the memory map.
            while (s.Scan())
            {
                line = s.Text;
                if (LegacyMemoryMap.IsSentinel(line) || line.StartsWith('-')) break;
            }
        }
        else if (!LegacyPatterns.ThreadStart().IsMatch(line))
        {
            return null;
        }
        s.Committed = true;

        var type = new ProfileValueType("thread", "count");
        var draft = new LegacyDraft(ctx, [type], type, 1);
        var addresses = new List<ulong>();
        var locations = new List<int>();
        Span<long> one = [1];
        while (!LegacyMemoryMap.IsSentinel(line))
        {
            if (line.StartsWith("---- no stack trace for", StringComparison.Ordinal)) break;
            if (!LegacyPatterns.ThreadStart().IsMatch(line))
            {
                // pprof gives up on the format here (a thread list must end with a memory map).
                ctx.Miss(line.Length > 0
                    ? InputException.AtLine(ctx.Source, Math.Max(s.LineNumber, headerLine),
                        $"expected \"--- Thread HEX (name: NAME/N) stack: ---\" or a memory map, found {LegacyGoText.Excerpt(line)}")
                    : InputException.AtLine(ctx.Source, Math.Max(s.LineNumber, headerLine),
                        "expected a thread stack or a memory map, found the end of the data"));
                return null;
            }
            draft.AtLine(s.LineNumber);
            line = ReadThreadStack(ref s, addresses, out bool sameAsPrevious);
            if (sameAsPrevious || addresses.Count == 0)
            {
                // "same as previous thread" (or no addresses): one more of the last sample.
                if (draft.SampleCount > 0) draft.SetValue(draft.SampleCount - 1, 0, unchecked(draft.ValueOf(draft.SampleCount - 1, 0) + 1));
                continue;
            }
            draft.CheckStackDepth(addresses.Count);
            locations.Clear();
            for (int i = 0; i < addresses.Count; i++)
            {
                // All but the leaf are return addresses.
                locations.Add(draft.LocationFor(i > 0 ? unchecked(addresses[i] - 1) : addresses[i]));
            }
            draft.AddSample(one, CollectionsMarshal.AsSpan(locations));
        }
        LegacyMemoryMap.SkipToSentinelAndParse(ref s, draft);
        draft.CleanupDuplicateLocations();
        return draft.Build();
    }

    /// <summary>
    /// pprof's <c>parseThreadSample</c>: gathers the addresses of one thread's stack; returns the
    /// (trimmed) line that ended it: the next "---" line, or the last line read.
    /// </summary>
    private static string ReadThreadStack(ref LegacyLineScanner s, List<ulong> addresses, out bool sameAsPrevious)
    {
        addresses.Clear();
        sameAsPrevious = false;
        string line = "";
        while (s.Scan())
        {
            line = LegacyGoText.TrimSpace(s.Text);
            if (line.Length == 0) continue;
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            if (line.Contains("same as previous thread", StringComparison.Ordinal))
            {
                sameAsPrevious = true;
                continue;
            }
            if (!LegacyGoText.TryParseHexAddresses(line, 0, line.Length, addresses, out string bad))
                throw s.Fail($"address {LegacyGoText.Excerpt(bad)} does not fit in 64 bits");
        }
        return line;
    }
}
