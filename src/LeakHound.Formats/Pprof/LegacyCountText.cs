namespace LeakHound.Formats.Pprof;

/// <summary>
/// Go count profiles in text (pprof's <c>parseGoCount</c>): <c>goroutine profile: total 7</c> (or any
/// <c>NAME profile: total N</c>), then <c>COUNT @ 0x… 0x…</c> lines, each followed in Go's
/// <c>debug=1</c> output by a <c># labels:</c> line and symbol lines.
/// </summary>
internal static class LegacyCountText
{
    public static Profile? TryParse(ReadOnlySpan<byte> data, LegacyContext ctx)
    {
        var s = new LegacyLineScanner(data, ctx.Source);
        while (s.Scan() && LegacyGoText.IsSpaceOrComment(s.Text))
        {
        }
        var header = LegacyPatterns.CountStart().Match(s.Text);
        if (!header.Success) return null;
        s.Committed = true;

        string name = LegacyGoText.Utf8(header.Groups[1].Value);
        var type = new ProfileValueType(name, "count");
        var draft = new LegacyDraft(ctx, [type], type, 1);
        var symbols = new LegacySymbols(draft);
        Span<long> value = stackalloc long[1];
        while (s.Scan())
        {
            string line = s.Text;
            draft.AtLine(s.LineNumber);
            string trimmed = LegacyGoText.TrimSpace(line);
            if (trimmed.Length == 0) continue;
            if (trimmed[0] == '#')
            {
                symbols.Comment(trimmed, labelsAllowed: true);
                continue;
            }
            if (line.StartsWith("---", StringComparison.Ordinal)) break;

            var m = LegacyPatterns.CountSample().Match(line);
            if (!m.Success) throw s.Expected("a count sample \"N @ 0x… 0x…\"");
            // Go reads the count as a Go integer literal, so a leading 0 means octal.
            if (!LegacyGoText.TryParseInt(m.Groups[1].Value, 0, out value[0]))
                throw s.Fail($"count {LegacyGoText.Excerpt(m.Groups[1].Value)} is not a valid number (pprof reads a leading 0 as octal)");
            var g = m.Groups[2];
            if (!draft.TryAddReturnAddressSample(line, g.Index, g.Index + g.Length, value, default, symbols, out string bad))
                throw s.Fail($"address {LegacyGoText.Excerpt(bad)} does not fit in 64 bits");
        }
        symbols.Flush();
        LegacyMemoryMap.SkipToSentinelAndParse(ref s, draft);
        return draft.Build();
    }
}
