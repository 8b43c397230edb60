using System.Text;
using LeakHound.Analysis.Filter;
using LeakHound.Analysis.Flame;
using LeakHound.Analysis.Prepare;
using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Reports.Flame;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound flame PROFILE</c>: the call tree of one sample value as an interactive HTML page, a
/// static SVG, folded stacks or a speedscope file; with <c>-base</c>/<c>-diff_base OLD</c>, the
/// differential graph of OLD → PROFILE.
/// </summary>
public static class FlameCommand
{
    public const string Usage = "leakhound flame [--format html|svg|folded|speedscope] [-o FILE] [-sample_index=…] [-base OLD | -diff_base OLD] [-lines] [-focus/-ignore/-hide/-show/-tagfocus…] PROFILE";

    /// <summary>Frames under this fraction of the total are left out of an SVG: about a pixel of its 1200.</summary>
    public const double SvgMinFraction = 1e-3;

    private static readonly string[] Formats = ["html", "svg", "folded", "speedscope"];

    private static readonly Dictionary<string, bool> Known = new()
    {
        ["format"] = true, ["o"] = true, ["output"] = true, ["base"] = true, ["diff_base"] = true,
        ["sample_index"] = true, ["inuse_space"] = false, ["inuse_objects"] = false, ["alloc_space"] = false,
        ["alloc_objects"] = false, ["total_delay"] = false, ["contentions"] = false,
        ["functions"] = false, ["filefunctions"] = false, ["files"] = false, ["lines"] = false, ["addresses"] = false,
        ["granularity"] = true, ["noinlines"] = false, ["nodefraction"] = true, ["nodecount"] = true, ["symbolize"] = true,
        ["focus"] = true, ["ignore"] = true, ["hide"] = true, ["show"] = true, ["show_from"] = true, ["prune_from"] = true,
        ["tagfocus"] = true, ["tagignore"] = true, ["tagshow"] = true, ["taghide"] = true, ["tagroot"] = true, ["tagleaf"] = true,
    };

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, Known);
        string? output = cl.Get("o") ?? cl.Get("output");
        string format = cl.Get("format") ?? FormatOf(output) ?? "html";
        if (!Formats.Contains(format))
            throw new UsageException($"unknown flame graph format \"{format}\"; use html, svg, folded or speedscope");
        if (cl.Has("base") && cl.Has("diff_base")) throw new UsageException("give -base or -diff_base, not both");
        string? basePath = cl.Get("diff_base") ?? cl.Get("base");

        var options = ReportFlags.Options(cl);
        double minFraction = cl.Has("nodefraction")
            ? cl.Double("nodefraction", 0)
            : format switch { "html" => FlameHtml.DefaultMinFraction, "svg" => SvgMinFraction, _ => 0 };
        if (minFraction is < 0 or >= 1) throw new UsageException("-nodefraction must be at least 0 and under 1");
        int maxNodes = cl.Int("nodecount", format switch { "html" => FlameHtml.DefaultMaxNodes, _ => -1 });
        var treeOptions = new FlameTreeOptions { Granularity = options.Granularity, NoInlines = options.NoInlines, MinFraction = minFraction };

        if (cl.Positionals.Count != 1)
            throw new UsageException(cl.Positionals.Count == 0 ? "no profile given" : "give one profile (and the older one with -base or -diff_base)");
        var profile = Read(cl, cl.Positionals[0], stderr);
        if (profile.SampleTypes.Length == 0) throw new UsageException("profile has no samples");
        int index = profile.SampleIndexByName(options.SampleIndex);
        var sampleType = profile.SampleTypes[index];
        string source = Path.GetFileName(cl.Positionals[0]);

        FlameTree tree;
        string baseSource = "";
        if (basePath is null)
        {
            tree = FlameTree.Build(new FlameInput(profile, index), treeOptions);
        }
        else
        {
            var baseProfile = Read(cl, basePath, stderr);
            int baseIndex = Array.FindIndex(baseProfile.SampleTypes, t => t.Type == sampleType.Type);
            if (baseIndex < 0 || baseProfile.SampleTypes[baseIndex].Unit != sampleType.Unit)
                throw new UsageException($"base profile {basePath} has no sample type {sampleType.Type} in {sampleType.Unit} (it has: {string.Join(" ", baseProfile.SampleTypes.Select(t => t.Type + "/" + t.Unit))})");
            tree = FlameTree.BuildDiff(new FlameInput(baseProfile, baseIndex), new FlameInput(profile, index), treeOptions);
            baseSource = Path.GetFileName(basePath);
        }
        if (maxNodes > 0 && tree.NodeCount - 1 > maxNodes) tree = tree.Prune(tree.MinMagnitude, maxNodes);

        var report = new FlameReport
        {
            Tree = tree,
            SampleType = sampleType.Type,
            SampleUnit = sampleType.Unit,
            Source = source,
            BaseSource = baseSource,
            // pprof's -diff_base measures percentages against the base; -base against the result.
            PercentOf = cl.Has("diff_base") ? tree.BaseTotal : tree.Total,
        };

        if (output is null || output == "-")
        {
            Render(report, format, stdout);
            return 0;
        }
        foreach (var input in basePath is null ? [cl.Positionals[0]] : new[] { cl.Positionals[0], basePath })
            if (Path.GetFullPath(output) == Path.GetFullPath(input))
                throw new UsageException($"refusing to overwrite the input {input}; choose another -o");
        // Written beside the target and moved into place, so a failure never leaves half a file.
        string tmp = output + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var fs = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16)) Render(report, format, fs);
            File.Move(tmp, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw new InputException(output, e.Message);
        }
        stderr.WriteLine($"leakhound: wrote {output} ({tree.NodeCount - 1} frames)");
        return 0;
    }

    /// <summary>
    /// One profile after pprof's fetch steps, its label frames (-tagroot/-tagleaf) and the filters
    /// (-focus, -ignore, -hide, -show, -show_from, -prune_from, -tag…), applied to each side of a
    /// diff alike. Not <see cref="ReportFlags.ReadProfile"/>: that one subtracts -base from the
    /// profile, and a flame graph keeps the two apart.
    /// </summary>
    private static Profile Read(CommandLine cl, string path, TextWriter stderr)
    {
        var p = FetchSteps.Apply([ProfileReader.ReadFile(path, ReportFlags.ReadOptions(cl))], compact: false);
        p = ReportFlags.WithLabelFrames(cl, p, stderr);
        var filters = ReportFlags.Filters(cl);
        if (!filters.Any) return p;
        var (filtered, warnings) = ProfileFilters.Apply(p, filters);
        foreach (var w in warnings) stderr.WriteLine(w);
        return filtered;
    }

    private static void Render(FlameReport report, string format, TextWriter w)
    {
        switch (format)
        {
            case "html": FlameHtml.Write(report, w); break;
            case "svg": FlameSvg.Write(report, w); break;
            case "folded": FoldedStacks.Write(report.Tree, w); break;
            default: Speedscope.Write(report, w, "leakhound " + typeof(FlameCommand).Assembly.GetName().Version?.ToString(3)); break;
        }
    }

    /// <summary>The format an output file's extension implies, or null.</summary>
    private static string? FormatOf(string? output)
    {
        if (output is null) return null;
        string name = output.ToLowerInvariant();
        if (name.EndsWith(".html", StringComparison.Ordinal) || name.EndsWith(".htm", StringComparison.Ordinal)) return "html";
        if (name.EndsWith(".svg", StringComparison.Ordinal)) return "svg";
        if (name.EndsWith(".folded", StringComparison.Ordinal) || name.EndsWith(".collapsed", StringComparison.Ordinal) || name.EndsWith(".txt", StringComparison.Ordinal)) return "folded";
        if (name.EndsWith(".json", StringComparison.Ordinal)) return "speedscope";
        return null;
    }
}
