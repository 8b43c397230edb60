using LeakHound.Analysis.Filter;
using LeakHound.Analysis.Graph;
using LeakHound.Analysis.Prepare;
using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Reports;

namespace LeakHound.Cli;

/// <summary>The options every pprof-style report accepts, and their translation into <see cref="ReportOptions"/>.</summary>
public static class ReportFlags
{
    /// <summary>Option name → takes a value.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Known = new Dictionary<string, bool>
    {
        ["sample_index"] = true, ["mean"] = false, ["divide_by"] = true, ["unit"] = true,
        ["inuse_space"] = false, ["inuse_objects"] = false, ["alloc_space"] = false, ["alloc_objects"] = false,
        ["total_delay"] = false, ["contentions"] = false, ["mean_delay"] = false,
        ["cum"] = false, ["flat"] = false,
        ["nodecount"] = true, ["nodefraction"] = true, ["edgefraction"] = true, ["trim"] = false,
        ["functions"] = false, ["filefunctions"] = false, ["files"] = false, ["lines"] = false, ["addresses"] = false,
        ["granularity"] = true, ["noinlines"] = false, ["drop_negative"] = false, ["compact_labels"] = false, ["call_tree"] = false,
        ["symbolize"] = true, ["json"] = false, ["output"] = true, ["o"] = true,
        ["focus"] = true, ["ignore"] = true, ["hide"] = true, ["show"] = true, ["show_from"] = true, ["prune_from"] = true,
        ["tagfocus"] = true, ["tagignore"] = true, ["tagshow"] = true, ["taghide"] = true, ["relative_percentages"] = false,
        ["base"] = true, ["diff_base"] = true, ["normalize"] = false,
        ["source_path"] = true, ["trim_path"] = true, ["tagroot"] = true, ["tagleaf"] = true,
    };

    public static FilterOptions Filters(CommandLine cl) => new()
    {
        Focus = Rx(cl, "focus"),
        Ignore = Rx(cl, "ignore"),
        Hide = Rx(cl, "hide"),
        Show = Rx(cl, "show"),
        ShowFrom = Rx(cl, "show_from"),
        PruneFrom = Rx(cl, "prune_from"),
        TagFocus = cl.Get("tagfocus") ?? "",
        TagIgnore = cl.Get("tagignore") ?? "",
        TagShow = Rx(cl, "tagshow"),
        TagHide = Rx(cl, "taghide"),
    };

    private static System.Text.RegularExpressions.Regex? Rx(CommandLine cl, string name)
    {
        string? v = cl.Get(name);
        if (string.IsNullOrEmpty(v)) return null;
        try
        {
            return new System.Text.RegularExpressions.Regex(v, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"parsing {name} regexp: {e.Message}");
        }
    }

    /// <summary>
    /// The report and the profile its graph is built from, as pprof's generateRawReport: the total
    /// is taken before filtering, unless -relative_percentages. Filter warnings go to stderr.
    /// </summary>
    public static Report FilteredReport(CommandLine cl, Profile profile, ReportOptions options, TextWriter stderr, out List<string> activeFilters)
    {
        profile = WithLabelFrames(cl, profile, stderr);
        var filters = Filters(cl);
        activeFilters = filters.ActiveFilters();
        if (!filters.Any) return Report.Create(profile, options);
        bool relative = cl.Flag("relative_percentages");
        Report? report = relative ? null : Report.Create(profile, options);
        var (filtered, warnings) = ProfileFilters.Apply(profile, filters);
        foreach (var w in warnings) stderr.WriteLine(w);
        return relative ? Report.Create(filtered, options) : report!.WithProfile(filtered);
    }

    /// <summary>
    /// -tagroot/-tagleaf: label pseudo frames added before filtering (so filters see them), as
    /// pprof does; a key list that no sample has a value for is a warning on stderr.
    /// </summary>
    public static Profile WithLabelFrames(CommandLine cl, Profile profile, TextWriter stderr)
    {
        string roots = cl.Get("tagroot") ?? "", leaves = cl.Get("tagleaf") ?? "";
        if (roots.Length == 0 && leaves.Length == 0) return profile;
        var p = LabelFrames.Add(profile, LabelFrames.Keys(roots), LabelFrames.Keys(leaves), cl.Get("unit") ?? "minimum", out bool rootMatched, out bool leafMatched);
        if (roots.Length != 0 && !rootMatched) stderr.WriteLine("TagRoot expression matched no samples");
        if (leaves.Length != 0 && !leafMatched) stderr.WriteLine("TagLeaf expression matched no samples");
        return p;
    }

    public static ReportOptions Options(CommandLine cl)
    {
        var o = new ReportOptions();
        string si = cl.Get("sample_index") ?? "";
        bool mean = cl.Flag("mean");
        // pprof's legacy selectors: the first one given wins when no -sample_index is set.
        foreach (var (flag, type) in new[]
        {
            ("total_delay", "delay"), ("mean_delay", "delay"), ("contentions", "contentions"),
            ("inuse_space", "inuse_space"), ("inuse_objects", "inuse_objects"),
            ("alloc_space", "alloc_space"), ("alloc_objects", "alloc_objects"),
        })
        {
            if (!cl.Flag(flag)) continue;
            if (flag == "mean_delay") mean = true;
            if (si.Length == 0) si = type;
        }

        var granularity = Granularity.Functions;
        if (cl.Get("granularity") is { } g && !GranularityNames.TryParse(g, out granularity))
            throw new UsageException($"unknown granularity \"{g}\": use functions, filefunctions, files, lines or addresses");
        foreach (var name in cl.Order)
            if (GranularityNames.TryParse(name, out var gg) && cl.Flag(name)) granularity = gg;

        bool cum = false;
        foreach (var name in cl.Order)
        {
            if (name == "cum") cum = cl.Flag("cum");
            if (name == "flat") cum = !cl.Flag("flat");
        }

        return o with
        {
            SampleIndex = si,
            Mean = mean,
            DivideBy = cl.Double("divide_by", 1.0),
            Unit = cl.Get("unit") ?? "minimum",
            NodeCount = cl.Int("nodecount", -1),
            NodeFraction = cl.Double("nodefraction", 0.005),
            EdgeFraction = cl.Double("edgefraction", 0.001),
            Trim = !cl.Has("trim") || cl.Flag("trim"),
            CumSort = cum,
            Granularity = granularity,
            NoInlines = cl.Flag("noinlines"),
            DropNegative = cl.Flag("drop_negative"),
            CompactLabels = cl.Flag("compact_labels"),
            CallTree = cl.Flag("call_tree"),
            SourcePath = cl.Get("source_path") ?? "",
            TrimPath = cl.Get("trim_path") ?? "",
        };
    }

    public static ProfileReadOptions ReadOptions(CommandLine cl)
    {
        string sym = cl.Get("symbolize") ?? "";
        return new ProfileReadOptions { KeepSymbols = sym != "none" };
    }

    /// <summary>
    /// The profile of an interactive session (<c>leakhound shell</c>), read once: reports run in the
    /// session take it instead of reading files. Per thread, so sessions in tests do not meet.
    /// </summary>
    [ThreadStatic]
    internal static Profile? SessionProfile;

    /// <summary>
    /// The profile a report reads: every input (files, globs, folders) merged, minus the -base or
    /// -diff_base profiles, after the steps pprof applies to every profile it reads
    /// (<see cref="FetchSteps"/>). <paramref name="compact"/> merges even a lone profile as pprof
    /// does (summing samples with equal stacks, dropping all-zero samples, renumbering locations);
    /// flat and graph reports do not need that: their sums are unchanged by it.
    /// </summary>
    public static Profile ReadProfile(CommandLine cl, bool compact)
    {
        if (SessionProfile is { } loaded && cl.Positionals.Count == 0) return loaded;
        var inputs = InputFiles.Expand(cl.Positionals);
        if (inputs.Count == 0) throw new UsageException("no profile given");
        var read = ReadOptions(cl);
        var sources = inputs.Select(f => ProfileReader.ReadFile(f, read)).ToList();
        var bases = cl.GetAll("base");
        var diffBases = cl.GetAll("diff_base");
        if (bases.Count > 0 && diffBases.Count > 0) throw new UsageException("-base and -diff_base cannot both be set");
        var baseFiles = InputFiles.Expand(bases.Count > 0 ? bases : diffBases);
        var baseProfiles = baseFiles.Select(f => ProfileReader.ReadFile(f, read)).ToList();
        return FetchSteps.Apply(sources, baseProfiles, diffBase: diffBases.Count > 0, normalize: cl.Flag("normalize"), compact);
    }
}
