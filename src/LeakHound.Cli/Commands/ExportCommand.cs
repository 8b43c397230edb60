using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Reports;
using LeakHound.Reports.Text;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound export --format proto|topproto|callgrind -o OUT PROFILE…</c> (also the verbs
/// <c>proto</c>, <c>topproto</c>, <c>callgrind</c>, and <c>merge PROFILE… -o OUT</c>), as
/// <c>go tool pprof -proto/-topproto/-callgrind</c>: the profile, or the merge of several (files,
/// globs, folders; minus -base), after the filters, as gzipped profile.proto; the flat report as
/// a profile; or the call graph in callgrind's text format (standard output unless -o).
/// </summary>
public static class ExportCommand
{
    public const string Usage = "leakhound export --format proto|topproto|callgrind -o OUT PROFILE";

    private static readonly Dictionary<string, bool> Known = new(ReportFlags.Known) { ["format"] = true };

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, string? format = null)
    {
        var cl = CommandLine.Parse(args, Known);
        format ??= cl.Get("format") ?? "proto";
        if (format is not ("proto" or "topproto" or "callgrind"))
            throw new UsageException($"unknown export format \"{format}\"; use proto, topproto or callgrind");
        string? output = cl.Get("o") ?? cl.Get("output");
        if (output is null && format != "callgrind") throw new UsageException($"{format} needs -o FILE (use -o - for standard output)");
        var profile = ReportFlags.ReadProfile(cl, compact: true);
        var kind = format switch { "topproto" => ReportKind.TopProto, "callgrind" => ReportKind.Callgrind, _ => ReportKind.Proto };
        var rpt = ReportFlags.FilteredReport(cl, profile, ReportFlags.Options(cl).For(kind), stderr, out _);
        if (format == "callgrind")
        {
            if (output is null or "-")
            {
                CallgrindReport.Write(rpt, stdout);
                return 0;
            }
            var text = new StringWriter();
            CallgrindReport.Write(rpt, text);
            WriteFile(output, cl, fs => { using var w = new StreamWriter(fs, new System.Text.UTF8Encoding(false)); w.Write(text.ToString()); });
            stderr.WriteLine($"leakhound: wrote {output}");
            return 0;
        }
        profile = format == "topproto" ? TopProtoReport.Build(rpt) : Scaled(rpt.Profile, rpt.Options.DivideBy);
        if (output == "-")
        {
            stdout.Flush();
            using var so = Console.OpenStandardOutput();
            ProtoProfileWriter.Write(profile, so);
            return 0;
        }
        WriteFile(output!, cl, fs => ProtoProfileWriter.Write(profile, fs));
        stderr.WriteLine($"leakhound: wrote {output}");
        return 0;
    }

    /// <summary>-divide_by applied to every value, as pprof's -proto does before writing.</summary>
    private static Profile Scaled(Profile p, double divideBy)
    {
        double r = 1 / divideBy;
        if (!(r > 0) || r == 1) return p;
        var values = new long[p.Values.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (long)(p.Values[i] * r);
        return p.With(values: values);
    }

    /// <summary>Writes beside the target and moves it into place, so a failure never leaves half a file; never over an input.</summary>
    private static void WriteFile(string output, CommandLine cl, Action<Stream> write)
    {
        foreach (var input in InputFiles.Expand(cl.Positionals.Concat(cl.GetAll("base")).Concat(cl.GetAll("diff_base"))))
            if (input != "-" && Path.GetFullPath(output) == Path.GetFullPath(input))
                throw new UsageException($"refusing to overwrite the input {input}; choose another -o");
        string tmp = output + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var fs = File.Create(tmp)) write(fs);
            File.Move(tmp, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw new InputException(output, e.Message);
        }
    }
}
