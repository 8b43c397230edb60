using System.Globalization;
using System.Net;
using System.Text;

namespace LeakHound.Reports.Graph;

/// <summary>
/// A DOT graph (<see cref="DotGraph"/>) drawn as a self-contained SVG with LeakHound's own layered
/// layout, in pprof's visual language: boxes with the DOT label, font size, outline and fill
/// colours (so box size follows the flat value and colour the cumulative share), edges with their
/// colour, width (penwidth) and label, dotted for residual paths, "(inline)" labels kept; the
/// legend at the top left; tooltips; mouse-wheel zoom and drag to pan.
/// </summary>
public static class SvgGraphWriter
{
    private const double CharWidth = 0.6, LineHeight = 1.25, PadX = 10, PadY = 6, Margin = 16;

    public static void Write(DotGraph g, TextWriter w)
    {
        int n = g.NodeIds.Count;
        var width = new double[n];
        var height = new double[n];
        var lines = new List<(string Text, char Justify)>[n];
        var font = new double[n];
        for (int v = 0; v < n; v++)
        {
            var a = g.NodeAttributes[v];
            font[v] = Number(a, "fontsize", 14);
            lines[v] = DotGraph.LabelLines(a.GetValueOrDefault("label", g.NodeIds[v]));
            (width[v], height[v]) = Measure(lines[v], font[v]);
            if (a.GetValueOrDefault("shape") == "box3d") width[v] += 4;
        }
        var edges = g.Edges.Select(e => (e.Source, e.Target,
            (int)Number(e.Attributes, "minlen", 1), Number(e.Attributes, "weight", 1))).ToArray();
        var layout = LayeredLayout.Compute(width, height, edges);

        // The legend sits above the graph, at the left.
        List<(string, char)>? legend = g.Legend is { } la ? DotGraph.LabelLines(la.GetValueOrDefault("label", "")) : null;
        double legendFont = g.Legend is null ? 0 : Number(g.Legend, "fontsize", 14);
        var (legendW, legendH) = legend is null ? (0.0, 0.0) : Measure(legend, legendFont);
        double offsetY = Margin + (legend is null ? 0 : legendH + LayeredLayout.RankGap / 2);
        double totalW = Math.Max(layout.TotalWidth, legendW) + 2 * Margin;
        double totalH = offsetY + layout.TotalHeight + Margin;

        string F(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);
        w.Write($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(totalW)}\" height=\"{F(totalH)}\" viewBox=\"0 0 {F(totalW)} {F(totalH)}\"");
        w.Write(" font-family=\"Helvetica, Arial, sans-serif\">\n");
        w.Write($"<title>{Esc(g.Name)}</title>\n");
        w.Write("<style>.node:hover rect{stroke-width:2} .edge:hover path{stroke-opacity:.6} text{pointer-events:none}</style>\n");
        w.Write("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        w.Write("<g id=\"viewport\">\n");
        if (legend is not null)
        {
            w.Write("<g class=\"legend\">");
            w.Write($"<rect x=\"{F(Margin)}\" y=\"{F(Margin)}\" width=\"{F(legendW)}\" height=\"{F(legendH)}\" fill=\"#f8f8f8\" stroke=\"#000000\"/>");
            WriteText(w, legend, Margin + legendW / 2, Margin + legendH / 2, legendW, legendFont);
            w.Write("</g>\n");
        }

        // Edges first, so boxes are drawn over their ends.
        var placedLabels = new List<(double X, double Y, double W, double H)>();
        for (int e = 0; e < g.Edges.Count; e++)
        {
            var a = g.Edges[e].Attributes;
            var pts = layout.Routes[e].Select(p => (X: p.X + Margin, Y: p.Y + offsetY)).ToList();
            if (pts.Count < 2) continue;
            string color = a.GetValueOrDefault("color", "#000000");
            double pen = Number(a, "penwidth", 1);
            string dash = a.GetValueOrDefault("style") is "dotted" or "dashed" ? " stroke-dasharray=\"2,3\"" : "";
            w.Write($"<g class=\"edge\"><title>{Esc(Plain(a.GetValueOrDefault("tooltip", "")))}</title>");
            bool loop = g.Edges[e].Source == g.Edges[e].Target;
            string d = loop
                ? $"M{F(pts[0].X)},{F(pts[0].Y)} C{F(pts[0].X + LayeredLayout.SelfLoopWidth)},{F(pts[0].Y - 12)} {F(pts[1].X + LayeredLayout.SelfLoopWidth)},{F(pts[1].Y + 12)} {F(pts[1].X)},{F(pts[1].Y)}"
                : Path(pts, F);
            w.Write($"<path d=\"{d}\" fill=\"none\" stroke=\"{Esc(color)}\" stroke-width=\"{F(pen)}\"{dash}/>");
            w.Write(loop ? LoopArrow(pts[1], color, pen, F) : Arrow(pts[^2], pts[^1], color, pen, F));
            if (loop) pts = [(pts[0].X + LayeredLayout.SelfLoopWidth, pts[0].Y), (pts[0].X + LayeredLayout.SelfLoopWidth, pts[1].Y)];
            if (a.TryGetValue("label", out var label))
            {
                var mid = pts[pts.Count / 2 - (pts.Count % 2 == 0 ? 1 : 0)];
                var next = pts[Math.Min(pts.Count - 1, pts.Count / 2)];
                double lx = (mid.X + next.X) / 2 + 4, ly = (mid.Y + next.Y) / 2;
                var labelLines = DotGraph.LabelLines(label);
                double lw = labelLines.Max(l => l.Text.Trim().Length) * 10 * CharWidth, lh = labelLines.Count * 12;
                // Labels of edges that fan out from one box would overprint: moved down a line or two, else left out (the tooltip keeps the value).
                int tries = 0;
                while (tries < 3 && placedLabels.Any(r => lx < r.X + r.W && r.X < lx + lw && ly - 10 < r.Y + r.H && r.Y < ly - 10 + lh))
                {
                    ly += 11;
                    tries++;
                }
                if (tries < 3)
                {
                    placedLabels.Add((lx, ly - 10, lw, lh));
                    for (int i = 0; i < labelLines.Count; i++)
                        w.Write($"<text x=\"{F(lx)}\" y=\"{F(ly + i * 12)}\" font-size=\"10\" fill=\"#404040\">{Esc(labelLines[i].Text.Trim())}</text>");
                }
            }
            w.Write("</g>\n");
        }

        for (int v = 0; v < n; v++)
        {
            var a = g.NodeAttributes[v];
            double cx = layout.X[v] + Margin, cy = layout.Y[v] + offsetY, bw = width[v], bh = height[v];
            string fill = a.GetValueOrDefault("fillcolor", "#f8f8f8"), stroke = a.GetValueOrDefault("color", "#000000");
            w.Write($"<g class=\"node\" id=\"{Esc(a.GetValueOrDefault("id", g.NodeIds[v]))}\"><title>{Esc(Plain(a.GetValueOrDefault("tooltip", "")))}</title>");
            if (a.GetValueOrDefault("shape") == "box3d")
                w.Write($"<rect x=\"{F(cx - bw / 2 + 3)}\" y=\"{F(cy - bh / 2 - 3)}\" width=\"{F(bw)}\" height=\"{F(bh)}\" fill=\"{Esc(fill)}\" stroke=\"{Esc(stroke)}\"/>");
            w.Write($"<rect x=\"{F(cx - bw / 2)}\" y=\"{F(cy - bh / 2)}\" width=\"{F(bw)}\" height=\"{F(bh)}\" fill=\"{Esc(fill)}\" stroke=\"{Esc(stroke)}\"/>");
            WriteText(w, lines[v], cx, cy, bw, font[v]);
            w.Write("</g>\n");
        }
        w.Write("</g>\n");
        w.Write(PanZoomScript);
        w.Write("</svg>\n");
    }

    private static (double Width, double Height) Measure(List<(string Text, char Justify)> lines, double font)
    {
        int longest = lines.Count == 0 ? 0 : lines.Max(l => l.Text.Length);
        return (longest * font * CharWidth + 2 * PadX, Math.Max(1, lines.Count) * font * LineHeight + 2 * PadY);
    }

    private static void WriteText(TextWriter w, List<(string Text, char Justify)> lines, double cx, double cy, double bw, double font)
    {
        string F(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);
        double top = cy - lines.Count * font * LineHeight / 2;
        for (int i = 0; i < lines.Count; i++)
        {
            var (text, justify) = lines[i];
            double baseline = top + (i + 0.8) * font * LineHeight;
            var (x, anchor) = justify switch
            {
                'l' => (cx - bw / 2 + PadX, "start"),
                'r' => (cx + bw / 2 - PadX, "end"),
                _ => (cx, "middle"),
            };
            w.Write($"<text x=\"{F(x)}\" y=\"{F(baseline)}\" font-size=\"{F(font)}\" text-anchor=\"{anchor}\">{Esc(text)}</text>");
        }
    }

    /// <summary>A smooth path through the points: vertical tangents at each, as a layered drawing's edges.</summary>
    private static string Path(List<(double X, double Y)> pts, Func<double, string> f)
    {
        var sb = new StringBuilder();
        sb.Append('M').Append(f(pts[0].X)).Append(',').Append(f(pts[0].Y));
        for (int i = 1; i < pts.Count; i++)
        {
            var (x0, y0) = pts[i - 1];
            var (x1, y1) = pts[i];
            double dy = (y1 - y0) / 2;
            sb.Append(" C").Append(f(x0)).Append(',').Append(f(y0 + dy)).Append(' ')
              .Append(f(x1)).Append(',').Append(f(y1 - dy)).Append(' ').Append(f(x1)).Append(',').Append(f(y1));
        }
        return sb.ToString();
    }

    /// <summary>An arrowhead at the end of the last segment (its tangent there is vertical).</summary>
    private static string Arrow((double X, double Y) from, (double X, double Y) to, string color, double pen, Func<double, string> f)
    {
        double dir = to.Y >= from.Y ? 1 : -1;
        double size = 6 + pen;
        var (x, y) = to;
        return $"<path d=\"M{f(x)},{f(y)} L{f(x - size / 2)},{f(y - dir * size)} L{f(x + size / 2)},{f(y - dir * size)} Z\" fill=\"{Esc(color)}\" stroke=\"none\"/>";
    }

    /// <summary>An arrowhead pointing left, into the box's right side, at a self loop's end.</summary>
    private static string LoopArrow((double X, double Y) to, string color, double pen, Func<double, string> f)
    {
        double size = 6 + pen;
        var (x, y) = to;
        return $"<path d=\"M{f(x)},{f(y)} L{f(x + size)},{f(y - size / 2)} L{f(x + size)},{f(y + size / 2)} Z\" fill=\"{Esc(color)}\" stroke=\"none\"/>";
    }

    private static double Number(Dictionary<string, string> a, string key, double fallback) =>
        a.TryGetValue(key, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;

    /// <summary>A tooltip's text with DOT escapes removed.</summary>
    private static string Plain(string s) => string.Join(" ", DotGraph.LabelLines(s).Select(l => l.Text));

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    // Wheel zooms around the pointer; dragging pans. Plain script, no dependencies.
    private const string PanZoomScript = """
        <script><![CDATA[
        (function () {
          var svg = document.documentElement, vp = document.getElementById('viewport');
          var s = 1, tx = 0, ty = 0, drag = null;
          function apply() { vp.setAttribute('transform', 'translate(' + tx + ',' + ty + ') scale(' + s + ')'); }
          function point(ev) { var p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY; return p.matrixTransform(svg.getScreenCTM().inverse()); }
          svg.addEventListener('wheel', function (ev) {
            ev.preventDefault();
            var p = point(ev), k = ev.deltaY < 0 ? 1.2 : 1 / 1.2;
            tx = p.x - (p.x - tx) * k; ty = p.y - (p.y - ty) * k; s *= k; apply();
          }, { passive: false });
          svg.addEventListener('mousedown', function (ev) { drag = { p: point(ev), tx: tx, ty: ty }; });
          svg.addEventListener('mousemove', function (ev) {
            if (!drag) return;
            var p = point(ev); tx = drag.tx + p.x - drag.p.x; ty = drag.ty + p.y - drag.p.y; apply();
          });
          window.addEventListener('mouseup', function () { drag = null; });
          svg.addEventListener('dblclick', function () { s = 1; tx = 0; ty = 0; apply(); });
        })();
        ]]></script>

        """;
}
