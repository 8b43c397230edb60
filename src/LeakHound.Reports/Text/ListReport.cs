using System.Globalization;
using System.Text.RegularExpressions;
using LeakHound.Analysis.Graph;
using LeakHound.Core;
using LeakHound.Reports.Source;

namespace LeakHound.Reports.Text;

/// <summary>
/// pprof's -list: the source of every function whose name matches, one listing per function and
/// file, each line with the flat and cumulative values of the samples on it. A listing runs from
/// five lines before the first sampled line (or from the function's start line, when the profile
/// records one) to five lines after the last; a file that cannot be read prints pprof's error
/// line in place of the source.
/// </summary>
public static class ListReport
{
    /// <summary>Lines shown before the first and after the last sampled line.</summary>
    private const int Margin = 5;

    public static void Write(Report rpt, TextWriter w, Regex symbol, SourceReader reader)
    {
        var o = rpt.Options;
        var ln = LocationNodes.Build(rpt.Profile, o.Granularity, o.NoInlines, keepObjectNames: true,
            fileName: SourcePaths.Trimmer(o.TrimPath, o.SourcePath));
        // pprof's untrimmed graph; its listing sums raw values, even for -mean.
        var (values, _) = GraphAccumulator.Accumulate(rpt.Profile, ln, rpt.ValueIndex, rpt.MeanIndex, null, EdgeScope.None);

        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int n = 0; n < ln.NodeCount; n++)
        {
            long flat = values.Flat[n], cum = values.Cum[n];
            if (flat == 0 && cum == 0) continue;
            if (o.DropNegative && (flat < 0 || (flat == 0 && cum < 0))) continue;
            string name = ln.Infos[n].Name;
            if (!symbol.IsMatch(name)) continue;
            if (!byName.TryGetValue(name, out var list)) byName[name] = list = [];
            list.Add(n);
        }
        if (byName.Count == 0) throw new UsageException($"no matches found for regexp: {symbol}");

        w.Write("Total: " + rpt.FormatValue(rpt.Total) + "\n");
        foreach (var name in byName.Keys.Order(StringComparer.Ordinal))
        {
            var byFile = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (int n in byName[name])
            {
                string file = ln.Infos[n].File;
                if (file.Length == 0) continue;
                if (!byFile.TryGetValue(file, out var list)) byFile[file] = list = [];
                list.Add(n);
            }
            if (byFile.Count == 0)
            {
                w.Write($"No source information for {name}\n");
                continue;
            }
            foreach (var file in byFile.Keys.Order(StringComparer.Ordinal))
                WriteFile(w, rpt, reader, name, file, byFile[file], ln, values);
        }
    }

    private static void WriteFile(TextWriter w, Report rpt, SourceReader reader, string name, string file, List<int> nodes, LocationNodes ln, NodeValues values)
    {
        long flatSum = 0, cumSum = 0;
        foreach (int n in nodes)
        {
            flatSum += values.Flat[n];
            cumSum += values.Cum[n];
        }

        // pprof's getSourceFromFile: the range starts at the first node's start line or five
        // lines before it, then widens to the other nodes (an end is only pushed by a node that
        // did not move the start).
        var first = ln.Infos[nodes[0]];
        long start = first.StartLine != 0 ? first.StartLine : first.Lineno - Margin;
        long end = first.Lineno + Margin;
        var perLine = new Dictionary<long, (long Flat, long Cum)>();
        foreach (int n in nodes)
        {
            var info = ln.Infos[n];
            long nodeStart = info.StartLine != 0 ? info.StartLine : info.Lineno - Margin;
            long nodeEnd = info.Lineno + Margin;
            if (nodeStart < start) start = nodeStart;
            else if (nodeEnd > end) end = nodeEnd;
            var v = perLine.GetValueOrDefault(info.Lineno);
            perLine[info.Lineno] = (v.Flat + values.Flat[n], v.Cum + values.Cum[n]);
        }
        if (start < 1) start = 1;

        var source = new List<(long Line, string Text)>();
        for (long line = start; line <= end && line <= int.MaxValue; line++)
        {
            string? text = reader.Line(file, (int)line);
            if (text is null) break;
            source.Add((line, text));
        }

        w.Write($"ROUTINE ======================== {name} in {file}\n");
        w.Write($"{GoFormat.Pad(rpt.FormatValue(flatSum), 10)} {GoFormat.Pad(rpt.FormatValue(cumSum), 10)} (flat, cum) {Measurement.Percentage(cumSum, rpt.Total)} of Total\n");
        if (reader.FileError(file) is { } error)
        {
            w.Write($" Error: {error}\n");
            return;
        }
        foreach (var (line, text) in source)
        {
            var v = perLine.GetValueOrDefault(line);
            w.Write(GoFormat.Pad(ValueOrDot(rpt, v.Flat), 10));
            w.Write(' ');
            w.Write(GoFormat.Pad(ValueOrDot(rpt, v.Cum), 10));
            w.Write(' ');
            w.Write(GoFormat.Pad(line.ToString(CultureInfo.InvariantCulture), 6));
            w.Write(':');
            w.Write(text);
            w.Write('\n');
        }
    }

    private static string ValueOrDot(Report rpt, long v) => v == 0 ? "." : rpt.FormatValue(v);
}
