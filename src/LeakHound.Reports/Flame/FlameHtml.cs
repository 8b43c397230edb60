using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LeakHound.Analysis.Flame;
using LeakHound.Core;

namespace LeakHound.Reports.Flame;

/// <summary>
/// The interactive flame graph: one self-contained HTML file (inline style and script, no network)
/// with zoom and breadcrumbs, search (substring or regular expression) with the matched share,
/// hover details, and a callers view. The tree goes into the page as compact JSON: a string table
/// of the frames used, and the nodes in preorder as parallel arrays (frame index, child count,
/// value, self, and base value in a diff). Prune the tree first: every node given is written.
/// </summary>
public static class FlameHtml
{
    /// <summary>Frames under this fraction of the total are left out by default: 1/100 of a pixel on a 1400-pixel page, a tenth of a pixel zoomed into a 1% frame.</summary>
    public const double DefaultMinFraction = 1e-4;

    /// <summary>At most this many nodes by default, so that the page stays small and quick.</summary>
    public const int DefaultMaxNodes = 200_000;

    public static void Write(FlameReport report, TextWriter w)
    {
        var tree = report.Tree;
        var order = Preorder(tree);

        // Names of the frames used, in frame (name) order, so that the script can sort by index.
        var index = new int[tree.Frames.Count];
        Array.Fill(index, -1);
        foreach (int n in order)
            if (tree.Frame[n] >= 0) index[tree.Frame[n]] = 0;
        var used = new List<int>();
        for (int f = 0; f < index.Length; f++)
            if (index[f] == 0) { index[f] = used.Count; used.Add(f); }

        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        w.Write(WebUtility.HtmlEncode(report.Title));
        w.Write("</title>\n<style>\n");
        w.Write(FlamePage.Style);
        w.Write("\n</style></head><body>\n<header><h1>");
        w.Write(WebUtility.HtmlEncode(report.Title));
        w.Write("</h1><div id=\"subtitle\">");
        w.Write(WebUtility.HtmlEncode(report.Subtitle));
        w.Write("</div></header>\n");
        w.Write("""
            <div id="toolbar">
            <button id="reset" title="Show the whole graph again (Esc)">Reset zoom</button>
            <button id="callers" disabled title="Everything that calls the selected function, merged over all its occurrences">Callers</button>
            <span id="crumbs"></span>
            <input id="search" type="search" placeholder="Search frames (substring; / to focus)" autocomplete="off" spellcheck="false">
            <label title="Treat the search as a JavaScript regular expression"><input id="regex" type="checkbox"> regex</label>
            <span id="matches"></span>
            </div>

            """);
        w.Write("<div id=\"legend\">");
        w.Write(Legend(report));
        w.Write("</div>\n<div id=\"status\"></div>\n<div id=\"chart\"><canvas id=\"flame\"></canvas></div>\n<div id=\"tip\" hidden></div>\n");
        w.Write("<script type=\"application/json\" id=\"flame-data\">");
        WriteData(report, order, index, used, w);
        w.Write("</script>\n<script>\n");
        w.Write(FlamePage.Script);
        w.Write("\n</script>\n</body></html>\n");
    }

    private static string Legend(FlameReport report)
    {
        var sb = new StringBuilder();
        void Swatch(int colour, string text) =>
            sb.Append("<span><span class=\"sw\" style=\"background:").Append(FlameColors.Css(colour)).Append("\"></span>").Append(WebUtility.HtmlEncode(text)).Append("</span>");
        if (report.Tree.IsDiff)
        {
            Swatch(FlameColors.Grew, "grew");
            Swatch(FlameColors.Shrank, "shrank");
            Swatch(FlameColors.Unchanged, "unchanged");
            sb.Append("<span>stronger colour: larger change relative to the base · width: the larger of base and new</span>");
        }
        else
        {
            Swatch(FlameColors.ForFunction("main.main"), "your code (warm)");
            Swatch(FlameColors.ForFunction("runtime.mallocgc"), "Go runtime and standard library (cool)");
            sb.Append("<span>width: ").Append(WebUtility.HtmlEncode(report.SampleType)).Append("</span>");
        }
        if (report.Tree.MinMagnitude > 1)
            sb.Append("<span>frames under ").Append(WebUtility.HtmlEncode(report.FormatValue(report.Tree.MinMagnitude)))
              .Append(" (").Append(report.Percent(report.Tree.MinMagnitude)).Append(") left out</span>");
        return sb.ToString();
    }

    private static void WriteData(FlameReport report, int[] order, int[] index, List<int> used, TextWriter w)
    {
        var tree = report.Tree;
        var (kind, factor) = UnitKind(report.SampleUnit);
        w.Write("{\"diff\":");
        w.Write(tree.IsDiff ? "true" : "false");
        w.Write(",\"sampleType\":");
        w.Write(Str(report.SampleType));
        w.Write(",\"unitKind\":");
        w.Write(Str(kind));
        w.Write(",\"unitFactor\":");
        w.Write(factor.ToString("R", CultureInfo.InvariantCulture));
        w.Write(",\"percentOf\":");
        w.Write(Num(report.PercentOf));
        w.Write(",\"total\":");
        w.Write(Num(tree.Total));
        w.Write(",\"baseTotal\":");
        w.Write(Num(tree.BaseTotal));
        w.Write(",\"minMagnitude\":");
        w.Write(Num(tree.MinMagnitude));
        w.Write(",\n\"names\":[");
        for (int i = 0; i < used.Count; i++)
        {
            if (i > 0) w.Write(',');
            w.Write(Str(tree.Frames.Name(used[i])));
        }
        w.Write("],\n\"labels\":[");
        for (int i = 0; i < used.Count; i++)
        {
            if (i > 0) w.Write(',');
            w.Write(Str(tree.Frames.Label(used[i])));
        }
        w.Write("],\n\"colors\":[");
        for (int i = 0; i < used.Count; i++)
        {
            if (i > 0) w.Write(',');
            w.Write(Num(FlameColors.ForFunction(tree.Frames.Function(used[i]))));
        }
        w.Write("],\n\"f\":");
        WriteArray(w, order, n => tree.Frame[n] < 0 ? -1 : index[tree.Frame[n]]);
        w.Write(",\n\"c\":");
        WriteArray(w, order, n => tree.ChildCount[n]);
        w.Write(",\n\"v\":");
        WriteArray(w, order, n => tree.Value[n]);
        w.Write(",\n\"s\":");
        WriteArray(w, order, n => tree.Self[n]);
        if (tree.IsDiff)
        {
            w.Write(",\n\"b\":");
            WriteArray(w, order, n => tree.BaseValue![n]);
            w.Write(",\n\"bs\":");
            WriteArray(w, order, n => tree.BaseSelf![n]);
        }
        w.Write("}");
    }

    /// <summary>The nodes in preorder, children in order.</summary>
    private static int[] Preorder(FlameTree tree)
    {
        var order = new int[tree.NodeCount];
        int count = 0;
        var stack = new Stack<int>();
        stack.Push(FlameTree.Root);
        while (stack.Count > 0)
        {
            int n = stack.Pop();
            order[count++] = n;
            for (int c = tree.FirstChild[n] + tree.ChildCount[n] - 1; c >= tree.FirstChild[n]; c--) stack.Push(c);
        }
        return order;
    }

    private static void WriteArray(TextWriter w, int[] order, Func<int, long> value)
    {
        var sb = new StringBuilder(order.Length * 4);
        sb.Append('[');
        for (int i = 0; i < order.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(value(order[i]).ToString(CultureInfo.InvariantCulture));
        }
        sb.Append(']');
        w.Write(sb);
    }

    /// <summary>How the page scales values: "bytes" or "time" with the factor to bytes or nanoseconds, else "count".</summary>
    private static (string Kind, double Factor) UnitKind(string unit)
    {
        if (Measurement.Compatible(unit, "bytes")) return ("bytes", Measurement.Scale(1, unit, "B").Value);
        if (Measurement.Compatible(unit, "nanoseconds")) return ("time", Measurement.Scale(1, unit, "ns").Value);
        return ("count", 1);
    }

    private static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    // The default encoder escapes '<', '>' and '&', so no name can close the script element.
    private static string Str(string s) => JsonSerializer.Serialize(s);
}
