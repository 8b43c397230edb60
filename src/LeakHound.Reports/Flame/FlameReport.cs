using System.Globalization;
using LeakHound.Analysis.Flame;
using LeakHound.Core;

namespace LeakHound.Reports.Flame;

/// <summary>A flame graph's tree with what its renderers print around it: the value's name and unit, the profiles' names, the total percentages are of.</summary>
public sealed class FlameReport
{
    public required FlameTree Tree { get; init; }

    /// <summary>The sample type drawn ("inuse_space").</summary>
    public required string SampleType { get; init; }

    /// <summary>The unit of the values ("bytes", "nanoseconds", "count").</summary>
    public required string SampleUnit { get; init; }

    /// <summary>The (new) profile's name, usually its file name.</summary>
    public string Source { get; init; } = "";

    /// <summary>The base profile's name in a differential graph.</summary>
    public string BaseSource { get; init; } = "";

    /// <summary>
    /// What percentages are of: the new profile's total unless set (pprof's -diff_base measures
    /// against the base's total).
    /// </summary>
    public long PercentOf { get => _percentOf ?? Tree.Total; init => _percentOf = value; }

    private readonly long? _percentOf;

    public string Title => Tree.IsDiff
        ? $"Differential flame graph of {SampleType}: {BaseSource} → {Source}"
        : $"Flame graph of {SampleType}: {Source}";

    /// <summary>The totals line under the title.</summary>
    public string Subtitle
    {
        get
        {
            var t = Tree;
            if (!t.IsDiff) return $"Total {FormatValue(t.Total)}";
            long delta = t.Value[FlameTree.Root] - t.BaseValueOf(FlameTree.Root);
            return $"Base {FormatValue(t.BaseTotal)} → new {FormatValue(t.Total)} ({FormatDelta(delta)})";
        }
    }

    /// <summary>A value with its unit, scaled to a readable unit ("6.78MB", "1.20s", "1234").</summary>
    public string FormatValue(long v) => Measurement.Label(v, SampleUnit);

    /// <summary>A signed change: "+1.5MB", "-3", "±0".</summary>
    public string FormatDelta(long d) => d > 0 ? "+" + FormatValue(d) : d < 0 ? FormatValue(d) : "±0";

    /// <summary>The value as a percentage of <see cref="PercentOf"/>: two decimals, or two significant digits under 1% ("94.43%", "0.0024%").</summary>
    public string Percent(long v) => FormatPercent(PercentOf == 0 ? 0 : (double)v / PercentOf * 100);

    public static string FormatPercent(double p)
    {
        if (p == 0) return "0%";
        int decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(Math.Abs(p))), 2, 8);
        return p.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
    }
}
