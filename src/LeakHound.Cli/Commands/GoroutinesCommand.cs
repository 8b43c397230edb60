using System.Text.RegularExpressions;
using LeakHound.Analysis.Goroutines;
using LeakHound.Core;
using LeakHound.Formats.Goroutines;
using LeakHound.Reports.Goroutines;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound goroutines FILE|URL</c>: groups a goroutine dump by stack, ranks what matters,
/// points out stuck goroutines; with <c>--base OLD</c> (or a URL and <c>--every D</c>) shows what grew.
/// </summary>
public static class GoroutinesCommand
{
    public const string Usage = "leakhound goroutines [--similarity exact|pointers|args] [--match RX] [--exclude RX] [--groups N] [--json] [--html FILE] [--base OLD | --every DURATION] FILE|URL";

    private static readonly Dictionary<string, bool> Known = new()
    {
        ["similarity"] = true, ["match"] = true, ["exclude"] = true, ["groups"] = true, ["json"] = false,
        ["html"] = true, ["base"] = true, ["every"] = true,
    };

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, Known);
        if (cl.Positionals.Count != 1) throw new UsageException("usage: " + Usage);
        string input = cl.Positionals[0];
        var similarity = (cl.Get("similarity") ?? "pointers") switch
        {
            "exact" => StackSimilarity.Exact,
            "pointers" => StackSimilarity.IgnorePointers,
            "args" => StackSimilarity.IgnoreArgs,
            var s => throw new UsageException($"unknown similarity \"{s}\": use exact, pointers or args"),
        };
        var match = Regex("match", cl.Get("match"));
        var exclude = Regex("exclude", cl.Get("exclude"));
        int maxGroups = cl.Int("groups", 30);
        if (maxGroups <= 0) maxGroups = int.MaxValue;
        var sources = new SourceLines();

        GoroutineReport Report(string name, GoroutineDump dump) =>
            GoroutineReport.Build(name, dump, similarity, match, exclude, sources.Line);

        string? baseInput = cl.Get("base");
        string? every = cl.Get("every");
        if (baseInput is not null && every is not null) throw new UsageException("give either --base or --every, not both");
        if (baseInput is not null || every is not null)
        {
            GoroutineReport before, after;
            if (every is not null)
            {
                if (!DumpSource.IsUrl(input)) throw new UsageException("--every needs a URL to fetch twice");
                var wait = Durations.Parse(every);
                before = Report(input + " (first)", DumpSource.Read(input));
                stderr.WriteLine($"leakhound: waiting {every} before fetching {input} again");
                Thread.Sleep(wait);
                after = Report(input + " (second)", DumpSource.Read(input));
            }
            else
            {
                before = Report(baseInput!, DumpSource.Read(baseInput!));
                after = Report(input, DumpSource.Read(input));
            }
            var diff = GoroutineDiffReport.Build(before, after);
            if (cl.Flag("json"))
            {
                using var so = new MemoryStream();
                GoroutineJson.WriteDiff(diff, so);
                stdout.Write(System.Text.Encoding.UTF8.GetString(so.ToArray()));
                stdout.Write('\n');
            }
            else
            {
                diff.WriteText(stdout, maxGroups);
            }
            return 0;
        }

        var report = Report(input, DumpSource.Read(input));
        if (cl.Get("html") is { } html)
        {
            using var w = new StreamWriter(html, false, new System.Text.UTF8Encoding(false));
            GoroutineHtml.Write(report, w);
            stderr.WriteLine($"leakhound: wrote {html}");
        }
        if (cl.Flag("json"))
        {
            using var so = new MemoryStream();
            GoroutineJson.Write(report, so);
            stdout.Write(System.Text.Encoding.UTF8.GetString(so.ToArray()));
            stdout.Write('\n');
        }
        else if (cl.Get("html") is null)
        {
            report.WriteText(stdout, maxGroups);
        }
        return 0;
    }

    private static Regex? Regex(string option, string? pattern)
    {
        if (pattern is null) return null;
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--{option}: not a valid regular expression: {e.Message}");
        }
    }
}
