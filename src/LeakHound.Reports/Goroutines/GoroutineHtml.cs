using System.Net;
using System.Text;
using LeakHound.Analysis;

namespace LeakHound.Reports.Goroutines;

/// <summary>A self-contained HTML page of the grouped dump: findings, and each group with its stack, filterable as you type.</summary>
public static class GoroutineHtml
{
    public static void Write(GoroutineReport r, TextWriter w)
    {
        var d = r.Dump;
        static string H(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.Append($"<title>Goroutines: {H(r.Source)}</title>\n");
        sb.Append("""
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            h1{font-size:1.3em;margin:0 0 .3em} .meta{color:#666}
            .findings{background:#fff4e5;border-left:4px solid #e67e22;padding:.5em 1em;margin:1em 0}
            .findings li{margin:.3em 0}
            details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}
            summary{cursor:pointer} .count{font-weight:bold;display:inline-block;min-width:5em}
            .state{color:#8e44ad} .leaked{color:#c0392b;font-weight:bold}
            table{border-collapse:collapse;font:12px/1.5 ui-monospace,monospace;margin:.4em 0}
            td{padding:0 .8em 0 0;vertical-align:top} tr.user td:first-child{font-weight:bold;color:#0b5394}
            .file{color:#777} input{font-size:14px;padding:.3em;width:30em;margin:.5em 0}
            </style></head><body>

            """);
        sb.Append($"<h1>{r.Total} goroutines in {r.Groups.Count} groups</h1>\n");
        sb.Append($"<div class=\"meta\">{H(r.Source)} · stacks grouped {H(GoroutineReport.SimilarityName(r.Similarity))} · user frames in bold</div>\n");
        if (r.Findings.Count > 0)
        {
            sb.Append("<div class=\"findings\"><b>Findings</b><ol>\n");
            foreach (var f in r.Findings) sb.Append($"<li><a href=\"#g{f.Group + 1}\">{H(f.Text)}</a></li>\n");
            sb.Append("</ol></div>\n");
        }
        sb.Append("<input id=\"filter\" placeholder=\"filter groups: function, file or state\" autocomplete=\"off\">\n<div id=\"groups\">\n");
        for (int i = 0; i < r.Groups.Count; i++)
        {
            var g = r.Groups[i];
            int rep = g.Representative;
            var frames = d.FramesOf(rep);
            string title = frames.Length == 0 ? "(no stack)" : d.Str(frames[g.FirstUserFrame >= 0 ? g.FirstUserFrame : 0].Function);
            sb.Append($"<details id=\"g{i + 1}\"{(i < 3 ? " open" : "")}><summary><span class=\"count\">{g.Count}</span> ");
            sb.Append($"<span class=\"state\">[{H(d.Str(d.State[rep]))}{(GoroutineReport.WaitText(g) is { Length: > 0 } wt ? ", " + H(wt) : "")}]</span> ");
            if (g.Leaked) sb.Append("<span class=\"leaked\">(leaked)</span> ");
            sb.Append(H(title)).Append("</summary>\n<table>\n");
            foreach (var f in frames)
            {
                bool user = GoPackages.IsUser(d.Str(f.Function));
                sb.Append($"<tr{(user ? " class=\"user\"" : "")}><td>{H(GoroutineReport.Call(d, f))}</td><td class=\"file\">{H(d.Str(f.File))}:{f.Line}</td></tr>\n");
            }
            if (d.CreatedByFunction[rep] >= 0)
                sb.Append($"<tr><td>created by {H(d.Str(d.CreatedByFunction[rep]))}</td><td class=\"file\">{H(d.Str(d.CreatedByFile[rep]))}:{d.CreatedByLine[rep]}</td></tr>\n");
            sb.Append("</table>");
            if (g.Labels.Count > 0) sb.Append($"<div class=\"meta\">labels: {H(string.Join(", ", g.Labels))}</div>");
            sb.Append("</details>\n");
        }
        sb.Append("""
            </div>
            <script>
            const input = document.getElementById('filter');
            input.addEventListener('input', () => {
              const q = input.value.toLowerCase();
              for (const g of document.querySelectorAll('#groups details'))
                g.style.display = !q || g.textContent.toLowerCase().includes(q) ? '' : 'none';
            });
            </script>
            </body></html>

            """);
        w.Write(sb.ToString());
    }
}
