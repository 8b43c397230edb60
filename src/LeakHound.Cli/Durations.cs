using System.Globalization;
using System.Text.RegularExpressions;
using LeakHound.Core;

namespace LeakHound.Cli;

/// <summary>Durations as Go writes them: "15s", "2m", "1h30m", "500ms".</summary>
public static partial class Durations
{
    public static TimeSpan Parse(string s)
    {
        var m = GoDuration().Match(s);
        if (!m.Success || s.Length == 0) throw new UsageException($"not a duration: \"{s}\" (use e.g. 30s, 2m, 1h30m)");
        double ms = 0;
        foreach (Capture c in m.Groups["part"].Captures)
        {
            var p = Part().Match(c.Value);
            double v = double.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture);
            ms += v * p.Groups[2].Value switch { "ms" => 1, "s" => 1000, "m" => 60_000, "h" => 3_600_000, _ => 0 };
        }
        return TimeSpan.FromMilliseconds(ms);
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$")]
    private static partial Regex Part();
}
