using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound export --format proto -o OUT PROFILE…</c> (and <c>leakhound merge PROFILE… -o OUT</c>):
/// writes the profile, or the merge of several (files, globs, folders; minus -base), as gzipped profile.proto.
/// </summary>
public static class ExportCommand
{
    public const string Usage = "leakhound export --format proto -o OUT.pb.gz PROFILE";

    private static readonly Dictionary<string, bool> Known = new(ReportFlags.Known) { ["format"] = true };

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, Known);
        string format = cl.Get("format") ?? "proto";
        if (format != "proto") throw new UsageException($"unknown export format \"{format}\"; use proto");
        string? output = cl.Get("o") ?? cl.Get("output");
        if (output is null) throw new UsageException("export needs -o FILE (use -o - for standard output)");
        var profile = ReportFlags.WithLabelFrames(cl, ReportFlags.ReadProfile(cl, compact: true), stderr);
        if (output == "-")
        {
            using var so = Console.OpenStandardOutput();
            ProtoProfileWriter.Write(profile, so);
            return 0;
        }
        foreach (var input in InputFiles.Expand(cl.Positionals.Concat(cl.GetAll("base")).Concat(cl.GetAll("diff_base"))))
            if (input != "-" && Path.GetFullPath(output) == Path.GetFullPath(input))
                throw new UsageException($"refusing to overwrite the input {input}; choose another -o");
        // Written beside the target and moved into place, so a failure never leaves half a file.
        string tmp = output + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var fs = File.Create(tmp)) ProtoProfileWriter.Write(profile, fs);
            File.Move(tmp, output, overwrite: true);
        }
        catch (IOException e)
        {
            File.Delete(tmp);
            throw new InputException(output, e.Message);
        }
        stderr.WriteLine($"leakhound: wrote {output}");
        return 0;
    }
}
