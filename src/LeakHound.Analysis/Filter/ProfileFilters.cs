using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Filter;

/// <summary>
/// Applies pprof's filters to a profile, in pprof's order (applyFocus): focus/ignore/hide/show by
/// function or file name, show_from, tagfocus/tagignore, tagshow/taghide, prune_from. Samples
/// without a stack are dropped as pprof drops them, filters or not. Returns the filtered profile
/// and pprof's warnings for filters that matched nothing.
/// </summary>
public static class ProfileFilters
{
    public static (Profile Profile, List<string> Warnings) Apply(Profile p, FilterOptions o)
    {
        var warnings = new List<string>();
        var units = TagFilter.NumLabelUnits(p);
        var tagFocus = TagFilter.Compile("tagfocus", o.TagFocus, units, out bool focusRange);
        var tagIgnore = TagFilter.Compile("tagignore", o.TagIgnore, units, out bool ignoreRange);
        if (focusRange) warnings.Add($"tagfocus:Interpreted '{RangeText(o.TagFocus)}' as range, not regexp");
        if (ignoreRange) warnings.Add($"tagignore:Interpreted '{RangeText(o.TagIgnore)}' as range, not regexp");

        var (q, fm, im, hm, hnm) = ByName(p, o.Focus, o.Ignore, o.Hide, o.Show);
        Warn(o.Focus is null || fm, "Focus");
        Warn(o.Ignore is null || im, "Ignore");
        Warn(o.Hide is null || hm, "Hide");
        Warn(o.Show is null || hnm, "Show");

        if (o.ShowFrom is not null)
        {
            bool sfm;
            (q, sfm) = ShowFrom(q, o.ShowFrom);
            Warn(sfm, "ShowFrom");
        }

        if (tagFocus is not null || tagIgnore is not null)
        {
            bool tfm = false, tim = false;
            q = SampleSubset.Where(q, (pp, s) =>
            {
                bool focused = tagFocus?.Invoke(pp, s) ?? true;
                bool ignored = tagIgnore?.Invoke(pp, s) ?? false;
                tfm |= focused;
                tim |= ignored;
                return focused && !ignored;
            });
            Warn(tagFocus is null || tfm, "TagFocus");
            Warn(tagIgnore is null || tim, "TagIgnore");
        }

        if (o.TagShow is not null || o.TagHide is not null)
        {
            bool sm = false, hmm = false;
            q = FilterTagsByName(q, name =>
            {
                bool show = o.TagShow is null || o.TagShow.IsMatch(name);
                bool hide = o.TagHide is not null && o.TagHide.IsMatch(name);
                sm |= show;
                hmm |= hide;
                return !show || hide;
            });
            Warn(o.TagShow is null || sm, "TagShow");
            Warn(o.TagHide is null || hmm, "TagHide");
        }

        if (o.PruneFrom is not null) q = PruneFrom(q, o.PruneFrom);
        return (q, warnings);

        void Warn(bool matched, string option)
        {
            if (!matched) warnings.Add(option + " expression matched no samples");
        }
    }

    private static string RangeText(string value) => value.IndexOf('=') is int eq and >= 0 ? value[(eq + 1)..] : value;

    private static bool LineMatches(Profile p, Line line, Regex rx)
    {
        ref readonly var f = ref p.Functions[line.Function];
        return rx.IsMatch(f.Name) || rx.IsMatch(f.Filename);
    }

    private static bool MappingMatches(Profile p, int location, Regex rx) =>
        p.Locations[location].Mapping is int m && m >= 0 && rx.IsMatch(p.Mappings[m].File);

    /// <summary>pprof's FilterSamplesByName.</summary>
    private static (Profile, bool Fm, bool Im, bool Hm, bool Hnm) ByName(Profile p, Regex? focus, Regex? ignore, Regex? hide, Regex? show)
    {
        bool fm = false, im = false, hm = false, hnm = false;
        int n = p.Locations.Length;
        var state = new sbyte[n]; // 1 focused, -1 ignored
        var hidden = new bool[n];
        var newLines = hide is not null || show is not null ? new List<Line>[n] : null;
        bool anyHidden = false;
        for (int l = 0; l < n; l++)
        {
            var lines = p.LocationLines(l);
            if (ignore is not null && MatchesName(p, l, ignore))
            {
                im = true;
                state[l] = -1;
            }
            else if (focus is null || MatchesName(p, l, focus))
            {
                fm = true;
                state[l] = 1;
            }
            if (newLines is null) continue;
            var kept = new List<Line>(lines.Length);
            foreach (var ln in lines) kept.Add(ln);
            if (hide is not null && MatchesName(p, l, hide))
            {
                hm = true;
                kept = MappingMatches(p, l, hide) ? [] : kept.Where(ln => !LineMatches(p, ln, hide)).ToList();
                if (kept.Count == 0) hidden[l] = true;
            }
            if (show is not null)
            {
                if (!MappingMatches(p, l, show)) kept = kept.Where(ln => LineMatches(p, ln, show)).ToList();
                if (kept.Count == 0) hidden[l] = true; else hnm = true;
            }
            anyHidden |= hidden[l];
            newLines[l] = kept;
        }

        var q = newLines is null ? p : WithLines(p, newLines);
        var stackStart = new int[p.SampleCount + 1];
        var stack = new GrowableArray<int>(p.Stack.Length);
        var keep = new bool[p.SampleCount];
        for (int s = 0; s < p.SampleCount; s++)
        {
            var st = p.SampleStack(s);
            bool focused = false, ignored = false;
            foreach (int l in st)
            {
                if (state[l] == -1) { ignored = true; break; }
                if (state[l] == 1) focused = true;
            }
            int before = stack.Count;
            if (focused && !ignored)
            {
                foreach (int l in st) if (!anyHidden || !hidden[l]) stack.Add(l);
                keep[s] = stack.Count > before;
            }
            stackStart[s + 1] = stack.Count;
        }
        var withStacks = q.With(stackStart: stackStart, stack: stack.ToArray());
        return (SampleSubset.Where(withStacks, (_, s) => keep[s]), fm, im, hm, hnm);
    }

    private static bool MatchesName(Profile p, int l, Regex rx)
    {
        foreach (var ln in p.LocationLines(l))
            if (LineMatches(p, ln, rx)) return true;
        return MappingMatches(p, l, rx);
    }

    /// <summary>pprof's ShowFrom: stacks cut above the rootmost frame matching; samples without one dropped.</summary>
    private static (Profile, bool) ShowFrom(Profile p, Regex rx)
    {
        int n = p.Locations.Length;
        var matches = new bool[n];
        var newLines = new List<Line>[n];
        bool matched = false;
        for (int l = 0; l < n; l++)
        {
            var lines = p.LocationLines(l);
            newLines[l] = [.. lines.ToArray()];
            if (MappingMatches(p, l, rx))
            {
                matches[l] = matched = true;
                continue;
            }
            for (int i = lines.Length - 1; i >= 0; i--)
            {
                if (!LineMatches(p, lines[i], rx)) continue;
                newLines[l] = [.. lines[..(i + 1)].ToArray()];
                matches[l] = matched = true;
                break;
            }
        }
        var q = WithLines(p, newLines);
        var stackStart = new int[p.SampleCount + 1];
        var stack = new GrowableArray<int>(p.Stack.Length);
        var keep = new bool[p.SampleCount];
        for (int s = 0; s < p.SampleCount; s++)
        {
            var st = p.SampleStack(s);
            for (int i = st.Length - 1; i >= 0; i--)
            {
                if (!matches[st[i]]) continue;
                stack.AddRange(st[..(i + 1)]);
                keep[s] = true;
                break;
            }
            stackStart[s + 1] = stack.Count;
        }
        var withStacks = q.With(stackStart: stackStart, stack: stack.ToArray());
        return (SampleSubset.Where(withStacks, (_, s) => keep[s]), matched);
    }

    /// <summary>pprof's FilterTagsByName: labels whose key <paramref name="remove"/> accepts are dropped.</summary>
    private static Profile FilterTagsByName(Profile p, Func<string, bool> remove)
    {
        var removeKey = new Dictionary<int, bool>();
        var labelStart = new int[p.SampleCount + 1];
        var labels = new GrowableArray<Label>(p.Labels.Length);
        for (int s = 0; s < p.SampleCount; s++)
        {
            foreach (var l in p.SampleLabels(s))
            {
                if (!removeKey.TryGetValue(l.Key, out bool r)) removeKey[l.Key] = r = remove(p.Strings[l.Key]);
                if (!r) labels.Add(l);
            }
            labelStart[s + 1] = labels.Count;
        }
        return p.With(labelStart: labelStart, labels: labels.ToArray());
    }

    /// <summary>pprof's PruneFrom: frames below (leafward of) the leafmost frame matching are dropped.</summary>
    private static Profile PruneFrom(Profile p, Regex rx)
    {
        int n = p.Locations.Length;
        var pruneBeneath = new bool[n];
        var newLines = new List<Line>[n];
        for (int l = 0; l < n; l++)
        {
            var lines = p.LocationLines(l);
            newLines[l] = [.. lines.ToArray()];
            for (int i = 0; i < lines.Length; i++)
            {
                string name = p.Functions[lines[i].Function].Name;
                if (name.Length == 0 || !rx.IsMatch(Prepare.FetchSteps.SimplifyFunc(name))) continue;
                pruneBeneath[l] = true;
                newLines[l] = [.. lines[i..].ToArray()];
                break;
            }
        }
        var q = WithLines(p, newLines);
        var stackStart = new int[p.SampleCount + 1];
        var stack = new GrowableArray<int>(p.Stack.Length);
        for (int s = 0; s < p.SampleCount; s++)
        {
            var st = p.SampleStack(s);
            int from = 0;
            for (int i = 0; i < st.Length; i++)
                if (pruneBeneath[st[i]]) { from = i; break; }
            stack.AddRange(st[from..]);
            stackStart[s + 1] = stack.Count;
        }
        return q.With(stackStart: stackStart, stack: stack.ToArray());
    }

    /// <summary>A profile whose locations have the given lines (a new line table).</summary>
    private static Profile WithLines(Profile p, List<Line>[] lines)
    {
        var table = new GrowableArray<Line>(p.Lines.Length);
        var locations = (Location[])p.Locations.Clone();
        for (int l = 0; l < locations.Length; l++)
        {
            locations[l] = locations[l] with { FirstLine = table.Count, LineCount = lines[l].Count };
            foreach (var ln in lines[l]) table.Add(ln);
        }
        return p.With(locations: locations, lines: table.ToArray());
    }
}
