using LeakHound.Core;

namespace LeakHound.Tests.Core;

/// <summary>
/// Go's formatting, checked by hand against Go's rules (strconv rounds the exact binary value, ties
/// to even; %g switches to an exponent below 1e-4): each expected string is what fmt.Sprintf prints
/// in Go 1.19 for that verb and value.
/// </summary>
public class GoFormatTests
{
    [Theory]
    [InlineData(0.125, 2, "0.12")]      // exact tie: to even
    [InlineData(0.375, 2, "0.38")]      // exact tie: to even
    [InlineData(0.135, 2, "0.14")]      // 0.135 is 0.13500000000000000888… in binary: up
    [InlineData(2.675, 2, "2.67")]      // 2.67499999999999982236431605997495353221893310546875: down
    [InlineData(99.995, 2, "100.00")]
    [InlineData(-0.001, 2, "-0.00")]
    [InlineData(1234.5, 0, "1234")]     // tie to even
    [InlineData(3.70, 2, "3.70")]
    public void Fixed(double v, int prec, string expected) => Assert.Equal(expected, GoFormat.Fixed(v, prec));

    [Theory]
    [InlineData(0.5, 2, "0.5")]
    [InlineData(0.0123, 2, "0.012")]
    [InlineData(0.00001, 2, "1e-05")]
    [InlineData(0.000123, 2, "0.00012")]
    [InlineData(0.99999, 2, "1")]
    [InlineData(0.6, 2, "0.6")]
    [InlineData(0.0, 2, "0")]
    public void General(double v, int prec, string expected) => Assert.Equal(expected, GoFormat.General(v, prec));

    [Theory]
    [InlineData(50, 200, " 25.00%")]
    [InlineData(1, 8, " 12.50%")]
    [InlineData(1, 1, "  100%")]
    [InlineData(3, 500, "  0.6%")]
    [InlineData(0, 10, "     0%")]
    [InlineData(1, 100000, "0.001%")]
    public void Percentage(long v, long total, string expected) => Assert.Equal(expected, Measurement.Percentage(v, total).PadLeft(expected.Length));

    [Theory]
    [InlineData(3879731L, "bytes", "minimum", "3.70MB")]
    [InlineData(1024L, "bytes", "minimum", "1kB")]
    [InlineData(0L, "bytes", "minimum", "0")]
    [InlineData(1500L, "count", "minimum", "1500")]
    [InlineData(2500000L, "nanoseconds", "minimum", "2.50ms")]
    [InlineData(1048576L, "bytes", "kb", "1024kB")]
    public void ScaledLabel(long v, string from, string to, string expected) => Assert.Equal(expected, Measurement.ScaledLabel(v, from, to));

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1500L, "1.5µs")]
    [InlineData(2_000_000L, "2ms")]
    [InlineData(90_500_000_000L, "1m30.5s")]
    [InlineData(3_725_000_000_000L, "1h2m5s")]
    public void Duration(long ns, string expected) => Assert.Equal(expected, GoTime.DurationString(ns));
}
