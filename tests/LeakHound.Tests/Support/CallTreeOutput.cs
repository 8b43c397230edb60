using System.Globalization;
using System.Text.RegularExpressions;

namespace LeakHound.Tests.Support;

/// <summary>
/// Whether two DOT or callgrind outputs of a call tree (-call_tree) are the same tree, told apart
/// only where pprof's own output changes from run to run: the order of nodes that tie in its sort
/// (the same function under different callers with the same sort key: in DOT the entropy score,
/// 0 for every node that only passes its weight on, and the flat value; in callgrind the flat and
/// cumulative values) and what follows from it, their numbers in DOT, the order of their records
/// and callgrind's name numbers and "[i/n]" suffixes. Everything else must agree: the sequence of
/// nodes (in DOT, each run of nodes of one name and font size, i.e. flat value, taken as a set),
/// and every line (DOT) or record (callgrind) with nodes named by their call path.
/// </summary>
public static class CallTreeOutput
{
    public static bool SameAsAny(IEnumerable<string> pprofOutputs, string ours)
    {
        var mine = Canonical(ours);
        return mine is not null && pprofOutputs.Any(o => Canonical(o) is { } theirs && theirs.SequenceEqual(mine));
    }

    /// <summary>Whether pprof's outputs are different trees (not only the same tree in another order).</summary>
    public static bool Unstable(IReadOnlyCollection<string> pprofOutputs)
    {
        var forms = pprofOutputs.Select(Canonical).ToList();
        return forms.Any(f => f is null || !f.SequenceEqual(forms[0]!));
    }

    /// <summary>
    /// For DOT whose trees differ from run to run: whether each line of ours (nodes named by their
    /// tooltips, ids set aside) occurs as many times as in some run, between the fewest and the most.
    /// </summary>
    public static bool WithinBounds(IReadOnlyCollection<string> pprofOutputs, string ours)
    {
        if (!ours.StartsWith("digraph", StringComparison.Ordinal)) return false;
        var runs = pprofOutputs.Select(TooltipLineCounts).ToList();
        var mine = TooltipLineCounts(ours);
        foreach (var line in runs.SelectMany(r => r.Keys).Concat(mine.Keys).Distinct())
        {
            int n = mine.GetValueOrDefault(line);
            if (n < runs.Min(r => r.GetValueOrDefault(line)) || n > runs.Max(r => r.GetValueOrDefault(line))) return false;
        }
        return true;
    }

    private static Dictionary<string, int> TooltipLineCounts(string dot)
    {
        var lines = dot.Split('\n');
        var tooltip = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
            if (NodeLine.Match(line) is { Success: true } m) tooltip[m.Groups[1].Value] = m.Groups[2].Value;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            string named = NodeId.Replace(IdAttribute.Replace(line, ""), m =>
                tooltip.TryGetValue(m.Groups[1].Value.TrimStart('N'), out var t) ? $"<{t}>{m.Groups[2].Value}" : m.Value);
            counts[named] = counts.GetValueOrDefault(named) + 1;
        }
        return counts;
    }

    /// <summary>For a failure message: where our canonical form first differs from pprof's.</summary>
    public static string Difference(string pprof, string ours)
    {
        var a = Canonical(pprof);
        var b = Canonical(ours);
        if (a is null || b is null) return "not DOT or callgrind";
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
            if (TextDiff.FirstDifference(a[i], b[i]) is { } d) return $"canonical part {i + 1}, {d}";
        return "same canonical form";
    }

    /// <summary>The output's canonical form (two parts: nodes in order, then the sorted lines or records), or null if it is neither DOT nor callgrind.</summary>
    public static IReadOnlyList<string>? Canonical(string output) =>
        output.StartsWith("digraph", StringComparison.Ordinal) ? CanonicalDot(output)
        : output.StartsWith("positions:", StringComparison.Ordinal) ? CanonicalCallgrind(output)
        : null;

    private static readonly Regex NodeLine = new(@"^N(\d+) \[.* tooltip=""([^""]*)""", RegexOptions.CultureInvariant);
    private static readonly Regex EdgeLine = new(@"^N(\d+) -> N(\d+) \[", RegexOptions.CultureInvariant);
    private static readonly Regex NodeId = new(@"\bN(N?\d+)(_\d+)?\b", RegexOptions.CultureInvariant);
    private static readonly Regex IdAttribute = new(@" id=""[^""]*""", RegexOptions.CultureInvariant);
    private static readonly Regex FontSize = new(@" fontsize=\d+", RegexOptions.CultureInvariant);

    private static List<string> CanonicalDot(string dot)
    {
        var lines = dot.Split('\n');
        var tooltip = new Dictionary<string, string>(StringComparer.Ordinal);
        var caller = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        var run = new List<string>();
        string runKey = "";
        foreach (var line in lines)
        {
            if (NodeLine.Match(line) is { Success: true } m)
            {
                string tip = m.Groups[2].Value;
                tooltip[m.Groups[1].Value] = tip;
                string key = tip[..Math.Max(0, tip.LastIndexOf(" (", StringComparison.Ordinal))] + FontSize.Match(line).Value;
                if (key != runKey) EndRun();
                runKey = key;
                run.Add(IdAttribute.Replace(line[(line.IndexOf(' ') + 1)..], ""));
            }
            else if (EdgeLine.Match(line) is { Success: true } e)
            {
                caller[e.Groups[2].Value] = e.Groups[1].Value;
            }
        }
        EndRun();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        string PathOf(string id)
        {
            if (paths.TryGetValue(id, out var p)) return p;
            // A node's path is its callers' tooltips from the root down (a cycle, which no tree has, is cut).
            var chain = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (string? n = id; n is not null && seen.Add(n); n = caller.GetValueOrDefault(n))
                chain.Add(tooltip.GetValueOrDefault(n, "N" + n));
            chain.Reverse();
            return paths[id] = string.Join(" > ", chain);
        }
        string Replace(Match m)
        {
            string n = m.Groups[1].Value.TrimStart('N');
            return tooltip.ContainsKey(n) ? $"<{PathOf(n)}>{m.Groups[2].Value}" : m.Value;
        }
        var canonical = lines.Select(l => NodeId.Replace(IdAttribute.Replace(l, ""), Replace)).Order(StringComparer.Ordinal);
        return [string.Join('\n', order), string.Join('\n', canonical)];

        void EndRun()
        {
            run.Sort(StringComparer.Ordinal);
            order.AddRange(run);
            run.Clear();
        }
    }

    private static readonly Regex Compressed = new(@"^\((\d+)\)(?: (.*))?$", RegexOptions.CultureInvariant);
    private static readonly Regex Suffix = new(@" \[\d+/(\d+)\]$", RegexOptions.CultureInvariant);

    /// <summary>
    /// callgrind's records with names spelled out, addresses made absolute (pprof gives them relative
    /// to the previous record's), calls sorted and "[i/n]" reduced to "[n]"; the records' (function,
    /// address, line, value) in order; then every record with its calls, sorted.
    /// </summary>
    private static List<string>? CanonicalCallgrind(string text)
    {
        var objfiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string ob = "", fl = "", fn = "", cfl = "", cfn = "";
        ulong? previous = null, current = null;
        var header = new List<string>();
        var order = new List<string>();
        var records = new List<string>();
        List<string>? calls = null;
        string record = "";
        string? callTarget = null;
        void Close()
        {
            if (calls is null) return;
            calls.Sort(StringComparer.Ordinal);
            records.Add(record + "\n" + string.Join("\n", calls));
            calls = null;
        }
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("positions:", StringComparison.Ordinal) || line.StartsWith("events:", StringComparison.Ordinal)) header.Add(line);
            else if (line.StartsWith("ob=", StringComparison.Ordinal)) { Close(); ob = Name(objfiles, line[3..]); }
            else if (line.StartsWith("fl=", StringComparison.Ordinal)) { Close(); fl = Name(files, line[3..]); }
            else if (line.StartsWith("fn=", StringComparison.Ordinal)) { Close(); fn = Name(names, line[3..]); }
            else if (line.StartsWith("cfl=", StringComparison.Ordinal)) cfl = Name(files, line[4..]);
            else if (line.StartsWith("cfn=", StringComparison.Ordinal)) cfn = Suffix.Replace(Name(names, line[4..]), " [$1]");
            else if (line.StartsWith("calls=0 ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                callTarget = $"{cfl}|{cfn}|{Address(parts[1], previous):x}|{parts[2]}";
            }
            else if (line.StartsWith("* * ", StringComparison.Ordinal) && callTarget is not null)
            {
                calls?.Add(callTarget + "|" + line[4..]);
                callTarget = null;
            }
            else
            {
                // A record: "ADDRESS LINE VALUE"; the previous record's address is what later ones are relative to.
                var parts = line.Split(' ');
                if (parts.Length != 3) return null;
                Close();
                if (current is not null) previous = current;
                current = Address(parts[0], previous);
                record = $"{ob}|{fl}|{fn}|{current:x}|{parts[1]}|{parts[2]}";
                order.Add(record);
                calls = [];
            }
        }
        Close();
        records.Sort(StringComparer.Ordinal);
        return [string.Join('\n', header), string.Join('\n', order), string.Join("\n\n", records)];

        static string Name(Dictionary<string, string> ids, string value)
        {
            if (value.Length == 0) return "";
            var m = Compressed.Match(value);
            if (!m.Success) return value;
            if (m.Groups[2].Success) ids[m.Groups[1].Value] = m.Groups[2].Value;
            return ids.GetValueOrDefault(m.Groups[1].Value, value);
        }

        static ulong Address(string a, ulong? previous)
        {
            if (a == "*") return previous ?? 0;
            if (a.StartsWith("0x", StringComparison.Ordinal)) return ulong.Parse(a[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return unchecked((previous ?? 0) + (ulong)long.Parse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
    }
}
