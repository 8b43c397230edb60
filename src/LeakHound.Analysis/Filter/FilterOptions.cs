using System.Text.RegularExpressions;

namespace LeakHound.Analysis.Filter;

/// <summary>pprof's sample and frame filters, as regular expressions (null when not set) and tag filter texts.</summary>
public sealed record FilterOptions
{
    public Regex? Focus { get; init; }
    public Regex? Ignore { get; init; }
    public Regex? Hide { get; init; }
    public Regex? Show { get; init; }
    public Regex? ShowFrom { get; init; }
    public Regex? PruneFrom { get; init; }
    /// <summary>"regex[,regex…]", "key=regex", "key=1kb:2mb" style, as given.</summary>
    public string TagFocus { get; init; } = "";
    public string TagIgnore { get; init; } = "";
    public Regex? TagShow { get; init; }
    public Regex? TagHide { get; init; }

    public bool Any => Focus is not null || Ignore is not null || Hide is not null || Show is not null || ShowFrom is not null
        || PruneFrom is not null || TagFocus.Length != 0 || TagIgnore.Length != 0 || TagShow is not null || TagHide is not null;

    /// <summary>The "Active filters" lines of a report header, as pprof lists them (prune_from is not listed).</summary>
    public List<string> ActiveFilters()
    {
        var list = new List<string>();
        void Add(string k, string? v)
        {
            if (!string.IsNullOrEmpty(v)) list.Add(k + "=" + v);
        }
        Add("focus", Focus?.ToString());
        Add("ignore", Ignore?.ToString());
        Add("hide", Hide?.ToString());
        Add("show", Show?.ToString());
        Add("show_from", ShowFrom?.ToString());
        Add("tagfocus", TagFocus);
        Add("tagignore", TagIgnore);
        Add("tagshow", TagShow?.ToString());
        Add("taghide", TagHide?.ToString());
        return list;
    }
}
