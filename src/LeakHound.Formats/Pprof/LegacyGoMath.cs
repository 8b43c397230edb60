using System.Runtime.Intrinsics.X86;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Floating-point operations whose results pprof's un-sampling depends on, computed exactly as a Go
/// 1.19 binary on amd64 computes them: <c>math.Exp</c> is an assembly routine there (not a
/// correctly rounded exp), and float-to-int conversion yields 0x8000000000000000 when out of range.
/// </summary>
internal static class LegacyGoMath
{
    // Go picks the FMA variant of its amd64 Exp when the CPU has AVX and FMA; other architectures
    // (where Go would run different code) get the FMA variant too.
    private static readonly bool UseFma = !(Sse2.IsSupported) || (Avx.IsSupported && Fma.IsSupported);

    /// <summary>Go's <c>int64(f)</c> on amd64: truncation, and <see cref="long.MinValue"/> when NaN or out of range.</summary>
    public static long ToInt64(double f)
    {
        if (double.IsNaN(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) return long.MinValue;
        return (long)f;
    }

    /// <summary>Go's <c>a / b</c> for int64: truncating, and MinInt64 / -1 wraps instead of trapping.</summary>
    public static long Divide(long a, long b) => b == -1 ? unchecked(-a) : a / b;

    public static double Exp(double x) => Exp(x, UseFma);

    /// <summary>Go 1.19's math.archExp for amd64 (the Shibata/SLEEF method), with or without FMA.</summary>
    internal static double Exp(double x, bool fma)
    {
        const double Log2E = 1.4426950408889634073599246810018920;
        const double Ln2U = 0.69314718055966295651160180568695068359375;
        const double Ln2L = 0.28235290563031577122588448175013436025525412068e-12;
        const double Overflow = 7.09782712893384e+02;
        const double C2 = 1.6666666666666666667e-1, C3 = 4.1666666666666666667e-2, C4 = 8.3333333333333333333e-3;
        const double C5 = 1.3888888888888888889e-3, C6 = 1.9841269841269841270e-4, C7 = 2.4801587301587301587e-5;

        ulong bits = BitConverter.DoubleToUInt64Bits(x);
        if ((bits & ~(1UL << 63)) >= 0x7FF0000000000000UL)
        {
            if (bits == 0xFFF0000000000000UL) return 0; // -Inf
            return x; // NaN or +Inf
        }
        if (x > Overflow) return double.PositiveInfinity;

        // CVTSD2SL: round to nearest even; the "integer indefinite" value when out of range.
        double scaled = Log2E * x;
        double rounded = Math.Round(scaled, MidpointRounding.ToEven);
        int e = rounded >= -2147483648.0 && rounded <= 2147483647.0 ? (int)rounded : int.MinValue;
        double fe = e;
        double r;
        if (!fma)
        {
            r = x - Ln2U * fe;
            r -= Ln2L * fe;
            r *= 0.0625;
            double p = C7 * r;
            p += C6; p *= r;
            p += C5; p *= r;
            p += C4; p *= r;
            p += C3; p *= r;
            p += C2; p *= r;
            p += 0.5; p *= r;
            p += 1.0;
            r *= p;
            r *= 2.0 + r;
            r *= 2.0 + r;
            r *= 2.0 + r;
            r *= 2.0 + r;
            r += 1.0;
        }
        else
        {
            r = Math.FusedMultiplyAdd(-fe, Ln2U, x);
            r = Math.FusedMultiplyAdd(-fe, Ln2L, r);
            r *= 0.0625;
            double p = C7;
            p = Math.FusedMultiplyAdd(p, r, C6);
            p = Math.FusedMultiplyAdd(p, r, C5);
            p = Math.FusedMultiplyAdd(p, r, C4);
            p = Math.FusedMultiplyAdd(p, r, C3);
            p = Math.FusedMultiplyAdd(p, r, C2);
            p = Math.FusedMultiplyAdd(p, r, 0.5);
            p = Math.FusedMultiplyAdd(p, r, 1.0);
            r *= p;
            r *= r + 2.0;
            r *= r + 2.0;
            r *= r + 2.0;
            r = Math.FusedMultiplyAdd(r, r + 2.0, 1.0);
        }

        // Multiply by 2**e, going through a subnormal scale when needed.
        int biased = unchecked(e + 0x3FF);
        if (biased <= 0)
        {
            if (biased < -52) return 0;
            r *= BitConverter.UInt64BitsToDouble((ulong)(uint)(biased + 0x3FE) << 52);
            biased = 1;
        }
        else if (biased >= 0x7FF)
        {
            return double.PositiveInfinity;
        }
        return r * BitConverter.UInt64BitsToDouble((ulong)(uint)biased << 52);
    }
}
