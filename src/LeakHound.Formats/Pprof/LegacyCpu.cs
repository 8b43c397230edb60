using System.Buffers.Binary;
using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Binary CPU profiles of gperftools and of Go before 1.9 (pprof's <c>parseCPU</c>): words of 32 or
/// 64 bits in either byte order. A header of five words (0, 3, 0, period in microseconds, 0), then
/// records (count, depth, depth addresses), an end record (0, 1, 0), then the text memory map.
/// </summary>
internal static class LegacyCpu
{
    private readonly record struct WordFormat(int Size, bool BigEndian, string Name);

    // pprof tries these in this order and takes the first whose header fits.
    private static readonly WordFormat[] Formats =
    [
        new(4, false, "32-bit little-endian"),
        new(4, true, "32-bit big-endian"),
        new(8, false, "64-bit little-endian"),
        new(8, true, "64-bit big-endian"),
    ];

    public static Profile? TryParse(ReadOnlySpan<byte> data, LegacyContext ctx)
    {
        foreach (var f in Formats)
        {
            if (data.Length < 5 * f.Size) continue;
            ulong w0 = Word(data, 0, f), w1 = Word(data, 1, f), w2 = Word(data, 2, f), w3 = Word(data, 3, f), w4 = Word(data, 4, f);
            if (w0 != 0 || w1 != 3 || w3 == 0 || w4 != 0) continue;
            if (w2 == 0) return Parse(data, 5 * f.Size, unchecked((long)w3), f, ctx);
            if (w2 == 1)
            {
                ctx.Miss(InputException.AtOffset(ctx.Source, 2 * f.Size, $"a Java CPU profile ({f.Name} words), which is not supported"));
                return null;
            }
        }
        return null;
    }

    private static ulong Word(ReadOnlySpan<byte> data, int index, WordFormat f) => Read(data.Slice(index * f.Size, f.Size), f);

    private static ulong Read(ReadOnlySpan<byte> b, WordFormat f) => f.Size == 4
        ? (f.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b))
        : (f.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b));

    private static Profile? Parse(ReadOnlySpan<byte> data, int pos, long periodMicros, WordFormat f, LegacyContext ctx)
    {
        long period = unchecked(periodMicros * 1000);
        var draft = new LegacyDraft(ctx, [new("samples", "count"), new("cpu", "nanoseconds")],
            new ProfileValueType("cpu", "nanoseconds"), period);
        int w = f.Size;
        var stack = new List<int>();
        Span<long> values = stackalloc long[2];
        while (pos < data.Length)
        {
            int recordAt = pos;
            draft.AtOffset(recordAt);
            if (data.Length - pos < 2 * w)
                return Truncated(ctx, recordAt, $"a sample record (count and depth, {2 * w} bytes), found {data.Length - pos} bytes");
            ulong count = Read(data.Slice(pos, w), f);
            ulong depth = Read(data.Slice(pos + w, w), f);
            pos += 2 * w;
            // pprof bounds the depth by the remaining bytes over 4 even for 64-bit words, and for those
            // reads missing addresses as 0; a record cut short is refused here instead.
            if (depth > (ulong)((data.Length - pos) / w))
                return Truncated(ctx, recordAt + w, $"a stack of {depth} addresses, found {(data.Length - pos) / w}");
            draft.CheckStackDepth((long)Math.Min(depth, (ulong)long.MaxValue));
            int n = (int)depth;
            if (count == 0 && n == 1 && Read(data.Slice(pos, w), f) == 0)
            {
                pos += w;
                break;
            }
            stack.Clear();
            for (int i = 0; i < n; i++)
            {
                ulong a = Read(data.Slice(pos + i * w, w), f);
                // All but the leaf are return addresses: step back onto the call.
                stack.Add(draft.LocationFor(i > 0 ? unchecked(a - 1) : a));
            }
            pos += n * w;
            values[0] = unchecked((long)count);
            values[1] = unchecked((long)count * period);
            draft.AddSample(values, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stack));
        }

        RemoveSignalFrames(draft);

        var s = new LegacyLineScanner(data[pos..], ctx.Source, pos, byOffset: true) { Committed = true };
        draft.FinishWithMemoryMap(ref s);
        draft.CleanupDuplicateLocations();
        return draft.Build();
    }

    private static Profile? Truncated(LegacyContext ctx, long offset, string expected)
    {
        ctx.Miss(InputException.AtOffset(ctx.Source, offset, "legacy CPU profile cut short: expected " + expected));
        return null;
    }

    /// <summary>
    /// When (nearly) every sample has the same second frame, that frame is the signal handler's,
    /// not the program's: pprof removes it, twice over. "Nearly" allows one sample in 32 to differ.
    /// </summary>
    private static void RemoveSignalFrames(LegacyDraft draft)
    {
        int samples = draft.SampleCount;
        int margin = samples / 32;
        var counts = new Dictionary<ulong, int>();
        for (int iter = 0; iter < 2; iter++)
        {
            counts.Clear();
            for (int s = 0; s < samples; s++)
            {
                if (draft.StackLength(s) > 1)
                {
                    ulong a = draft.AddressOf(draft.StackAt(s, 1));
                    counts[a] = counts.GetValueOrDefault(a) + 1;
                }
            }
            // At most one address can reach the threshold, so the order of the search is irrelevant.
            foreach (var (address, count) in counts)
            {
                if (count < samples - margin) continue;
                for (int s = 0; s < samples; s++)
                {
                    if (draft.StackLength(s) > 1 && draft.AddressOf(draft.StackAt(s, 1)) == address)
                        draft.RemoveFrame(s, 1);
                }
                break;
            }
        }
    }
}
