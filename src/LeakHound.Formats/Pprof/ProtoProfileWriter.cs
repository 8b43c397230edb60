using System.IO.Compression;
using System.Text;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Writes a profile as gzipped profile.proto, fields in the order pprof writes them. Reading the
/// result back gives the same model (labels keep their order; strings are renumbered).
/// </summary>
public static class ProtoProfileWriter
{
    public static void Write(Profile p, Stream output, CompressionLevel level = CompressionLevel.Fastest)
    {
        var body = Encode(p);
        using var gz = new GZipStream(output, level, leaveOpen: true);
        gz.Write(body.Span);
    }

    /// <summary>The uncompressed message.</summary>
    public static byte[] EncodeUncompressed(Profile p) => Encode(p).Span.ToArray();

    private static ProtoBuffer Encode(Profile p)
    {
        var strings = new Dictionary<string, long>(StringComparer.Ordinal) { [""] = 0 };
        var table = new List<string> { "" };
        long S(string s)
        {
            if (strings.TryGetValue(s, out long id)) return id;
            id = table.Count;
            table.Add(s);
            strings.Add(s, id);
            return id;
        }

        var b = new ProtoBuffer(1 << 20);
        var m = new ProtoBuffer();
        var packed = new ProtoBuffer();

        foreach (var st in p.SampleTypes)
        {
            m.Clear();
            m.Int64Opt(1, S(st.Type));
            m.Int64Opt(2, S(st.Unit));
            b.Bytes(1, m.Span);
        }

        var labelIds = new long[p.Strings.Length];
        for (int i = 0; i < p.Strings.Length; i++) labelIds[i] = S(p.Strings[i]);
        for (int s = 0; s < p.SampleCount; s++)
        {
            m.Clear();
            var stack = p.SampleStack(s);
            if (!stack.IsEmpty)
            {
                packed.Clear();
                foreach (int l in stack) packed.Varint(p.Locations[l].Id);
                m.Bytes(1, packed.Span);
            }
            packed.Clear();
            foreach (long v in p.SampleValues(s)) packed.Varint((ulong)v);
            if (packed.Length > 0) m.Bytes(2, packed.Span);
            foreach (var l in p.SampleLabels(s))
            {
                packed.Clear();
                packed.Int64Opt(1, labelIds[l.Key]);
                packed.Int64Opt(2, labelIds[l.Str]);
                packed.Int64Opt(3, l.Num);
                packed.Int64Opt(4, labelIds[l.NumUnit]);
                m.Bytes(3, packed.Span);
            }
            b.Bytes(2, m.Span);
        }

        foreach (var mp in p.Mappings)
        {
            m.Clear();
            m.Int64Opt(1, (long)mp.Id);
            m.Int64Opt(2, (long)mp.Start);
            m.Int64Opt(3, (long)mp.Limit);
            m.Int64Opt(4, (long)mp.Offset);
            m.Int64Opt(5, S(mp.File));
            m.Int64Opt(6, S(mp.BuildId));
            m.BoolOpt(7, mp.HasFunctions);
            m.BoolOpt(8, mp.HasFilenames);
            m.BoolOpt(9, mp.HasLineNumbers);
            m.BoolOpt(10, mp.HasInlineFrames);
            b.Bytes(3, m.Span);
        }

        for (int l = 0; l < p.Locations.Length; l++)
        {
            ref readonly var loc = ref p.Locations[l];
            m.Clear();
            m.Int64Opt(1, (long)loc.Id);
            if (loc.Mapping >= 0) m.Int64Opt(2, (long)p.Mappings[loc.Mapping].Id);
            m.Int64Opt(3, (long)loc.Address);
            foreach (var line in p.LocationLines(l))
            {
                packed.Clear();
                packed.Int64Opt(1, (long)p.Functions[line.Function].Id);
                packed.Int64Opt(2, line.Number);
                m.Bytes(4, packed.Span);
            }
            m.BoolOpt(5, loc.IsFolded);
            b.Bytes(4, m.Span);
        }

        foreach (var f in p.Functions)
        {
            m.Clear();
            m.Int64Opt(1, (long)f.Id);
            m.Int64Opt(2, S(f.Name));
            m.Int64Opt(3, S(f.SystemName));
            m.Int64Opt(4, S(f.Filename));
            m.Int64Opt(5, f.StartLine);
            b.Bytes(5, m.Span);
        }

        long dropFrames = S(p.DropFrames), keepFrames = S(p.KeepFrames);
        long periodType = S(p.PeriodType.Type), periodUnit = S(p.PeriodType.Unit);
        var comments = p.Comments.Select(S).ToArray();
        long defaultType = S(p.DefaultSampleType);

        foreach (var s in table) b.Bytes(6, Encoding.UTF8.GetBytes(s));
        b.Int64Opt(7, dropFrames);
        b.Int64Opt(8, keepFrames);
        b.Int64Opt(9, p.TimeNanos);
        b.Int64Opt(10, p.DurationNanos);
        if (periodType != 0 || periodUnit != 0)
        {
            m.Clear();
            m.Int64Opt(1, periodType);
            m.Int64Opt(2, periodUnit);
            b.Bytes(11, m.Span);
        }
        b.Int64Opt(12, p.Period);
        if (comments.Length > 0)
        {
            packed.Clear();
            foreach (var c in comments) packed.Varint((ulong)c);
            b.Bytes(13, packed.Span);
        }
        b.Int64(14, defaultType);
        return b;
    }
}
