namespace LeakHound.Core;

/// <summary>
/// Units of sample values and their scaling, with pprof's rules: units are recognised by alias
/// (case-insensitive, a plural "s" dropped), "minimum"/"auto" pick the largest unit that keeps the
/// value at least 1, and counts print without a unit.
/// </summary>
public static class Measurement
{
    private readonly record struct Unit(string Name, string[] Aliases, double Factor);

    private sealed record UnitType(Unit Default, Unit[] Units)
    {
        public Unit? Sniff(string unit)
        {
            unit = unit.ToLowerInvariant();
            if (unit.Length > 2 && unit.EndsWith('s')) unit = unit[..^1];
            foreach (var u in Units)
                foreach (var a in u.Aliases)
                    if (a == unit) return u;
            return null;
        }

        public bool TryConvert(long value, string from, string to, out double result, out string unit)
        {
            result = 0;
            unit = "";
            if (Sniff(from) is not Unit f) return false;
            double v = value * f.Factor;
            if (to is "minimum" or "auto")
            {
                double best = 0;
                string name = "";
                foreach (var u in Units)
                {
                    if (u.Factor >= best && v / u.Factor >= 1.0)
                    {
                        best = u.Factor;
                        name = u.Name;
                    }
                }
                if (best != 0)
                {
                    result = v / best;
                    unit = name;
                    return true;
                }
                result = v / Default.Factor;
                unit = Default.Name;
                return true;
            }
            if (Sniff(to) is Unit t)
            {
                result = v / t.Factor;
                unit = t.Name;
                return true;
            }
            result = v / Default.Factor;
            unit = Default.Name;
            return true;
        }
    }

    private static readonly UnitType[] UnitTypes =
    [
        new(new Unit("B", ["b", "byte"], 1),
        [
            new("B", ["b", "byte"], 1),
            new("kB", ["kb", "kbyte", "kilobyte"], 1L << 10),
            new("MB", ["mb", "mbyte", "megabyte"], 1L << 20),
            new("GB", ["gb", "gbyte", "gigabyte"], 1L << 30),
            new("TB", ["tb", "tbyte", "terabyte"], 1L << 40),
            new("PB", ["pb", "pbyte", "petabyte"], 1L << 50),
        ]),
        new(new Unit("s", [], 1e9),
        [
            new("ns", ["ns", "nanosecond"], 1),
            new("us", ["μs", "us", "microsecond"], 1e3),
            new("ms", ["ms", "millisecond"], 1e6),
            new("s", ["s", "sec", "second"], 1e9),
            new("hrs", ["hour", "hr"], 3600e9),
        ]),
        new(new Unit("GCU", [], 1),
        [
            new("n*GCU", ["nanogcu"], 1e-9),
            new("u*GCU", ["microgcu"], 1e-6),
            new("m*GCU", ["milligcu"], 1e-3),
            new("GCU", ["gcu"], 1),
            new("k*GCU", ["kilogcu"], 1e3),
            new("M*GCU", ["megagcu"], 1e6),
            new("G*GCU", ["gigagcu"], 1e9),
            new("T*GCU", ["teragcu"], 1e12),
            new("P*GCU", ["petagcu"], 1e15),
        ]),
    ];

    /// <summary>Scales <paramref name="value"/> from one unit to another; the unit returned is empty for plain counts.</summary>
    public static (double Value, string Unit) Scale(long value, string fromUnit, string toUnit)
    {
        if (value < 0 && -value > 0)
        {
            var (v, u) = Scale(-value, fromUnit, toUnit);
            return (-v, u);
        }
        foreach (var ut in UnitTypes)
            if (ut.TryConvert(value, fromUnit, toUnit, out var v, out var u))
                return (v, u);
        return toUnit switch
        {
            "count" or "sample" or "unit" or "minimum" or "auto" => (value, ""),
            _ => (value, toUnit),
        };
    }

    /// <summary>A value with its unit, scaled to a readable unit.</summary>
    public static string Label(long value, string unit) => ScaledLabel(value, unit, "auto");

    /// <summary>pprof's value label: two decimals, ".00" dropped, the unit appended.</summary>
    public static string ScaledLabel(long value, string fromUnit, string toUnit)
    {
        var (v, u) = Scale(value, fromUnit, toUnit);
        string sv = GoFormat.Fixed(v, 2);
        if (sv.EndsWith(".00", StringComparison.Ordinal)) sv = sv[..^3];
        if (sv is "0" or "-0") return "0";
        return sv + u;
    }

    /// <summary>pprof's percentage column: six characters, at least two significant digits.</summary>
    public static string Percentage(long value, long total)
    {
        double ratio = 0;
        if (total != 0) ratio = Math.Abs((double)value / total) * 100;
        if (Math.Abs(ratio) >= 99.95 && Math.Abs(ratio) <= 100.05) return "  100%";
        if (Math.Abs(ratio) >= 1.0) return GoFormat.Pad(GoFormat.Fixed(ratio, 2), 5) + "%";
        return GoFormat.Pad(GoFormat.General(ratio, 2), 5) + "%";
    }

    /// <summary>True when two units measure the same kind of quantity (both sizes, both times, …).</summary>
    public static bool Compatible(string unit1, string unit2)
    {
        if (unit1 == unit2) return true;
        foreach (var ut in UnitTypes)
            if (ut.Sniff(unit1) is not null && ut.Sniff(unit2) is not null) return true;
        return false;
    }
}
