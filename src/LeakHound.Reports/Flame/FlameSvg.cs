using System.Globalization;
using System.Text;
using LeakHound.Analysis.Flame;

namespace LeakHound.Reports.Flame;

/// <summary>
/// A static flame graph as one SVG: icicle layout (the root on top, callees below), widths by value
/// (by the larger of base and new in a differential graph), a title and totals line, a short
/// legend, and a &lt;title&gt; tooltip on every frame with its value and percentage. Labels use a
/// monospace font so that they can be cut to fit their box exactly. Frames narrower than half a
/// pixel are left out; callers prune the tree first (about 0.1% of the total suits this width).
/// </summary>
public static class FlameSvg
{
    public const double Width = 1200;
    private const double Margin = 10, RowHeight = 17, BoxHeight = 16, Top = 78, FontSize = 11;
    // DejaVu Sans Mono, Menlo and Consolas all advance 0.6 em per character.
    private const double CharWidth = FontSize * 0.61;

    public static void Write(FlameReport report, TextWriter w)
    {
        var tree = report.Tree;
        var widths = tree.LayoutWidths();
        var depths = tree.Depths();
        double plot = Width - 2 * Margin;
        double scale = widths[FlameTree.Root] == 0 ? 0 : plot / widths[FlameTree.Root];

        // Positions first (parents before children, by id), to know which frames show and how deep the graph is.
        var x = new double[tree.NodeCount];
        var omittedX = new double[tree.NodeCount];
        var omittedW = new double[tree.NodeCount];
        var shown = new bool[tree.NodeCount];
        x[FlameTree.Root] = Margin;
        shown[FlameTree.Root] = true;
        int maxDepth = 0;
        for (int n = 0; n < tree.NodeCount; n++)
        {
            if (!shown[n]) continue;
            maxDepth = Math.Max(maxDepth, depths[n]);
            double cx = x[n];
            for (int c = tree.FirstChild[n], end = c + tree.ChildCount[n]; c < end; c++)
            {
                x[c] = cx;
                shown[c] = widths[c] * scale >= 0.5;
                cx += widths[c] * scale;
            }
            omittedX[n] = cx;
            omittedW[n] = Math.Min(Omitted(tree, n) * scale, x[n] + widths[n] * scale - cx);
            if (omittedW[n] >= 0.5) maxDepth = Math.Max(maxDepth, depths[n] + 1);
        }
        double height = Top + (maxDepth + 1) * RowHeight + Margin;

        var sb = new StringBuilder(1 << 16);
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width:0}\" height=\"{height:0}\" viewBox=\"0 0 {Width:0} {height:0}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{FontSize:0}\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2:0}\" y=\"26\" text-anchor=\"middle\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"17\" font-weight=\"bold\">{Escape(report.Title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2:0}\" y=\"46\" text-anchor=\"middle\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\" fill=\"#444\">{Escape(report.Subtitle)}</text>\n");
        Legend(sb, report);

        for (int n = 0; n < tree.NodeCount; n++)
        {
            if (!shown[n]) continue;
            double wpx = widths[n] * scale;
            double y = Top + depths[n] * RowHeight;
            int colour = tree.IsDiff
                ? FlameColors.ForChange(tree.BaseValueOf(n), tree.Value[n])
                : n == FlameTree.Root ? FlameColors.Unknown : FlameColors.ForFunction(tree.Frames.Function(tree.Frame[n]));
            sb.Append("<g><title>").Append(Escape(Tooltip(report, n))).Append("</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x[n]:0.##}\" y=\"{y:0.#}\" width=\"{Math.Max(0.1, wpx - 0.5):0.##}\" height=\"{BoxHeight:0}\" rx=\"2\" fill=\"{FlameColors.Css(colour)}\"/>");
            string label = n == FlameTree.Root ? "all" : tree.Frames.Label(tree.Frame[n]);
            string? fitted = Fit(label, wpx - 6);
            if (fitted is not null)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x[n] + 3:0.##}\" y=\"{y + 12:0.#}\">{Escape(fitted)}</text>");
            sb.Append("</g>\n");
            if (omittedW[n] >= 0.5)
            {
                long om = Omitted(tree, n);
                string tip = $"callees under {report.FormatValue(tree.MinMagnitude)} ({report.Percent(tree.MinMagnitude)}) each, left out\ntogether {report.FormatValue(om)} ({report.Percent(om)})";
                sb.Append("<g><title>").Append(Escape(tip)).Append("</title>");
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{omittedX[n]:0.##}\" y=\"{y + RowHeight:0.#}\" width=\"{Math.Max(0.1, omittedW[n] - 0.5):0.##}\" height=\"{BoxHeight:0}\" rx=\"2\" fill=\"#e3e3de\"/></g>\n");
            }
            if (sb.Length > 1 << 20)
            {
                w.Write(sb);
                sb.Clear();
            }
        }
        sb.Append("</svg>\n");
        w.Write(sb);
    }

    private static void Legend(StringBuilder sb, FlameReport report)
    {
        const string font = "font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"11\" fill=\"#555\"";
        string omitted = report.Tree.MinMagnitude > 1
            ? $"frames under {report.FormatValue(report.Tree.MinMagnitude)} ({report.Percent(report.Tree.MinMagnitude)}) left out"
            : "";
        if (!report.Tree.IsDiff)
        {
            string text = "warm: your code · cool: Go runtime and standard library · width: " + report.SampleType
                + (omitted.Length != 0 ? " · " + omitted : "");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2:0}\" y=\"64\" text-anchor=\"middle\" {font}>{Escape(text)}</text>\n");
            return;
        }
        double lx = Width / 2 - 330;
        foreach (var (colour, text) in new[] { (FlameColors.Grew, "grew"), (FlameColors.Shrank, "shrank"), (FlameColors.Unchanged, "unchanged") })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx:0}\" y=\"55\" width=\"12\" height=\"11\" rx=\"2\" fill=\"{FlameColors.Css(colour)}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 16:0}\" y=\"64\" {font}>{text}</text>\n");
            lx += text.Length * 7 + 34;
        }
        string rest = "(stronger: larger change relative to the base) · width: the larger of base and new"
            + (omitted.Length != 0 ? " · " + omitted : "");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx:0}\" y=\"64\" {font}>{Escape(rest)}</text>\n");
    }

    /// <summary>What the pruning left out beneath a node: its value less its self value and its callees' (the larger of base and new).</summary>
    private static long Omitted(FlameTree t, int n)
    {
        long v = t.Value[n] - t.Self[n], b = t.BaseValueOf(n) - t.BaseSelfOf(n);
        for (int c = t.FirstChild[n], end = c + t.ChildCount[n]; c < end; c++)
        {
            v -= t.Value[c];
            b -= t.BaseValueOf(c);
        }
        return Math.Max(0, Math.Max(v, b));
    }

    /// <summary>The hover text of a node: its name, value and share, and in a diff both values and the change.</summary>
    public static string Tooltip(FlameReport report, int n)
    {
        var t = report.Tree;
        string name = n == FlameTree.Root ? "all" : t.Frames.Name(t.Frame[n]);
        if (!t.IsDiff)
            return $"{name}\n{report.FormatValue(t.Value[n])} ({report.Percent(t.Value[n])}), self {report.FormatValue(t.Self[n])}";
        long b = t.BaseValueOf(n), v = t.Value[n], d = v - b;
        string rel = b == 0 ? (d == 0 ? "" : ", new") : ", " + ((double)d / Math.Abs(b) * 100).ToString("+0.0;-0.0;0", CultureInfo.InvariantCulture) + "%";
        return $"{name}\nbase {report.FormatValue(b)} ({report.Percent(b)}) → new {report.FormatValue(v)} ({report.Percent(v)})\nchange {report.FormatDelta(d)}{rel}";
    }

    /// <summary>The label cut to fit <paramref name="room"/> pixels (ending in '…' when cut), or null when not even three characters fit.</summary>
    private static string? Fit(string label, double room)
    {
        int chars = (int)(room / CharWidth);
        if (chars >= label.Length) return label;
        if (chars < 3) return null;
        return label[..(chars - 1)] + "…";
    }

    /// <summary>Text escaped for XML, with characters XML cannot hold replaced by '?'.</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\n': sb.Append("&#10;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(c).Append(s[++i]);
                    }
                    else if (c < 0x20 && c != '\t' || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        sb.Append('?');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }
}
