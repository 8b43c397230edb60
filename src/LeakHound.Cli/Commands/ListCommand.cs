using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Reports;
using LeakHound.Reports.Source;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound list REGEX PROFILE…</c>: annotated source of the matching functions, as
/// <c>go tool pprof -list</c> prints it. Sources are found as pprof finds them (-source_path,
/// -trim_path, the recorded path); where pprof would not find one, LeakHound also looks in the
/// module around the working directory, the module cache and GOROOT (<see cref="GoSourceSearch"/>)
/// and says on stderr where it read it from. A file found nowhere prints pprof's error line.
/// </summary>
public static class ListCommand
{
    public const string Usage = "leakhound list [options] REGEX PROFILE…";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        if (cl.Positionals.Count == 0) throw new UsageException("usage: " + Usage);
        string rx = cl.Positionals[0];
        cl.Positionals.RemoveAt(0);
        Regex symbol;
        try
        {
            symbol = new Regex(rx, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"parsing argument regexp {rx}: {e.Message}");
        }

        var profile = ReportFlags.ReadProfile(cl, compact: false);
        var options = ReportFlags.Options(cl).For(ReportKind.List);
        var rpt = ReportFlags.FilteredReport(cl, profile, options, stderr, out _);

        string workingDirectory = Environment.CurrentDirectory;
        string searchPath = options.SourcePath.Length != 0 ? options.SourcePath : workingDirectory;
        var search = new GoSourceSearch(workingDirectory, GoEnvironment.Query);
        var reader = new SourceReader(searchPath, options.TrimPath, search.Find);
        ListReport.Write(rpt, stdout, symbol, reader);
        foreach (var (recorded, found) in reader.Substitutes)
            stderr.WriteLine($"leakhound: source of {recorded} read from {found}");
        return 0;
    }
}
