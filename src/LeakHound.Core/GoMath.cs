namespace LeakHound.Core;

/// <summary>Go's integer and conversion behaviour where it differs from C#'s, as pprof relies on it (amd64).</summary>
public static class GoMath
{
    /// <summary>Go's <c>int64(x)</c> for a float64 on amd64: truncation, and the minimum int64 for NaN or out of range.</summary>
    public static long ToInt64(double x) =>
        double.IsNaN(x) || x >= 9.2233720368547758E18 || x < -9.2233720368547758E18 ? long.MinValue : (long)x;

    /// <summary>Go's <c>uint8(x)</c> for a float64 on amd64: the low byte of the int64 conversion.</summary>
    public static byte ToUInt8(double x) => unchecked((byte)ToInt64(x));

    /// <summary>pprof's abs64: the minimum int64 stays negative, as in Go.</summary>
    public static long Abs(long x) => x < 0 ? unchecked(-x) : x;
}
