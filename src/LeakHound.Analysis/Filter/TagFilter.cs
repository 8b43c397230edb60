using System.Globalization;
using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Filter;

/// <summary>
/// pprof's -tagfocus/-tagignore: "regex[,regex]" (every regex must match some "key:value" label),
/// "key=regex[,regex]" (some value of key matches one of them), or a numeric range on numeric
/// labels: "32kb" (equal), ":64kb" (at most), "4mb:" (at least), "12kb:64mb" (between, inclusive),
/// optionally "key=" before it.
/// </summary>
public static partial class TagFilter
{
    /// <summary>A predicate over samples, or null when <paramref name="value"/> is empty. Sets <paramref name="isRange"/> when it was read as a range.</summary>
    public static Func<Profile, int, bool>? Compile(string name, string value, IReadOnlyDictionary<string, string> numLabelUnits, out bool isRange)
    {
        isRange = false;
        if (value.Length == 0) return null;
        string? wantKey = null;
        int eq = value.IndexOf('=');
        if (eq >= 0)
        {
            wantKey = value[..eq];
            value = value[(eq + 1)..];
        }

        if (ParseRange(value) is { } range)
        {
            isRange = true;
            return (p, s) =>
            {
                foreach (var l in p.SampleLabels(s))
                {
                    if (!l.IsNumeric) continue;
                    string key = p.Strings[l.Key];
                    if (wantKey is not null && key != wantKey) continue;
                    if (range(l.Num, numLabelUnits.TryGetValue(key, out var u) ? u : "")) return true;
                }
                return false;
            };
        }

        var rxs = new List<Regex>();
        foreach (var part in value.Split(','))
        {
            try
            {
                rxs.Add(new Regex(part, RegexOptions.CultureInvariant));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"parsing {name} regexp: {e.Message}");
            }
        }
        if (wantKey is null)
        {
            return (p, s) =>
            {
                foreach (var rx in rxs)
                {
                    bool matched = false;
                    foreach (var l in p.SampleLabels(s))
                    {
                        if (l.IsNumeric) continue;
                        if (rx.IsMatch(p.Strings[l.Key] + ":" + p.Strings[l.Str])) { matched = true; break; }
                    }
                    if (!matched) return false;
                }
                return true;
            };
        }
        return (p, s) =>
        {
            foreach (var l in p.SampleLabels(s))
            {
                if (l.IsNumeric || p.Strings[l.Key] != wantKey) continue;
                foreach (var rx in rxs)
                    if (rx.IsMatch(p.Strings[l.Str])) return true;
            }
            return false;
        };
    }

    /// <summary>pprof's parseTagFilterRange: a value with an optional unit, or a range of two.</summary>
    public static Func<long, string, bool>? ParseRange(string filter)
    {
        var ranges = RangeRx().Matches(filter);
        if (ranges.Count == 0) return null;
        var first = ranges[0];
        if (!long.TryParse(first.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) return null;
        var (scaled, unit) = Measurement.Scale(v, first.Groups[2].Value, first.Groups[2].Value);
        if (ranges.Count == 1)
        {
            string match = first.Value;
            if (filter == match) return (x, u) => Compare(x, u, unit) is { } sx && sx == scaled;
            if (filter == match + ":") return (x, u) => Compare(x, u, unit) is { } sx && sx >= scaled;
            if (filter == ":" + match) return (x, u) => Compare(x, u, unit) is { } sx && sx <= scaled;
            return null;
        }
        var second = ranges[1];
        if (filter != first.Value + ":" + second.Value) return null;
        if (!long.TryParse(second.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v2)) return null;
        var (scaled2, unit2) = Measurement.Scale(v2, second.Groups[2].Value, unit);
        if (unit != unit2) return null;
        return (x, u) => Compare(x, u, unit) is { } sx && sx >= scaled && sx <= scaled2;
    }

    private static double? Compare(long value, string valueUnit, string unit)
    {
        var (sv, su) = Measurement.Scale(value, valueUnit, unit);
        return su == unit ? sv : null;
    }

    /// <summary>
    /// pprof's NumLabelUnits: per numeric label key, the first unit seen, or one inferred from the
    /// key ("alignment" and "request" are bytes, anything else its own name).
    /// </summary>
    public static Dictionary<string, string> NumLabelUnits(Profile p)
    {
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in p.Labels)
        {
            if (!l.IsNumeric) continue;
            string key = p.Strings[l.Key];
            keys.Add(key);
            if (l.NumUnit != 0 && !units.ContainsKey(key)) units[key] = p.Strings[l.NumUnit];
        }
        foreach (var key in keys)
            if (!units.TryGetValue(key, out var u) || u.Length == 0)
                units[key] = key is "alignment" or "request" ? "bytes" : key;
        return units;
    }

    [GeneratedRegex("([+-]?[0-9]+)([a-zA-Z]+)?")]
    private static partial Regex RangeRx();
}
