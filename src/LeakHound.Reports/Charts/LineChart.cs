using System.Globalization;
using System.Net;
using System.Text;
using LeakHound.Analysis.Trends;
using LeakHound.Core;

namespace LeakHound.Reports.Charts;

/// <summary>
/// A small self-contained SVG line chart of one series over time: axes with a few ticks, the
/// points joined, optional vertical markers (restarts), values formatted in the series' unit.
/// </summary>
public static class LineChart
{
    public static string Svg(IReadOnlyList<SeriesPoint> points, string title, string unit, IReadOnlyList<double> markers, int width = 560, int height = 180, string color = "#c0392b")
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        const int left = 70, right = 12, top = 24, bottom = 28;
        int w = width - left - right, h = height - top - bottom;
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(title)}\">");
        sb.Append($"<text x=\"{left}\" y=\"15\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">{WebUtility.HtmlEncode(title)}</text>");
        if (points.Count == 0)
        {
            sb.Append($"<text x=\"{left}\" y=\"{top + h / 2}\" font-size=\"12\" fill=\"#888\">no data</text></svg>");
            return sb.ToString();
        }
        double t0 = points.Min(p => p.UnixSeconds), t1 = points.Max(p => p.UnixSeconds);
        if (t1 <= t0) t1 = t0 + 1;
        double v0 = Math.Min(0, points.Min(p => p.Value)), v1 = points.Max(p => p.Value);
        if (v1 <= v0) v1 = v0 + 1;
        double X(double t) => left + (t - t0) / (t1 - t0) * w;
        double Y(double v) => top + h - (v - v0) / (v1 - v0) * h;

        sb.Append($"<rect x=\"{left}\" y=\"{top}\" width=\"{w}\" height=\"{h}\" fill=\"#fbfbfb\" stroke=\"#ddd\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double v = v0 + (v1 - v0) * i / 4;
            double y = Y(v);
            sb.Append(string.Create(inv, $"<line x1=\"{left}\" x2=\"{left + w}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#eee\"/>"));
            sb.Append(string.Create(inv, $"<text x=\"{left - 6}\" y=\"{y + 4:F1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">{WebUtility.HtmlEncode(Format(v, unit))}</text>"));
        }
        double span = t1 - t0;
        for (int i = 0; i <= 4; i++)
        {
            double t = t0 + span * i / 4;
            sb.Append(string.Create(inv, $"<text x=\"{X(t):F1}\" y=\"{top + h + 16}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{Elapsed(t - t0)}</text>"));
        }
        foreach (var m in markers)
        {
            if (m < t0 || m > t1) continue;
            sb.Append(string.Create(inv, $"<line x1=\"{X(m):F1}\" x2=\"{X(m):F1}\" y1=\"{top}\" y2=\"{top + h}\" stroke=\"#7f8c8d\" stroke-dasharray=\"4 3\"><title>restart</title></line>"));
            sb.Append(string.Create(inv, $"<text x=\"{X(m) + 3:F1}\" y=\"{top + 11}\" font-size=\"10\" fill=\"#7f8c8d\">restart</text>"));
        }
        var path = new StringBuilder();
        foreach (var p in points.OrderBy(p => p.UnixSeconds))
            path.Append(path.Length == 0 ? 'M' : 'L').Append(X(p.UnixSeconds).ToString("F1", inv)).Append(',').Append(Y(p.Value).ToString("F1", inv));
        sb.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>");
        foreach (var p in points)
            sb.Append(string.Create(inv, $"<circle cx=\"{X(p.UnixSeconds):F1}\" cy=\"{Y(p.Value):F1}\" r=\"2.5\" fill=\"{color}\"><title>{Elapsed(p.UnixSeconds - t0)}: {WebUtility.HtmlEncode(Format(p.Value, unit))}</title></circle>"));
        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string Format(double v, string unit) => unit switch
    {
        "bytes" => Measurement.ScaledLabel((long)v, "bytes", "auto"),
        _ => Math.Abs(v) >= 100 || v == Math.Round(v) ? Math.Round(v).ToString("N0", CultureInfo.InvariantCulture) : v.ToString("G3", CultureInfo.InvariantCulture),
    };

    private static string Elapsed(double seconds) =>
        seconds < 120 ? $"{seconds:F0}s" : seconds < 7200 ? $"{seconds / 60:F0}m" : $"{seconds / 3600:F1}h";
}
