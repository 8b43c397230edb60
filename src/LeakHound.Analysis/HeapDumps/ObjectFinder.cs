using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Formats.HeapDump;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// <c>heapdump find</c>: objects by an id in their first word (heapspurs' OID files: "0xID name" per
/// line, matched against the object's first 8 bytes in the dump's byte order), by slot size range, or
/// by a regular expression over the functions of their allocation stack (sampled objects only).
/// </summary>
public static class ObjectFinder
{
    public sealed record Query(Dictionary<ulong, string>? Oids, long MinSize, long MaxSize, Regex? Site, string Describe)
    {
        public static Query ForOids(string file, Dictionary<ulong, string> oids) => new(oids, 0, long.MaxValue, null, $"first word matching an id in {file}");
        public static Query ForSize(long min, long max) => new(null, min, max, null, max == long.MaxValue ? $"size >= {min}" : $"size {min}..{max}");
        public static Query ForSite(Regex site) => new(null, 0, long.MaxValue, site, $"allocation stack matching {site}");
    }

    /// <summary>One match: the object node and, for an OID query, the name of its id.</summary>
    public readonly record struct Match(int Node, string? Name);

    /// <summary>Reads an OID file: one "0xID name" per line; blank lines and lines starting with # are skipped.</summary>
    public static Dictionary<ulong, string> ReadOidFile(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException e) { throw new InputException(path, e.Message); }
        catch (UnauthorizedAccessException e) { throw new InputException(path, e.Message); }
        var result = new Dictionary<ulong, string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.IndexOfAny([' ', '\t']);
            string id = space < 0 ? line : line[..space];
            string digits = id.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? id[2..] : id;
            if (!ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
                throw new InputException(path, $"line {i + 1}: expected \"0xID name\", found \"{lines[i]}\"");
            result.TryAdd(v, space < 0 ? "" : line[(space + 1)..].Trim());
        }
        return result;
    }

    public static Match[] Find(HeapDumpGraph g, AllocationSites sites, Query q, Limits limits)
    {
        var graph = g.Graph;
        var found = new List<Match>();
        if (q.Site is { } rx)
        {
            var matches = new bool[sites.Count];
            for (int s = 0; s < sites.Count; s++) matches[s] = sites.Stacks[s].Any(rx.IsMatch);
            var nodes = sites.SampledNodes;
            var of = sites.SampledSites;
            for (int i = 0; i < nodes.Length; i++)
                if (matches[of[i]]) found.Add(new Match(nodes[i], null));
            return found.ToArray();
        }
        if (q.Oids is null)
        {
            for (int obj = 0; obj < graph.ObjectCount; obj++)
                if (graph.Sizes[obj] >= q.MinSize && graph.Sizes[obj] <= q.MaxSize) found.Add(new Match(graph.ObjectNode(obj), null));
            return found.ToArray();
        }
        // The first word of every object, read back from the dump in one pass.
        var dump = g.Dump;
        int word = dump.Params.PointerSize;
        var candidates = new List<int>();
        var ranges = new List<(long, int)>();
        for (int obj = 0; obj < graph.ObjectCount; obj++)
        {
            if (graph.Sizes[obj] < word) continue;
            int node = graph.ObjectNode(obj);
            candidates.Add(node);
            ranges.Add((dump.Objects.ContentOffset[g.DumpObject(node)], word));
        }
        var words = HeapDumpContentReader.Read(dump.Source, ranges, limits);
        for (int k = 0; k < candidates.Count; k++)
        {
            ulong v = word == 8
                ? (dump.Params.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(words[k]) : BinaryPrimitives.ReadUInt64LittleEndian(words[k]))
                : (dump.Params.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(words[k]) : BinaryPrimitives.ReadUInt32LittleEndian(words[k]));
            if (q.Oids.TryGetValue(v, out var name)) found.Add(new Match(candidates[k], name));
        }
        return found.ToArray();
    }
}
