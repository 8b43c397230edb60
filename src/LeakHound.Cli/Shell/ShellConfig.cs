using System.Globalization;
using LeakHound.Core;

namespace LeakHound.Cli.Shell;

/// <summary>
/// The options of an interactive session, as pprof's shell keeps them: every report option with
/// its current value (set by <c>name=value</c>, or <c>name</c> alone for a switch or a choice such
/// as <c>lines</c> or <c>cum</c>), turned into command-line options for each report.
/// </summary>
public sealed class ShellConfig
{
    private enum Kind { Text, Int, Float, Bool, Choice }

    private sealed record Field(string Name, Kind Kind, string Default, string Help, string[]? Choices = null);

    // pprof's configurable fields, less those of reports LeakHound does not have (disassembly).
    private static readonly Field[] Fields =
    [
        new("output", Kind.Text, "", "Output filename for file-based outputs"),
        new("call_tree", Kind.Bool, "false", "Create a context-sensitive call tree"),
        new("relative_percentages", Kind.Bool, "false", "Show percentages relative to focused subgraph"),
        new("unit", Kind.Text, "minimum", "Measurement units to display"),
        new("compact_labels", Kind.Bool, "false", "Show minimal headers"),
        new("source_path", Kind.Text, "", "Search path for source files"),
        new("trim_path", Kind.Text, "", "Path to trim from source paths before search"),
        new("mean", Kind.Bool, "false", "Average sample value over first value (count)"),
        new("sample_index", Kind.Text, "", "Sample value to report (0-based index or name)"),
        new("divide_by", Kind.Float, "1", "Ratio to divide all samples before visualization"),
        new("normalize", Kind.Bool, "false", "Scales profile based on the base profile."),
        new("sort", Kind.Choice, "flat", "Sort entries based on cumulative or flat weight", ["cum", "flat"]),
        new("tagroot", Kind.Text, "", "Adds pseudo stack frames for labels key/value pairs at the callstack root."),
        new("tagleaf", Kind.Text, "", "Adds pseudo stack frames for labels key/value pairs at the callstack leaf."),
        new("drop_negative", Kind.Bool, "false", "Ignore negative differences"),
        new("nodecount", Kind.Int, "-1", "Max number of nodes to show"),
        new("nodefraction", Kind.Float, "0.005", "Hide nodes below <f>*total"),
        new("edgefraction", Kind.Float, "0.001", "Hide edges below <f>*total"),
        new("trim", Kind.Bool, "true", "Honor nodefraction/edgefraction/nodecount defaults"),
        new("focus", Kind.Text, "", "Restricts to samples going through a node matching regexp"),
        new("ignore", Kind.Text, "", "Skips paths going through any nodes matching regexp"),
        new("prune_from", Kind.Text, "", "Drops any functions below the matched frame."),
        new("hide", Kind.Text, "", "Skips nodes matching regexp"),
        new("show", Kind.Text, "", "Only show nodes matching regexp"),
        new("show_from", Kind.Text, "", "Drops functions above the highest matched frame."),
        new("tagfocus", Kind.Text, "", "Restricts to samples with tags in range or matched by regexp"),
        new("tagignore", Kind.Text, "", "Discard samples with tags in range or matched by regexp"),
        new("tagshow", Kind.Text, "", "Only consider tags matching this regexp"),
        new("taghide", Kind.Text, "", "Skip tags matching this regexp"),
        new("noinlines", Kind.Bool, "false", "Ignore inlines."),
        new("granularity", Kind.Choice, "functions", "Aggregate at the function, file, line or address level",
            ["functions", "filefunctions", "files", "lines", "addresses"]),
    ];

    private readonly Dictionary<string, string> _values;

    public ShellConfig() => _values = Fields.ToDictionary(f => f.Name, f => f.Default, StringComparer.Ordinal);

    private ShellConfig(Dictionary<string, string> values) => _values = new(values, StringComparer.Ordinal);

    public ShellConfig Clone() => new(_values);

    public string this[string name]
    {
        get => _values[name];
        set => _values[name] = value;
    }

    /// <summary>True for an option name, or for a value of a choice (<c>lines</c>, <c>cum</c>).</summary>
    public static bool IsConfigurable(string name) => FieldFor(name) is not null;

    /// <summary>True when <paramref name="name"/> needs no value: a switch, or a choice's value.</summary>
    public static bool IsSwitch(string name) => FieldFor(name) is { } f && (f.Name != name || f.Kind == Kind.Bool);

    /// <summary>Every option name and choice value (for completion).</summary>
    public static IEnumerable<string> Names => Fields.SelectMany(f => f.Choices is null ? [f.Name] : f.Choices.Prepend(f.Name));

    /// <summary>Help for one option, or null.</summary>
    public static string? HelpFor(string name) => Fields.FirstOrDefault(f => f.Name == name)?.Help;

    /// <summary>One line per option for the shell's help, with choices indented under their group.</summary>
    public static IEnumerable<(string Name, string Help, string[]? Choices)> Describe() =>
        Fields.Where(f => f.Name != "output").Select(f => (f.Name, f.Help, f.Choices));

    /// <summary>Sets an option the way pprof's <c>configure</c> does; throws <see cref="UsageException"/> for a bad value.</summary>
    public void Set(string name, string value)
    {
        var f = FieldFor(name) ?? throw new UsageException($"unknown config field \"{name}\"");
        if (f.Name != name)
        {
            // A choice's value selects it when set to true ("lines=true"); pprof refuses "lines" alone.
            if (value is "1" or "t" or "T" or "true" or "TRUE" or "True") _values[f.Name] = name;
            else throw new UsageException($"unknown config field \"{name}\"");
            return;
        }
        switch (f.Kind)
        {
            case Kind.Choice when !f.Choices!.Contains(value):
                throw new UsageException($"invalid \"{f.Name}\" value \"{value}\"");
            case Kind.Int when !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _):
                throw new UsageException($"strconv.Atoi: parsing \"{value}\": invalid syntax");
            case Kind.Float when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                throw new UsageException($"strconv.ParseFloat: parsing \"{value}\": invalid syntax");
            case Kind.Bool:
                value = ParseBool(value) ? "true" : "false";
                break;
        }
        _values[f.Name] = value;
    }

    /// <summary>The options as command-line options for a report verb (those that differ from the defaults and that the verb knows).</summary>
    public List<string> ToArguments(IReadOnlyDictionary<string, bool> known)
    {
        var args = new List<string>();
        foreach (var f in Fields)
        {
            string v = _values[f.Name];
            if (v == f.Default || f.Name == "output") continue;
            if (f.Name == "sort")
            {
                args.Add(v == "cum" ? "-cum" : "-flat");
                continue;
            }
            if (known.ContainsKey(f.Name)) args.Add($"-{f.Name}={v}");
        }
        return args;
    }

    /// <summary>pprof's <c>o</c> listing: every option and its value, sorted, with choices and sample types noted.</summary>
    public void WriteOptions(IReadOnlyList<string> sampleTypes, TextWriter w)
    {
        var lines = new List<string>();
        foreach (var f in Fields)
        {
            if (f.Name == "source_path") continue;
            string v = _values[f.Name];
            string comment = "";
            if (f.Choices is not null) comment = "[" + string.Join(" | ", f.Choices.Order(StringComparer.Ordinal)) + "]";
            else if (f.Name == "sample_index")
            {
                if (v.Length == 0 && sampleTypes.Count > 0) v = sampleTypes[^1];
                comment = "[" + string.Join(" | ", sampleTypes) + "]";
            }
            else if (f.Name == "nodecount" && v == "-1") comment = "default";
            else if (v.Length == 0) v = "\"\"";
            if (comment.Length != 0) comment = "//: " + comment;
            lines.Add($"  {f.Name,-25} = {v,-20} {comment}");
        }
        lines.Sort(StringComparer.Ordinal);
        w.Write(string.Join("\n", lines) + "\n");
    }

    private static Field? FieldFor(string name) =>
        Fields.FirstOrDefault(f => f.Name == name) ?? Fields.FirstOrDefault(f => f.Choices?.Contains(name) == true);

    /// <summary>pprof's spellings of a switch's value (an empty value is true).</summary>
    private static bool ParseBool(string v) => v.ToLowerInvariant() switch
    {
        "true" or "t" or "yes" or "y" or "1" or "" => true,
        "false" or "f" or "no" or "n" or "0" => false,
        _ => throw new UsageException($"illegal value \"{v}\" for bool variable"),
    };
}
