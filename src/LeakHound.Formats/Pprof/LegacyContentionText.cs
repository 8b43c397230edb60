namespace LeakHound.Formats.Pprof;

/// <summary>
/// Contention profiles in text (pprof's <c>parseContention</c>): a first line starting
/// <c>--- contentionz </c> (C++), <c>--- mutex:</c> or <c>--- contention:</c> (Go's mutex and block
/// profiles), <c>key = value</c> attributes, then <c>CYCLES COUNT @ 0x… 0x…</c> lines and an optional
/// memory map.
/// </summary>
internal static class LegacyContentionText
{
    public static Profile? TryParse(ReadOnlySpan<byte> data, LegacyContext ctx)
    {
        var s = new LegacyLineScanner(data, ctx.Source);
        if (!s.Scan()) return null;
        string first = s.Text;
        if (!first.StartsWith("--- contentionz ", StringComparison.Ordinal)
            && !first.StartsWith("--- mutex:", StringComparison.Ordinal)
            && !first.StartsWith("--- contention:", StringComparison.Ordinal))
        {
            return null;
        }
        s.Committed = true;

        var draft = new LegacyDraft(ctx, [new("contentions", "count"), new("delay", "nanoseconds")],
            new ProfileValueType("contentions", "count"), 1);
        long cpuHz = 0;
        while (s.Scan())
        {
            string line = LegacyGoText.TrimSpace(s.Text);
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            int eq = line.IndexOf('=');
            if (eq < 0) break;
            string key = LegacyGoText.TrimSpace(line[..eq]), value = LegacyGoText.TrimSpace(line[(eq + 1)..]);
            long n;
            switch (key)
            {
                case "cycles/second":
                    if (!LegacyGoText.TryParseInt(value, 0, out cpuHz)) return Miss(ctx, ref s, "cycles/second to be an integer");
                    break;
                case "sampling period":
                    if (!LegacyGoText.TryParseInt(value, 0, out n)) return Miss(ctx, ref s, "sampling period to be an integer");
                    draft.Period = n;
                    break;
                case "ms since reset":
                    if (!LegacyGoText.TryParseInt(value, 0, out n)) return Miss(ctx, ref s, "ms since reset to be an integer");
                    draft.DurationNanos = unchecked(n * 1000 * 1000);
                    break;
                case "discarded samples":
                    break;
                case "format":
                case "resolution":
                    // Only Java contention profiles have these, and they are not supported.
                    return Miss(ctx, ref s, "no \"format\" or \"resolution\" (Java contention profiles are not supported)");
                default:
                    return Miss(ctx, ref s, "one of the attributes cycles/second, sampling period, ms since reset, discarded samples");
            }
            draft.Metadata.Add(new(LegacyGoText.Utf8(key), LegacyGoText.Utf8(value)));
        }

        var symbols = new LegacySymbols(draft);
        Span<long> values = stackalloc long[2];
        long period = draft.Period;
        while (true)
        {
            string line = LegacyGoText.TrimSpace(s.Text);
            draft.AtLine(s.LineNumber);
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            if (line.Length > 0 && line[0] == '#')
            {
                symbols.Comment(line, labelsAllowed: false);
            }
            else if (line.Length > 0)
            {
                var m = LegacyPatterns.ContentionSample().Match(line);
                if (!m.Success) return Miss(ctx, ref s, "a contention sample \"CYCLES COUNT @ 0x…\"");
                if (!LegacyGoText.TryParseInt(m.Groups[1].Value, 10, out long delay))
                    throw s.Fail($"cycles {LegacyGoText.Excerpt(m.Groups[1].Value)} do not fit in 64 bits");
                if (!LegacyGoText.TryParseInt(m.Groups[2].Value, 10, out long count))
                    throw s.Fail($"count {LegacyGoText.Excerpt(m.Groups[2].Value)} does not fit in 64 bits");
                // Un-sample: counts by the sampling period, delays from cycles to nanoseconds.
                if (period > 0)
                {
                    if (cpuHz > 0)
                    {
                        double cpuGHz = cpuHz / 1e9;
                        delay = LegacyGoMath.ToInt64((double)delay * period / cpuGHz);
                    }
                    count = unchecked(count * period);
                }
                values[0] = count;
                values[1] = delay;

                var g = m.Groups[3];
                if (!draft.TryAddReturnAddressSample(line, g.Index, g.Index + g.Length, values, default, symbols, out string bad))
                    throw s.Fail($"address {LegacyGoText.Excerpt(bad)} does not fit in 64 bits");
            }
            if (!s.Scan()) break;
        }
        symbols.Flush();
        LegacyMemoryMap.SkipToSentinelAndParse(ref s, draft);
        return draft.Build();
    }

    private static Profile? Miss(LegacyContext ctx, ref LegacyLineScanner s, string expected)
    {
        ctx.Miss(s.Expected(expected));
        return null;
    }
}
