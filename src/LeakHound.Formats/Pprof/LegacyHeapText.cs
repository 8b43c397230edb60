namespace LeakHound.Formats.Pprof;

/// <summary>
/// Heap profiles in text (pprof's <c>parseHeap</c>): a header such as
/// <c>heap profile: 13: 1595680 [47130736: 2584596557304] @ heap/1048576</c>, then one line per stack,
/// <c>inuse_objects: inuse_bytes [alloc_objects: alloc_bytes] @ 0x… 0x…</c>, then an optional memory map.
/// </summary>
internal static class LegacyHeapText
{
    private enum Sampling { None, V2 }

    public static Profile? TryParse(ReadOnlySpan<byte> data, LegacyContext ctx)
    {
        var s = new LegacyLineScanner(data, ctx.Source);
        if (!s.Scan()) return null;
        string header = s.Text;

        long period;
        var sampling = Sampling.None;
        bool hasAlloc = false;
        var hm = LegacyPatterns.HeapHeader().Match(header);
        if (hm.Success)
        {
            if (!TryReadHeapHeader(hm, out sampling, out period, out hasAlloc))
            {
                ctx.Miss(s.Fail($"heap profile header with an unknown sampling kind or rate {LegacyGoText.Excerpt(hm.Groups[5].Value + "/" + hm.Groups[6].Value)}"));
                return null;
            }
        }
        else if (LegacyPatterns.GrowthHeader().IsMatch(header) || LegacyPatterns.FragmentationHeader().IsMatch(header))
        {
            period = 1;
        }
        else
        {
            return null;
        }
        s.Committed = true;

        ProfileValueType[] types = hasAlloc
            ?
            [
                new("alloc_objects", "count"), new("alloc_space", "bytes"),
                new("inuse_objects", "count"), new("inuse_space", "bytes"),
            ]
            : [new("objects", "count"), new("space", "bytes")];
        var draft = new LegacyDraft(ctx, types, new ProfileValueType("space", "bytes"), period);
        var symbols = new LegacySymbols(draft);
        int bytesKey = draft.Intern("bytes");

        var values = new long[4];
        while (s.Scan())
        {
            string line = LegacyGoText.TrimSpace(s.Text);
            draft.AtLine(s.LineNumber);
            if (line.Length == 0) continue;
            if (line[0] == '#')
            {
                symbols.Comment(line, labelsAllowed: false);
                continue;
            }
            if (LegacyMemoryMap.IsSentinel(line)) break;

            var m = LegacyPatterns.HeapSample().Match(line);
            if (!m.Success) throw s.Expected("a heap sample \"N: N [N: N] @ 0x…\"");
            int n = 0;
            long blockSize = 0;
            if (hasAlloc) AddValues(ref s, m.Groups[3].Value, m.Groups[4].Value, "allocation", period, sampling, values, ref n, ref blockSize);
            AddValues(ref s, m.Groups[1].Value, m.Groups[2].Value, "inuse", period, sampling, values, ref n, ref blockSize);

            var g = m.Groups[5];
            if (!draft.TryAddReturnAddressSample(line, g.Index, g.Index + g.Length, values.AsSpan(0, n), [new Label(bytesKey, 0, blockSize, 0)], symbols, out string bad))
                throw s.Fail($"address {LegacyGoText.Excerpt(bad)} does not fit in 64 bits");
        }
        symbols.Flush();
        LegacyMemoryMap.SkipToSentinelAndParse(ref s, draft);
        return draft.Build();
    }

    /// <summary>
    /// pprof's <c>parseHeapHeader</c>: "heap"/"heap_v2"/"heapz_v2" samples by a Poisson process of
    /// the given rate (halved for "heap", which Go writes as twice MemProfileRate); "heapprofile"
    /// has every allocation. Alloc columns count when they differ from the in-use ones.
    /// </summary>
    private static bool TryReadHeapHeader(System.Text.RegularExpressions.Match m, out Sampling sampling, out long period, out bool hasAlloc)
    {
        sampling = Sampling.None;
        period = 0;
        string inuseObjects = m.Groups[1].Value, inuseBytes = m.Groups[2].Value;
        string allocObjects = m.Groups[3].Value, allocBytes = m.Groups[4].Value;
        hasAlloc = (allocObjects != inuseObjects && allocObjects != "0") || (allocBytes != inuseBytes && allocBytes != "0");
        string rate = m.Groups[6].Value;
        if (rate.Length > 0 && !LegacyGoText.TryParseInt(rate, 10, out period)) return false;
        switch (m.Groups[5].Value)
        {
            case "heapz_v2":
            case "heap_v2":
                sampling = Sampling.V2;
                return true;
            case "heapprofile":
                period = 1;
                return true;
            case "heap":
                sampling = Sampling.V2;
                period /= 2;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// One count/size pair of a sample: the average block size becomes the sample's "bytes" label,
    /// and v2 sampling is undone by <see cref="ScaleHeapSample"/>.
    /// </summary>
    private static void AddValues(ref LegacyLineScanner s, string countText, string sizeText, string what,
        long rate, Sampling sampling, Span<long> values, ref int n, ref long blockSize)
    {
        if (!LegacyGoText.TryParseInt(countText, 10, out long count))
            throw s.Fail($"{what} count {LegacyGoText.Excerpt(countText)} does not fit in 64 bits");
        if (!LegacyGoText.TryParseInt(sizeText, 10, out long size))
            throw s.Fail($"{what} bytes {LegacyGoText.Excerpt(sizeText)} does not fit in 64 bits");
        if (count == 0 && size != 0)
            throw s.Fail($"{what} count was 0 but {what} bytes was {size}");
        if (count != 0)
        {
            blockSize = LegacyGoMath.Divide(size, count);
            if (sampling == Sampling.V2) (count, size) = ScaleHeapSample(count, size, rate);
        }
        values[n++] = count;
        values[n++] = size;
    }

    /// <summary>
    /// pprof's <c>scaleHeapSample</c>: a block of average size S is sampled with probability
    /// 1 - e^(-S/rate), so count and size are divided by that. A zero count or size gives 0, 0;
    /// a rate of 1 or less leaves the values alone.
    /// </summary>
    internal static (long Count, long Size) ScaleHeapSample(long count, long size, long rate)
    {
        if (count == 0 || size == 0) return (0, 0);
        if (rate <= 1) return (count, size);
        double avgSize = (double)size / count;
        double scale = 1 / (1 - LegacyGoMath.Exp(-avgSize / rate));
        return (LegacyGoMath.ToInt64(count * scale), LegacyGoMath.ToInt64(size * scale));
    }
}
