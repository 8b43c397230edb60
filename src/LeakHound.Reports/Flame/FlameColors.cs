using LeakHound.Analysis;

namespace LeakHound.Reports.Flame;

/// <summary>
/// Frame colours, as 0xRRGGBB. Plain graphs colour by package: warm hues (red to gold) for the
/// user's code, cool ones (teal to blue, paler) for the Go runtime and standard library, grey for
/// frames without a function name; one package keeps one hue, its functions vary a little in
/// lightness so that neighbours stay apart. Differential graphs colour by change: red for growth,
/// blue for shrinkage, stronger for a larger change relative to the base, grey when unchanged.
/// The interactive page computes the same diff colours in its script.
/// </summary>
public static class FlameColors
{
    public const int Unknown = 0xc8c8c8;
    public const int Unchanged = 0xd0d0d0;
    public const int Grew = 0xeb5546;
    public const int Shrank = 0x4a86eb;

    /// <summary>Changes by a ratio under 2^this (0.07%) are drawn as unchanged.</summary>
    public const double NoiseFloor = 0.001;

    public static int ForFunction(string function)
    {
        if (function.Length == 0) return Unknown;
        string pkg = GoPackages.PackagePath(function);
        uint h = Hash(pkg), hf = Hash(function);
        double jitter = (hf % 1000) / 1000.0;
        if (GoPackages.IsStandard(function))
            return Hsl(175 + h % 60, 0.42 + (h >> 8) % 12 / 100.0, 0.62 + jitter * 0.12);
        return Hsl(h % 50, 0.72 + (h >> 8) % 14 / 100.0, 0.56 + jitter * 0.12);
    }

    /// <summary>
    /// The colour of a node whose value went from <paramref name="baseValue"/> to <paramref name="newValue"/>:
    /// the strength grows with the ratio's logarithm, full at 4× (or ¼×, or appearing or vanishing).
    /// </summary>
    public static int ForChange(long baseValue, long newValue)
    {
        if (baseValue == newValue) return Unchanged;
        double strength;
        if (baseValue > 0 && newValue > 0)
        {
            double log2 = Math.Abs(Math.Log2((double)newValue / baseValue));
            if (log2 < NoiseFloor) return Unchanged;
            strength = Math.Pow(Math.Min(1, log2 / 2), 0.7);
        }
        else
        {
            strength = 1; // appeared, vanished, or a sign change
        }
        return Mix(Unchanged, newValue > baseValue ? Grew : Shrank, strength);
    }

    public static string Css(int rgb) => "#" + rgb.ToString("x6", System.Globalization.CultureInfo.InvariantCulture);

    private static int Mix(int from, int to, double t)
    {
        int C(int shift) => (int)Math.Round(((from >> shift) & 0xff) * (1 - t) + ((to >> shift) & 0xff) * t);
        return C(16) << 16 | C(8) << 8 | C(0);
    }

    private static int Hsl(double hue, double s, double l)
    {
        double c = (1 - Math.Abs(2 * l - 1)) * s;
        double hp = hue / 60.0;
        double x = c * (1 - Math.Abs(hp % 2 - 1));
        (double r, double g, double b) = hp switch
        {
            < 1 => (c, x, 0.0),
            < 2 => (x, c, 0.0),
            < 3 => (0.0, c, x),
            < 4 => (0.0, x, c),
            < 5 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        double m = l - c / 2;
        int B(double v) => Math.Clamp((int)Math.Round((v + m) * 255), 0, 255);
        return B(r) << 16 | B(g) << 8 | B(b);
    }

    /// <summary>FNV-1a: stable across runs and platforms, unlike string.GetHashCode.</summary>
    private static uint Hash(string s)
    {
        uint h = 2166136261;
        foreach (char ch in s)
        {
            h ^= ch;
            h *= 16777619;
        }
        return h;
    }
}
