using System.Text.Json;
using LeakHound.Reports;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound top PROFILE</c>: the flat report of <c>go tool pprof -top</c>.</summary>
public static class TopCommand
{
    public const string Usage = "leakhound top [options] PROFILE";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        var profile = ReportFlags.ReadProfile(cl, compact: false);
        var options = ReportFlags.Options(cl).For(ReportKind.Top);
        var rpt = ReportFlags.FilteredReport(cl, profile, options, stderr, out var active);
        var report = TopReport.Build(rpt, active);
        if (cl.Flag("json")) WriteJson(report, stdout);
        else report.WriteText(stdout);
        return 0;
    }

    private static void WriteJson(TopReport top, TextWriter stdout)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            var r = top.Report;
            j.WriteStartObject();
            j.WriteString("sampleType", r.SampleType);
            j.WriteString("sampleUnit", r.SampleUnit);
            j.WriteString("outputUnit", r.OutputUnit);
            j.WriteNumber("total", r.Total);
            j.WriteStartArray("labels");
            foreach (var l in top.Labels) j.WriteStringValue(l);
            j.WriteEndArray();
            j.WriteStartArray("rows");
            long sum = 0;
            foreach (var row in top.Rows)
            {
                sum += row.Flat;
                j.WriteStartObject();
                j.WriteString("name", row.Name);
                j.WriteNumber("flat", row.Flat);
                j.WriteNumber("flatPercent", Percent(row.Flat, r.Total));
                j.WriteNumber("sumPercent", Percent(sum, r.Total));
                j.WriteNumber("cum", row.Cum);
                j.WriteNumber("cumPercent", Percent(row.Cum, r.Total));
                if (row.InlineLabel.Length != 0) j.WriteString("inline", row.InlineLabel.Trim('(', ')'));
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        stdout.Write(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
        stdout.Write('\n');
    }

    private static double Percent(long v, long total) => total == 0 ? 0 : Math.Abs((double)v / total) * 100;
}
