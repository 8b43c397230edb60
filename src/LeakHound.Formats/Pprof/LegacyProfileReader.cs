using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Reads pprof's legacy (non-protobuf) profile formats as Go 1.19's pprof does: binary CPU
/// profiles, heap, Go count (goroutine, threadcreate), thread and contention (mutex, block) text
/// profiles, each with its memory map. The profile built is the one pprof's parser builds (same
/// sample types, values, location and mapping ids); with <c>keepSymbols</c> it also carries what
/// Go's <c>?debug=1</c> text adds and pprof ignores: function names and lines from the symbol
/// comments, goroutine labels, and the MemStats trailer and contention attributes as metadata.
/// See docs/formats/pprof-legacy.md.
/// </summary>
public static class LegacyProfileReader
{
    private delegate Profile? Parser(ReadOnlySpan<byte> data, LegacyContext ctx);

    // pprof's order; the first parser that recognises the data decides.
    private static readonly Parser[] Parsers =
    [
        LegacyCpu.TryParse,
        LegacyHeapText.TryParse,
        LegacyCountText.TryParse,
        LegacyThreadText.TryParse,
        LegacyContentionText.TryParse,
    ];

    /// <summary>
    /// The profile in <paramref name="data"/> (already decompressed), or null when no legacy format
    /// recognises it.
    /// </summary>
    /// <param name="source">Names the input in error messages.</param>
    /// <param name="keepSymbols">Keep the symbol lines and labels of Go's debug=1 text; false gives exactly pprof's profile.</param>
    /// <exception cref="InputException">A recognised format is malformed or exceeds <paramref name="limits"/>.</exception>
    public static Profile? TryRead(ReadOnlySpan<byte> data, string source, Limits limits, bool keepSymbols)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(limits);
        if (data.IsEmpty) return null;
        var ctx = new LegacyContext(source, limits, keepSymbols);
        foreach (var parse in Parsers)
        {
            var p = parse(data, ctx);
            if (p != null) return keepSymbols ? LegacyHiddenFrames.Trim(p) : p;
        }
        // Where pprof would only say "unrecognized profile format", a format that started out right
        // and then went wrong says where and how.
        if (ctx.NearMiss != null) throw ctx.NearMiss;
        return null;
    }
}
