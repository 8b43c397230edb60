using System.Text;

namespace LeakHound.Formats.Pprof;

/// <summary>A mapping while a legacy profile is being read (file and build id are byte text).</summary>
internal sealed class LegacyMapping
{
    public ulong Start;
    public ulong Limit;
    public ulong Offset;
    public string File = "";
    public string BuildId = "";
}

/// <summary>
/// The memory-map section that ends legacy profiles (after "--- Memory map: ---" or
/// "MAPPED_LIBRARIES:", or after the binary CPU samples), and what pprof does with it: its
/// <c>parseProcMapsFromScanner</c>, <c>massageMappings</c> and <c>remapMappingIDs</c>.
/// </summary>
internal static class LegacyMemoryMap
{
    private static readonly string[] Sentinels = ["--- Memory map: ---", "MAPPED_LIBRARIES:"];

    /// <summary>pprof's <c>isMemoryMapSentinel</c>: the line contains a sentinel anywhere.</summary>
    public static bool IsSentinel(string line)
    {
        foreach (var s in Sentinels)
        {
            if (line.Contains(s, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>
    /// pprof's <c>parseAdditionalSections</c> then the map itself: skips to the first sentinel line
    /// (the current line counts), then reads mapping lines until the end.
    /// </summary>
    public static void SkipToSentinelAndParse(ref LegacyLineScanner s, LegacyDraft draft)
    {
        while (!IsSentinel(s.Text) && s.Scan())
        {
        }
        draft.FinishWithMemoryMap(ref s);
    }

    /// <summary>
    /// Reads mapping lines from the scanner's next line to the end. Lines that are not mappings are
    /// ignored, except <c>name=value</c> lines, which make later <c>$name</c> in mapping lines read as
    /// value. Non-executable mappings are left out.
    /// </summary>
    public static void Parse(ref LegacyLineScanner s, LegacyDraft draft)
    {
        var replacements = new List<(string Old, string New)>();
        while (s.Scan())
        {
            string line = Replace(RemoveLoggingInfo(s.Text), replacements);
            var result = ParseEntry(line, out var mapping);
            if (result == EntryResult.Unrecognized)
            {
                int eq = line.IndexOf('=');
                if (eq >= 0)
                    replacements.Add(("$" + LegacyGoText.TrimSpace(line[..eq]), LegacyGoText.TrimSpace(line[(eq + 1)..])));
                continue;
            }
            if (result == EntryResult.Skipped) continue;
            if (draft.Mappings.Count >= draft.Context.Limits.MaxTableEntries)
                throw s.Fail($"more than {draft.Context.Limits.MaxTableEntries} mappings");
            draft.Mappings.Add(mapping!);
        }
    }

    private enum EntryResult { Mapping, Skipped, Unrecognized }

    private static EntryResult ParseEntry(string line, out LegacyMapping? mapping)
    {
        mapping = null;
        string start, end, perm, file, offset, buildId = "";
        var m = LegacyPatterns.ProcMaps().Match(line);
        if (m.Success)
        {
            (start, end, perm, offset, file) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value);
        }
        else
        {
            m = LegacyPatterns.BriefMaps().Match(line);
            if (!m.Success) return EntryResult.Unrecognized;
            (start, end, perm, file, offset, buildId) =
                (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value, m.Groups[6].Value);
        }
        if (perm.Length != 0 && !perm.Contains('x')) return EntryResult.Skipped;
        var result = new LegacyMapping { File = file, BuildId = buildId };
        if (!LegacyGoText.TryParseHexDigits(start, 0, start.Length, out result.Start)) return EntryResult.Unrecognized;
        if (!LegacyGoText.TryParseHexDigits(end, 0, end.Length, out result.Limit)) return EntryResult.Unrecognized;
        if (offset.Length != 0 && !LegacyGoText.TryParseHexDigits(offset, 0, offset.Length, out result.Offset)) return EntryResult.Unrecognized;
        mapping = result;
        return EntryResult.Mapping;
    }

    private static string RemoveLoggingInfo(string line)
    {
        var m = LegacyPatterns.LogInfo().Match(line);
        return m.Success ? line[(m.Index + m.Length)..] : line;
    }

    /// <summary>
    /// Go's <c>strings.NewReplacer(old1, new1, …).Replace</c>: left to right, no overlaps, and where
    /// several olds match at one place the earliest given wins.
    /// </summary>
    private static string Replace(string s, List<(string Old, string New)> pairs)
    {
        if (pairs.Count == 0 || !s.Contains('$')) return s;
        var sb = new StringBuilder(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            int hit = -1;
            for (int p = 0; p < pairs.Count; p++)
            {
                if (s.AsSpan(i).StartsWith(pairs[p].Old, StringComparison.Ordinal))
                {
                    hit = p;
                    break;
                }
            }
            if (hit < 0)
            {
                sb.Append(s[i]);
                i++;
                continue;
            }
            sb.Append(pairs[hit].New);
            i += pairs[hit].Old.Length;
        }
        return sb.ToString();
    }

    /// <summary>
    /// pprof's <c>massageMappings</c>: merges adjacent pieces of one mapping, then moves the first
    /// mapping that looks like the main binary (named, not a shared library, not "[…]") to the front.
    /// </summary>
    public static void Massage(List<LegacyMapping> mappings)
    {
        if (mappings.Count > 1)
        {
            var merged = new List<LegacyMapping> { mappings[0] };
            for (int i = 1; i < mappings.Count; i++)
            {
                var m = mappings[i];
                var last = merged[^1];
                if (Adjacent(last, m))
                {
                    last.Limit = m.Limit;
                    if (m.File.Length != 0) last.File = m.File;
                    if (m.BuildId.Length != 0) last.BuildId = m.BuildId;
                    continue;
                }
                merged.Add(m);
            }
            mappings.Clear();
            mappings.AddRange(merged);
        }
        for (int i = 0; i < mappings.Count; i++)
        {
            string file = LegacyGoText.TrimSpace(mappings[i].File.Replace("(deleted)", "", StringComparison.Ordinal));
            if (file.Length == 0 || LegacyPatterns.Library().IsMatch(file) || file[0] == '[') continue;
            (mappings[0], mappings[i]) = (mappings[i], mappings[0]);
            break;
        }
    }

    private static bool Adjacent(LegacyMapping a, LegacyMapping b)
    {
        if (a.File.Length != 0 && b.File.Length != 0 && a.File != b.File) return false;
        if (a.BuildId.Length != 0 && b.BuildId.Length != 0 && a.BuildId != b.BuildId) return false;
        if (a.Limit != b.Start) return false;
        if (a.Offset != 0 && b.Offset != 0 && unchecked(a.Offset + (a.Limit - a.Start)) != b.Offset) return false;
        return true;
    }

    /// <summary>
    /// pprof's <c>remapMappingIDs</c>: fixes up the main mapping, then gives each location with a
    /// nonzero address the mapping containing it, or a catch-all mapping 0..2^64-1 added at the end.
    /// Returns each location's mapping index (-1 for none).
    /// </summary>
    public static int[] AssignLocations(List<LegacyMapping> mappings, List<ulong> addresses)
    {
        if (mappings.Count > 1 && mappings[0].File.StartsWith("/anon_hugepage", StringComparison.Ordinal)
            && mappings[0].Limit == mappings[1].Start)
        {
            mappings.RemoveAt(0);
        }
        if (mappings.Count > 0)
        {
            const ulong expectedStart = 0x400000;
            var m = mappings[0];
            if (unchecked(m.Start - m.Offset) == expectedStart)
            {
                m.Start = expectedStart;
                m.Offset = 0;
            }
        }

        var result = new int[addresses.Count];
        int fake = -1;
        for (int loc = 0; loc < addresses.Count; loc++)
        {
            ulong a = addresses[loc];
            result[loc] = -1;
            if (a == 0) continue;
            result[loc] = Find(mappings, a);
            if (result[loc] >= 0) continue;
            if (fake < 0)
            {
                fake = mappings.Count;
                mappings.Add(new LegacyMapping { Limit = ulong.MaxValue });
            }
            result[loc] = fake;
        }
        return result;
    }

    private static int Find(List<LegacyMapping> mappings, ulong a)
    {
        for (int i = 0; i < mappings.Count; i++)
        {
            if (mappings[i].Start <= a && a < mappings[i].Limit) return i;
        }
        // Legacy writers sometimes left out the first piece of a mapping split in two.
        for (int i = 0; i < mappings.Count; i++)
        {
            var m = mappings[i];
            if (m.Offset != 0 && unchecked(m.Start - m.Offset) <= a && a < m.Start)
            {
                m.Start -= m.Offset;
                m.Offset = 0;
                return i;
            }
        }
        return -1;
    }
}
