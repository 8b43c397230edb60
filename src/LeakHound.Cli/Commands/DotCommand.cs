using LeakHound.Analysis.Filter;
using LeakHound.Core;
using LeakHound.Reports;
using LeakHound.Reports.Graph;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound dot [options] PROFILE…</c>: the call graph in Graphviz DOT, as <c>go tool pprof -dot</c>
/// writes it, with the same options and filters as <c>top</c>; to standard output, or to -o FILE.
/// <c>leakhound svg</c>: the same graph drawn by LeakHound's own layered layout (<see cref="SvgGraphWriter"/>).
/// </summary>
public static class DotCommand
{
    public const string Usage = "leakhound dot [options] PROFILE…";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, bool svg = false)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        var profile = ReportFlags.ReadProfile(cl, compact: false);
        var numLabelUnits = TagFilter.NumLabelUnits(profile);
        var options = ReportFlags.Options(cl).For(ReportKind.Dot);
        var rpt = ReportFlags.FilteredReport(cl, profile, options, stderr, out var active);
        string? output = cl.Get("o") ?? cl.Get("output");
        void Write(TextWriter w)
        {
            if (!svg)
            {
                DotReport.Write(rpt, w, active, numLabelUnits);
                return;
            }
            var dot = new StringWriter();
            DotReport.Write(rpt, dot, active, numLabelUnits);
            SvgGraphWriter.Write(DotGraph.Parse(dot.ToString()), w);
        }
        if (output is null || output == "-")
        {
            Write(stdout);
            return 0;
        }
        // Written beside the target and moved into place, so a failure never leaves half a file.
        string tmp = output + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var file = new StreamWriter(tmp, append: false, new System.Text.UTF8Encoding(false)))
                Write(file);
            File.Move(tmp, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw new InputException(output, e.Message);
        }
        stderr.WriteLine($"leakhound: wrote {output}");
        return 0;
    }
}
