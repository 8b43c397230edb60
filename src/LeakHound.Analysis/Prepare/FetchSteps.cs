using System.Text.RegularExpressions;
using LeakHound.Analysis.Merge;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Prepare;

/// <summary>
/// What pprof does to every profile between reading it and reporting on it: a profile without
/// mappings gets a zero mapping for all its locations; profiles are merged (even a single one);
/// frames matching the profile's drop_frames are pruned; mapping file names that are URLs are
/// cleared. Reports that pprof shares with LeakHound need these steps to print the same.
/// </summary>
public static class FetchSteps
{
    /// <param name="compact">Merge as pprof does. Flat and graph reports can skip it: their sums do not change.</param>
    public static Profile Apply(IReadOnlyList<Profile> sources, bool compact) => Apply(sources, [], false, false, compact);

    /// <summary>
    /// With base profiles too (-base, or -diff_base when <paramref name="diffBase"/>): sources are
    /// merged, bases merged, then the bases' samples negated and merged in (see <see cref="BaseProfiles"/>).
    /// </summary>
    public static Profile Apply(IReadOnlyList<Profile> sources, IReadOnlyList<Profile> bases, bool diffBase, bool normalize, bool compact)
    {
        var withMappings = sources.Select(AddFakeMapping).ToArray();
        var p = compact || withMappings.Length > 1 || bases.Count > 0 ? ProfileMerger.Merge(withMappings) : withMappings[0];
        if (bases.Count > 0)
        {
            var b = ProfileMerger.Merge(bases.Select(AddFakeMapping).ToArray());
            p = BaseProfiles.Subtract(p, b, diffBase, normalize);
        }
        p = RemoveUninteresting(p);
        return UnsourceMappings(p);
    }

    /// <summary>pprof's locateBinaries fallback: a profile with no mapping gets mapping 1 (all zero) for every location.</summary>
    public static Profile AddFakeMapping(Profile p)
    {
        if (p.Mappings.Length > 0) return p;
        var locations = (Location[])p.Locations.Clone();
        for (int i = 0; i < locations.Length; i++) locations[i].Mapping = 0;
        return p.With(mappings: [new Mapping(1, 0, 0, 0, "", "", false, false, false, false)], locations: locations);
    }

    /// <summary>pprof's unsourceMappings: a mapping without build id whose file is an absolute URL loses the file name.</summary>
    public static Profile UnsourceMappings(Profile p)
    {
        if (!p.Mappings.Any(m => m.BuildId.Length == 0 && IsAbsoluteUrl(m.File))) return p;
        var mappings = p.Mappings.Select(m => m.BuildId.Length == 0 && IsAbsoluteUrl(m.File) ? m with { File = "" } : m).ToArray();
        return p.With(mappings: mappings);
    }

    private static bool IsAbsoluteUrl(string s)
    {
        // Go's url.Parse(s).IsAbs(): a scheme (letter, then letters, digits, + - .) before ':'.
        int colon = s.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(s[0])) return false;
        for (int i = 1; i < colon; i++)
            if (!(char.IsAsciiLetterOrDigit(s[i]) || s[i] is '+' or '-' or '.')) return false;
        return true;
    }

    /// <summary>
    /// pprof's RemoveUninteresting: with drop_frames set, locations whose (outermost matching)
    /// function matches are pruned from each stack, beneath the first frame from the root that
    /// does not match, so that a stack is never pruned away entirely.
    /// </summary>
    public static Profile RemoveUninteresting(Profile p)
    {
        if (p.DropFrames.Length == 0) return p;
        Regex drop, keep;
        try
        {
            drop = new Regex("^(" + p.DropFrames + ")$", RegexOptions.CultureInvariant);
            keep = new Regex("^(" + (p.KeepFrames.Length == 0 ? "(?!)" : p.KeepFrames) + ")$", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new InputException("profile", $"drop_frames or keep_frames is not a valid regular expression: {e.Message}");
        }

        var prune = new bool[p.Locations.Length];
        var pruneBeneath = new bool[p.Locations.Length];
        var locations = (Location[])p.Locations.Clone();
        bool any = false;
        for (int l = 0; l < locations.Length; l++)
        {
            var lines = p.LocationLines(l);
            int i;
            for (i = lines.Length - 1; i >= 0; i--)
            {
                string name = p.Functions[lines[i].Function].Name;
                if (name.Length == 0) continue;
                string simple = SimplifyFunc(name);
                if (drop.IsMatch(simple) && !keep.IsMatch(simple)) break;
            }
            if (i < 0) continue;
            any = true;
            pruneBeneath[l] = true;
            if (i == lines.Length - 1) prune[l] = true;
            else locations[l] = locations[l] with { FirstLine = locations[l].FirstLine + i + 1, LineCount = lines.Length - i - 1 };
        }
        if (!any) return p;

        var stackStart = new int[p.SampleCount + 1];
        var stack = new GrowableArray<int>(p.Stack.Length);
        for (int s = 0; s < p.SampleCount; s++)
        {
            var st = p.SampleStack(s);
            int from = 0;
            bool foundUser = false;
            for (int i = st.Length - 1; i >= 0; i--)
            {
                int id = st[i];
                if (!prune[id] && !pruneBeneath[id]) { foundUser = true; continue; }
                if (!foundUser) continue;
                from = prune[id] ? i + 1 : i;
                break;
            }
            stack.AddRange(st[from..]);
            stackStart[s + 1] = stack.Count;
        }
        return p.With(locations: locations, stackStart: stackStart, stack: stack.ToArray());
    }

    /// <summary>pprof's simplifyFunc: drops a leading '.' and an argument list, keeping "(anonymous namespace)" and "operator()".</summary>
    public static string SimplifyFunc(string f)
    {
        string name = f.StartsWith('.') ? f[1..] : f;
        int from = 0;
        while (true)
        {
            int open = name.IndexOf('(', from);
            if (open < 0) return name;
            if (string.CompareOrdinal(name, open, "(anonymous namespace)", 0, 21) == 0) { from = open + 21; continue; }
            if (open >= 8 && string.CompareOrdinal(name, open - 8, "operator()", 0, 10) == 0) { from = open + 2; continue; }
            return name[..open];
        }
    }
}
