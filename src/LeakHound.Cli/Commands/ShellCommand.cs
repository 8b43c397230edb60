using System.Text.RegularExpressions;
using LeakHound.Cli.Shell;
using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Reports;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound shell [options] PROFILE…</c>: pprof's interactive mode. The profiles are read once
/// (merged, minus -base); each line is a report command with pprof's shorthands (<c>top10</c>,
/// <c>list Foo</c>, <c>peek Bar -baz</c>, <c>top -cum</c>, <c>tree &gt; out.txt</c>), an option
/// (<c>sample_index=alloc_space</c>, <c>focus=main</c>, <c>granularity=lines</c>, <c>noinlines</c>),
/// <c>:</c> to clear the filters, <c>o</c>, <c>help</c> or <c>quit</c>. As in pprof, reports go to
/// standard output and everything else (greeting, options, errors) to standard error; a terminal
/// gets line editing, history and completion, a pipe is read line by line.
/// </summary>
public static class ShellCommand
{
    public const string Usage = "leakhound shell [options] PROFILE…";

    private const string Prompt = "(leakhound) ";

    /// <summary>A report the shell runs: whether it takes an argument (a regexp), what it does, and how.</summary>
    private sealed record ShellVerb(bool HasParam, string Help, Func<List<string>, TextWriter, TextWriter, int> Run);

    private static readonly Dictionary<string, ShellVerb> Verbs = new(StringComparer.Ordinal)
    {
        ["top"] = new(false, "Outputs top entries in text form", (a, o, e) => TopCommand.Run(a, o, e)),
        ["text"] = new(false, "Outputs top entries in text form", (a, o, e) => TopCommand.Run(a, o, e)),
        ["traces"] = new(false, "Outputs all profile samples in text form", (a, o, e) => TextReportCommand.Run("traces", a, o, e)),
        ["tree"] = new(false, "Outputs a text rendering of call graph", (a, o, e) => TextReportCommand.Run("tree", a, o, e)),
        ["peek"] = new(true, "Output callers/callees of functions matching regexp", (a, o, e) => TextReportCommand.Run("peek", a, o, e)),
        ["tags"] = new(false, "Outputs all tags in the profile", (a, o, e) => TextReportCommand.Run("tags", a, o, e)),
        ["comments"] = new(false, "Output all profile comments", (a, o, e) => TextReportCommand.Run("comments", a, o, e)),
        ["raw"] = new(false, "Outputs a text representation of the raw profile", (a, o, e) => RawCommand.Run(a, o, e)),
        ["list"] = new(true, "Output annotated source for functions matching regexp", (a, o, e) => ListCommand.Run(a, o, e)),
        ["dot"] = new(false, "Outputs a graph in DOT format", (a, o, e) => DotCommand.Run(a, o, e)),
        ["svg"] = new(false, "Outputs a graph in SVG format (LeakHound's own layout)", (a, o, e) => DotCommand.Run(a, o, e, svg: true)),
        ["callgrind"] = new(false, "Outputs a graph in callgrind format", (a, o, e) => ExportCommand.Run(a, o, e, "callgrind")),
    };

    private static readonly Regex TailDigits = new("[0-9]+$", RegexOptions.CultureInvariant);

    public static int Run(IReadOnlyList<string> args, TextReader input, bool terminal, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, ReportFlags.Known);
        var profile = ReportFlags.ReadProfile(cl, compact: true);
        var config = new ShellConfig();
        // Options given on the command line start the session's configuration, as in pprof.
        foreach (var name in cl.Order)
        {
            if (!ShellConfig.IsConfigurable(name)) continue;
            string value = cl.Get(name) ?? "";
            if (name is "cum" or "flat") config["sort"] = cl.Flag(name) ? name : config["sort"];
            else config.Set(name, value);
        }
        config.Set("compact_labels", "true");

        Greet(profile, config, stderr);
        var reader = terminal
            ? new LineEditor(Prompt, Verbs.Keys.Concat(ShellConfig.Names).Concat(["options", "quit", "exit", "help"]).ToList(),
                profile.Functions.Select(f => f.Name).Distinct(StringComparer.Ordinal).ToList())
            : null;
        var previous = ReportFlags.SessionProfile;
        ReportFlags.SessionProfile = profile;
        try
        {
            while (true)
            {
                string? line;
                if (reader is not null)
                {
                    stdout.Flush();
                    line = reader.ReadLine();
                }
                else
                {
                    stdout.Write(Prompt);
                    stdout.Flush();
                    line = input.ReadLine();
                }
                if (line is null) return 0;
                foreach (var command in Expand(line.Trim(), profile))
                    if (!Execute(command, profile, config, stdout, stderr)) return 0;
            }
        }
        finally
        {
            ReportFlags.SessionProfile = previous;
        }
    }

    /// <summary>pprof's shortcuts: <c>:</c> clears the filters; a sample type's name selects it (<c>total_</c>/<c>mean_</c> prefixes set -mean).</summary>
    private static IEnumerable<string> Expand(string line, Profile p)
    {
        if (line == ":") return ["focus=", "ignore=", "hide=", "tagfocus=", "tagignore="];
        foreach (var st in p.SampleTypes)
        {
            if (line == st.Type) return [$"sample_index={st.Type}"];
            if (line == "total_" + st.Type) return ["mean=0", $"sample_index={st.Type}"];
            if (line == "mean_" + st.Type) return ["mean=1", $"sample_index={st.Type}"];
        }
        return [line];
    }

    /// <summary>Runs one command line; false to end the session.</summary>
    private static bool Execute(string input, Profile profile, ShellConfig config, TextWriter stdout, TextWriter stderr)
    {
        // name=value assignments (a "//:" comment after the value is dropped, as pprof writes them).
        int eq = input.IndexOf('=');
        string name = (eq >= 0 ? input[..eq] : input).Trim();
        if (ShellConfig.IsConfigurable(name))
        {
            string value = "";
            if (eq >= 0)
            {
                value = input[(eq + 1)..];
                int comment = value.LastIndexOf("//:", StringComparison.Ordinal);
                if (comment >= 0) value = value[..comment];
                value = value.Trim();
            }
            try
            {
                if (eq < 0 && !ShellConfig.IsSwitch(name))
                    throw new UsageException($"please specify a value, e.g. {name}=<val>");
                if (name == "sample_index") value = SampleType(profile, value);
                config.Set(name, value);
            }
            catch (UsageException e)
            {
                stderr.WriteLine(e.Message);
            }
            return true;
        }

        var tokens = input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (tokens.Count == 0) return true;
        switch (tokens[0])
        {
            case "o" or "options":
                config.WriteOptions(profile.SampleTypes.Select(t => t.Type).ToList(), stderr);
                return true;
            case "exit" or "quit" or "q":
                return false;
            case "help":
                Help(string.Join(" ", tokens.Skip(1)), stderr);
                return true;
        }
        try
        {
            RunReport(tokens, config, stdout, stderr);
        }
        catch (Exception e) when (e is UsageException or InputException)
        {
            stderr.WriteLine(e.Message);
        }
        return true;
    }

    /// <summary>pprof's parseCommandLine: the verb (with trailing digits as the node count), its regexp, then focus words, -ignore words, numbers, -cum and &gt; FILE.</summary>
    private static void RunReport(List<string> tokens, ShellConfig config, TextWriter stdout, TextWriter stderr)
    {
        string name = tokens[0];
        var args = tokens.Skip(1).ToList();
        if (!Verbs.TryGetValue(name, out var verb))
        {
            string digits = TailDigits.Match(name).Value;
            if (digits.Length != 0 && digits != name)
            {
                name = name[..^digits.Length];
                args.Insert(0, digits);
                Verbs.TryGetValue(name, out verb);
            }
        }
        if (verb is null)
        {
            if (ShellConfig.IsConfigurable(name))
                throw new UsageException($"did you mean: {name}={(args.Count > 0 ? args[0] : "<val>")}");
            throw new UsageException($"unrecognized command: \"{name}\"");
        }
        string? param = null;
        if (verb.HasParam)
        {
            if (args.Count == 0) throw new UsageException($"command {name} requires an argument");
            param = args[0];
            args.RemoveAt(0);
        }

        var local = config.Clone();
        string focus = "", ignore = "";
        for (int i = 0; i < args.Count; i++)
        {
            string t = args[i];
            if (int.TryParse(t, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int n))
            {
                local["nodecount"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }
            switch (t[0])
            {
                case '>':
                    string file = t[1..];
                    if (file.Length == 0)
                    {
                        if (++i >= args.Count) throw new UsageException("unexpected end of line after >");
                        file = args[i];
                    }
                    local["output"] = file;
                    break;
                case '-':
                    if (t is "-cum" or "--cum") local["sort"] = "cum";
                    else ignore = Either(ignore, t[1..]);
                    break;
                default:
                    focus = Either(focus, t);
                    break;
            }
        }
        string focusKey = name == "tags" ? "tagfocus" : "focus", ignoreKey = name == "tags" ? "tagignore" : "ignore";
        if (focus.Length != 0) local[focusKey] = focus;
        if (ignore.Length != 0) local[ignoreKey] = ignore;
        if (local["nodecount"] == "-1" && name is "top" or "text") local["nodecount"] = "10";

        var reportArgs = local.ToArguments(ReportFlags.Known);
        if (param is not null) reportArgs.Insert(0, param);
        string output = local["output"];
        if (output.Length == 0)
        {
            verb.Run(reportArgs, stdout, stderr);
            return;
        }
        // The report goes to the file, complete or not at all.
        var text = new StringWriter();
        verb.Run(reportArgs, text, stderr);
        stderr.WriteLine("Generating report in " + output);
        try
        {
            File.WriteAllText(output, text.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(output, e.Message);
        }
    }

    private static string Either(string a, string b) => a.Length != 0 && b.Length != 0 ? a + "|" + b : a + b;

    /// <summary>A sample_index value checked against the profile, stored as the type's name.</summary>
    private static string SampleType(Profile p, string value)
    {
        try
        {
            return p.SampleTypes[p.SampleIndexByName(value)].Type;
        }
        catch (UsageException)
        {
            throw new UsageException($"sample_index \"{value}\" must be one of: [{string.Join(" ", p.SampleTypes.Select(t => t.Type))}]");
        }
    }

    private static void Greet(Profile profile, ShellConfig config, TextWriter stderr)
    {
        var options = ReportFlags.Options(CommandLine.Parse(config.ToArguments(ReportFlags.Known), ReportFlags.Known));
        try
        {
            var rpt = Report.Create(profile, options);
            stderr.WriteLine(string.Join("\n", rpt.ProfileLabels()));
            if (rpt.Total == 0 && profile.SampleTypes.Length > 1)
            {
                stderr.WriteLine("No samples were found with the default sample value type.");
                stderr.WriteLine("Try \"sample_index\" command to analyze different sample values.\n");
            }
        }
        catch (UsageException)
        {
            // An unusable -sample_index is reported by the first report instead.
        }
        stderr.WriteLine("Entering interactive mode (type \"help\" for commands, \"o\" for options)");
    }

    private static void Help(string topic, TextWriter w)
    {
        static string Line(string c, string d) => $"    {c,-16} {d}";
        if (topic.Length == 0)
        {
            var lines = new List<string> { "  Commands:" };
            lines.AddRange(Verbs.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => Line(v.Key, v.Value.Help)));
            lines.Add(Line("o/options", "List options and their current values"));
            lines.Add(Line("q/quit/exit/^D", "Exit the shell"));
            lines.Add("");
            lines.Add("  Options (name=value; a switch or a choice alone sets it):");
            foreach (var (name, help, choices) in ShellConfig.Describe())
            {
                if (choices is null) lines.Add(Line(name, help));
                else
                {
                    lines.Add(Line(name, ""));
                    lines.AddRange(choices.Select(c => "  " + Line(c, "")));
                }
            }
            lines.Add("");
            lines.Add("  Report arguments: a number sets nodecount, a word focuses, -word ignores, -cum sorts by");
            lines.Add("  cumulative weight, > FILE writes the report to FILE.");
            lines.Add("  :   Clear focus/ignore/hide/tagfocus/tagignore");
            lines.Add("");
            lines.Add("  type \"help <cmd|option>\" for more information");
            w.WriteLine(string.Join("\n", lines));
            return;
        }
        if (Verbs.TryGetValue(topic, out var verb)) w.WriteLine($"{verb.Help}\n  Usage:\n    {topic}{(verb.HasParam ? " <regexp>" : "")} [n] [focus_regex]* [-ignore_regex]* [-cum] [>f]");
        else if (ShellConfig.HelpFor(topic) is { } help) w.WriteLine(help);
        else w.WriteLine("Unknown command: " + topic);
    }
}
