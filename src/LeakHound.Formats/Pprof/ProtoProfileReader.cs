using System.Numerics;
using System.Runtime.CompilerServices;
using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Reads an uncompressed profile.proto message into the column model. Three walks over the top-level
/// fields: strings and sample extents first, then the tables (validated against the strings), then
/// the samples straight into preallocated flat arrays, in parallel chunks since each sample's place
/// is known from the first walk. The semantics (ids, label rules, validity checks) are pprof's.
/// </summary>
public static class ProtoProfileReader
{
    private const int WireVarint = 0, WireFixed64 = 1, WireBytes = 2, WireFixed32 = 5;

    /// <summary>True when the bytes plausibly start a profile.proto message (a known top-level field tag).</summary>
    public static bool LooksLikeProto(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return false;
        int field = data[0] >> 3, wire = data[0] & 7;
        return field is >= 1 and <= 14 && wire is WireVarint or WireBytes;
    }

    public static Profile Read(ReadOnlySpan<byte> data, string source, Limits limits)
    {
        if (data.IsEmpty) throw new InputException(source, "empty input file");
        var walk = new FieldWalk(countSamples: false);
        walk.Step(data, complete: true, source, limits);
        return Finish(data, walk, source, limits);
    }

    /// <summary>
    /// Reads a profile while it is still being gunzipped: walk 1, and the count of each sample's
    /// frames and labels, follow the bytes as they arrive, so only the tables and the samples are
    /// left when the last byte is there. Null when the bytes are not a valid profile.proto message
    /// or could not be produced: <see cref="Read"/> on <see cref="ArrivingBytes.Finish"/>'s result
    /// then gives exactly the error (or the other format) a read of the whole input would.
    /// </summary>
    public static Profile? TryReadAsItArrives(Input.ArrivingBytes input, string source, Limits limits)
    {
        var walk = new FieldWalk(countSamples: true);
        try
        {
            while (true)
            {
                // Wait for the next megabyte or so (or the end), then walk the fields that are whole.
                var (buffer, available, complete) = input.WaitFor(walk.Position + (1 << 20));
                walk.Step(buffer.AsSpan(0, available), complete, source, limits);
                if (complete) break;
            }
            var data = input.Finish();
            if (data.Length == 0) return null;
            return Finish(data, walk, source, limits);
        }
        catch (InputException)
        {
            return null;
        }
    }

    /// <summary>
    /// Walk 1 over the top-level fields, in steps over a growing prefix of the message: the string
    /// table, each sample's extent (and, when asked, its number of frames and labels), and where the
    /// other fields start.
    /// </summary>
    private sealed class FieldWalk(bool countSamples)
    {
        public GrowableArray<string> Strings = new(64);
        public GrowableArray<int> SampleOffsets = new(1024);
        public GrowableArray<int> SampleLengths = new(1024);
        public GrowableArray<int> TableFields = new(1024);
        public GrowableArray<int> Frames = new(countSamples ? 1024 : 0);
        public GrowableArray<int> Labels = new(countSamples ? 1024 : 0);
        public bool Counted => countSamples;
        public int Position { get; private set; }

        /// <summary>
        /// Walks the fields of <paramref name="data"/> (the message's first bytes) from where the last
        /// step stopped: all of them when <paramref name="complete"/>, else those that are whole.
        /// </summary>
        public void Step(ReadOnlySpan<byte> data, bool complete, string source, Limits limits)
        {
            int pos = Position;
            while (pos < data.Length)
            {
                if (!complete && !IsWhole(data, pos)) break;
                var r = new ByteReader(data[pos..], source, pos);
                var (field, wire) = ReadTag(ref r);
                if (field == 6 && wire == WireBytes)
                {
                    int len = ReadLength(ref r, limits.MaxStringBytes, "string");
                    if (Strings.Count >= limits.MaxTableEntries) throw r.Corrupt($"more than {limits.MaxTableEntries} strings");
                    Strings.Add(System.Text.Encoding.UTF8.GetString(r.ReadBytes(len)));
                }
                else if (field == 2 && wire == WireBytes)
                {
                    int len = ReadLength(ref r, int.MaxValue, "sample");
                    if (SampleOffsets.Count >= limits.MaxSamples) throw r.Corrupt($"more than {limits.MaxSamples} samples");
                    int offset = pos + r.Position;
                    SampleOffsets.Add(offset);
                    SampleLengths.Add(len);
                    r.Skip(len);
                    if (countSamples)
                    {
                        CountOne(data, source, offset, len, out int frames, out int labels);
                        Frames.Add(frames);
                        Labels.Add(labels);
                    }
                }
                else
                {
                    TableFields.Add(pos);
                    SkipField(ref r, wire);
                }
                pos += r.Position;
            }
            Position = pos;
        }

        /// <summary>Whether the field at <paramref name="pos"/> ends within the data (false also when its tag or length is cut).</summary>
        private static bool IsWhole(ReadOnlySpan<byte> data, int pos)
        {
            if (!TryVarint(data, ref pos, out ulong tag)) return false;
            switch ((int)(tag & 7))
            {
                case WireVarint: return TryVarint(data, ref pos, out _);
                case WireFixed64: return data.Length - pos >= 8;
                case WireFixed32: return data.Length - pos >= 4;
                case WireBytes: return TryVarint(data, ref pos, out ulong len) && len <= (ulong)(data.Length - pos);
                default: return true; // the walk reports it
            }
        }

        private static bool TryVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
        {
            value = 0;
            for (int shift = 0; shift < 70 && pos < data.Length; shift += 7)
            {
                byte b = data[pos++];
                if (shift < 64) value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return true;
            }
            // Cut, or longer than any varint: the latter is whole as far as waiting goes (the walk reports it).
            return pos < data.Length;
        }
    }

    private static Profile Finish(ReadOnlySpan<byte> data, FieldWalk walk, string source, Limits limits)
    {
        string[] table = walk.Strings.ToArray();
        if (table.Length == 0 || table[0].Length != 0)
            throw new InputException(source, table.Length == 0 ? "profile has no string table" : "string table does not start with the empty string");
        var tableFields = walk.TableFields;
        var sampleOffsets = walk.SampleOffsets;
        var sampleLengths = walk.SampleLengths;
        ByteReader r;

        // Walk 2: everything but samples and strings, visiting only those fields.
        var ctx = new TableReader(table, source, limits);
        foreach (int at in tableFields.AsSpan())
        {
            r = new ByteReader(data[at..], source, at);
            var (field, wire) = ReadTag(ref r);
            ctx.ReadTopLevel(ref r, field, wire);
        }
        var tables = ctx.Finish();

        // Walk 3: the samples, each straight into its place.
        int n = sampleOffsets.Count;
        int nv = tables.SampleTypes.Length;
        if (n > 0 && nv == 0) throw new InputException(source, "missing sample type information");
        int[] offsets = sampleOffsets.ToArray();
        int[] lengths = sampleLengths.ToArray();
        var stackStart = new int[n + 1];
        var labelStart = new int[n + 1];
        if (walk.Counted)
        {
            walk.Frames.AsSpan().CopyTo(stackStart.AsSpan(1));
            walk.Labels.AsSpan().CopyTo(labelStart.AsSpan(1));
        }
        else
        {
            CountStacksAndLabels(data, source, offsets, lengths, stackStart, labelStart);
        }
        RunningSums(source, offsets, stackStart, labelStart, limits);
        var values = new long[(long)n * nv];
        var stack = new int[stackStart[n]];
        var labels = new Label[labelStart[n]];
        var samples = new SampleSink(values, nv, stackStart, stack, labelStart, labels, tables.LocationIndex, table.Length);
        DecodeSamples(data, source, offsets, lengths, samples);

        return new Profile
        {
            SampleTypes = tables.SampleTypes,
            DefaultSampleType = tables.DefaultSampleType,
            PeriodType = tables.PeriodType,
            Period = tables.Period,
            TimeNanos = tables.TimeNanos,
            DurationNanos = tables.DurationNanos,
            DropFrames = tables.DropFrames,
            KeepFrames = tables.KeepFrames,
            Comments = tables.Comments,
            Mappings = tables.Mappings,
            Functions = tables.Functions,
            Locations = tables.Locations,
            Lines = tables.Lines,
            Strings = table,
            SampleCount = n,
            Values = values,
            StackStart = stackStart,
            Stack = stack,
            LabelStart = labelStart,
            Labels = labels,
        };
    }

    /// <summary>
    /// Counts each sample's location ids and labels, so the flat arrays are allocated once, exactly:
    /// the counts in parallel chunks, then their running sums.
    /// </summary>
    private static unsafe void CountStacksAndLabels(ReadOnlySpan<byte> data, string source, int[] offsets, int[] lengths, int[] stackStart, int[] labelStart)
    {
        fixed (byte* ptr = data)
        {
            byte* p = ptr;
            int length = data.Length;
            ForChunks(offsets.Length, (from, to) =>
            {
                var all = new ReadOnlySpan<byte>(p, length);
                for (int i = from; i < to; i++) CountOne(all, source, offsets[i], lengths[i], out stackStart[i + 1], out labelStart[i + 1]);
            });
        }
    }

    /// <summary>Turns each sample's counts (at i + 1) into where its frames and labels start, within the limits.</summary>
    private static void RunningSums(string source, int[] offsets, int[] stackStart, int[] labelStart, Limits limits)
    {
        long stackTotal = 0, labelTotal = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            int frames = stackStart[i + 1];
            if (frames > limits.MaxStackDepth)
                throw InputException.AtOffset(source, offsets[i], $"sample has {frames} frames, more than the limit of {limits.MaxStackDepth}");
            stackTotal += frames;
            labelTotal += labelStart[i + 1];
            if (stackTotal > Array.MaxLength || labelTotal > Array.MaxLength)
                throw InputException.AtOffset(source, offsets[i], "more stack frames or labels than one profile can hold");
            stackStart[i + 1] = (int)stackTotal;
            labelStart[i + 1] = (int)labelTotal;
        }
    }

    private static void CountOne(ReadOnlySpan<byte> data, string source, int offset, int length, out int frames, out int labels)
    {
        var r = new ByteReader(data.Slice(offset, length), source, offset);
        frames = 0;
        labels = 0;
        while (!r.AtEnd)
        {
            var (field, wire) = ReadTag(ref r);
            if (field == 1 && wire == WireBytes)
            {
                int len = ReadLength(ref r, int.MaxValue, "location ids");
                frames += CountVarints(r.ReadBytes(len));
            }
            else if (field == 1 && wire == WireVarint)
            {
                r.ReadVarint();
                frames++;
            }
            else if (field == 3 && wire == WireBytes)
            {
                int len = ReadLength(ref r, int.MaxValue, "label");
                var inner = r.Sub(len);
                if (IsKeptLabel(ref inner)) labels++;
            }
            else
            {
                SkipField(ref r, wire);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> over [0, n) in one chunk per core (one chunk for small n).</summary>
    private static void ForChunks(int n, Action<int, int> body)
    {
        int workers = Math.Min(Environment.ProcessorCount, Math.Max(1, n / 50_000));
        if (workers <= 1)
        {
            body(0, n);
            return;
        }
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
                body((int)((long)n * w / workers), (int)((long)n * (w + 1) / workers)));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is InputException) is InputException input)
        {
            // Several chunks may fail; report one, as a single-threaded read would.
            throw input;
        }
    }

    /// <summary>pprof keeps a label only if it has a string value, a number or a unit.</summary>
    private static bool IsKeptLabel(ref ByteReader r)
    {
        bool kept = false;
        while (!r.AtEnd)
        {
            var (field, wire) = ReadTag(ref r);
            if (wire != WireVarint) { SkipField(ref r, wire); continue; }
            ulong v = r.ReadVarint();
            if (field is 2 or 3 or 4 && v != 0) kept = true;
        }
        return kept;
    }

    /// <summary>The number of varints in a packed field: the bytes whose continuation bit is clear.</summary>
    private static int CountVarints(ReadOnlySpan<byte> packed)
    {
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated && packed.Length >= Vector<byte>.Count)
        {
            var high = new Vector<byte>(0x80);
            for (; i <= packed.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                var v = new Vector<byte>(packed.Slice(i));
                var isLast = Vector.Equals(v & high, Vector<byte>.Zero);
                count -= Vector.Sum(Vector.AsVectorSByte(isLast));
            }
        }
        for (; i < packed.Length; i++)
            if (packed[i] < 0x80) count++;
        return count;
    }

    private static unsafe void DecodeSamples(ReadOnlySpan<byte> data, string source, int[] offsets, int[] lengths, SampleSink sink)
    {
        fixed (byte* ptr = data)
        {
            byte* p = ptr;
            int length = data.Length;
            ForChunks(offsets.Length, (from, to) => sink.Decode(new ReadOnlySpan<byte>(p, length), source, offsets, lengths, from, to));
        }
    }

    /// <summary>Where decoded samples go: preallocated arrays, written by disjoint ranges of samples.</summary>
    private sealed class SampleSink(long[] values, int nv, int[] stackStart, int[] stack, int[] labelStart, Label[] labels, LocationIndex locations, int stringCount)
    {
        public void Decode(ReadOnlySpan<byte> data, string source, int[] offsets, int[] lengths, int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                var r = new ByteReader(data.Slice(offsets[i], lengths[i]), source, offsets[i]);
                int frame = stackStart[i];
                int label = labelStart[i];
                int valueCount = 0;
                long valueBase = (long)i * nv;
                while (!r.AtEnd)
                {
                    var (field, wire) = ReadTag(ref r);
                    switch (field)
                    {
                        case 1 when wire == WireBytes:
                        {
                            int len = ReadLength(ref r, int.MaxValue, "location ids");
                            var inner = r.Sub(len);
                            while (!inner.AtEnd) stack[frame++] = Resolve(ref inner, inner.ReadVarint());
                            break;
                        }
                        case 1 when wire == WireVarint:
                            stack[frame++] = Resolve(ref r, r.ReadVarint());
                            break;
                        case 2 when wire == WireBytes:
                        {
                            int len = ReadLength(ref r, int.MaxValue, "values");
                            var inner = r.Sub(len);
                            while (!inner.AtEnd)
                            {
                                long v = (long)inner.ReadVarint();
                                if (valueCount < nv) values[valueBase + valueCount] = v;
                                valueCount++;
                            }
                            break;
                        }
                        case 2 when wire == WireVarint:
                        {
                            long v = (long)r.ReadVarint();
                            if (valueCount < nv) values[valueBase + valueCount] = v;
                            valueCount++;
                            break;
                        }
                        case 3 when wire == WireBytes:
                        {
                            int len = ReadLength(ref r, int.MaxValue, "label");
                            var inner = r.Sub(len);
                            var l = ReadLabel(ref inner);
                            if (l.Str != 0 || l.Num != 0 || l.NumUnit != 0) labels[label++] = l;
                            break;
                        }
                        default:
                            SkipField(ref r, wire);
                            break;
                    }
                }
                if (valueCount != nv)
                    throw InputException.AtOffset(source, offsets[i], $"sample has {valueCount} values vs. {nv} types");
            }
        }

        private int Resolve(ref ByteReader r, ulong id)
        {
            int index = locations.Find(id);
            if (index < 0) throw r.Corrupt($"sample refers to location id {id}, which the profile does not define");
            return index;
        }

        private Label ReadLabel(ref ByteReader r)
        {
            long key = 0, str = 0, num = 0, unit = 0;
            while (!r.AtEnd)
            {
                var (field, wire) = ReadTag(ref r);
                if (wire != WireVarint) { SkipField(ref r, wire); continue; }
                long v = (long)r.ReadVarint();
                switch (field)
                {
                    case 1: key = v; break;
                    case 2: str = v; break;
                    case 3: num = v; break;
                    case 4: unit = v; break;
                }
            }
            CheckString(ref r, key);
            CheckString(ref r, str);
            CheckString(ref r, unit);
            return new Label((int)key, (int)str, num, (int)unit);
        }

        private void CheckString(ref ByteReader r, long index)
        {
            if ((ulong)index >= (ulong)stringCount)
                throw r.Corrupt($"string index {index} is past the end of the string table ({stringCount} strings)");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Field, int Wire) ReadTag(ref ByteReader r)
    {
        ulong tag = r.ReadVarint();
        int wire = (int)(tag & 7);
        ulong field = tag >> 3;
        if (field == 0 || field > int.MaxValue) throw r.Corrupt($"invalid field number {field}");
        return ((int)field, wire);
    }

    internal static int ReadLength(ref ByteReader r, int max, string what)
    {
        ulong len = r.ReadVarint();
        if (len > (ulong)r.Remaining)
            throw r.Corrupt($"{what} of {len} bytes runs past the end of the data ({r.Remaining} bytes left)");
        if (len > (ulong)max) throw r.Corrupt($"{what} of {len} bytes is over the limit of {max}");
        return (int)len;
    }

    internal static void SkipField(ref ByteReader r, int wire)
    {
        switch (wire)
        {
            case WireVarint: r.ReadVarint(); break;
            case WireFixed64: r.Skip(8); break;
            case WireBytes: r.Skip(ReadLength(ref r, int.MaxValue, "field")); break;
            case WireFixed32: r.Skip(4); break;
            default: throw r.Corrupt($"unknown wire type {wire}; this is not a profile.proto message");
        }
    }
}
