using System.Globalization;
using System.Text;

namespace LeakHound.Core;

/// <summary>
/// Number formatting that matches Go's fmt/strconv exactly: correctly rounded from the exact binary
/// value, ties to even. pprof's reports are made of these strings, so ours must be identical.
/// </summary>
public static class GoFormat
{
    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', prec, 64)</c> (and <c>%.{prec}f</c>).</summary>
    public static string Fixed(double v, int prec)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsInfinity(v)) return v > 0 ? "+Inf" : "-Inf";
        var d = ExactDigits(v, out bool neg);
        d.Round(d.DecimalPoint + prec);
        var sb = new StringBuilder(24);
        if (neg) sb.Append('-');
        AppendF(sb, d, prec);
        return sb.ToString();
    }

    /// <summary>Go's <c>strconv.FormatFloat(v, 'g', prec, 64)</c> (and <c>%.{prec}g</c>).</summary>
    public static string General(double v, int prec)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsInfinity(v)) return v > 0 ? "+Inf" : "-Inf";
        if (prec == 0) prec = 1;
        var d = ExactDigits(v, out bool neg);
        d.Round(prec);
        var sb = new StringBuilder(24);
        if (neg) sb.Append('-');
        int eprec = prec;
        if (eprec > d.Count && d.Count >= d.DecimalPoint) eprec = d.Count;
        int exp = d.DecimalPoint - 1;
        if (exp < -4 || exp >= eprec)
        {
            if (prec > d.Count) prec = d.Count;
            AppendE(sb, d, prec - 1);
        }
        else
        {
            if (prec > d.DecimalPoint) prec = d.Count;
            AppendF(sb, d, Math.Max(prec - d.DecimalPoint, 0));
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>%v</c> for a float64: the shortest representation, exponent when it is below -4 or at least 21.</summary>
    public static string Shortest(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsInfinity(v)) return v > 0 ? "+Inf" : "-Inf";
        // "R" gives the shortest round-tripping digits, which is what Go's shortest mode picks.
        string s = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        var d = DigitsFromRoundTrip(s);
        var sb = new StringBuilder(24);
        if (v < 0 || (v == 0 && double.IsNegative(v))) sb.Append('-');
        int exp = d.DecimalPoint - 1;
        if (d.Count == 0) exp = 0;
        if (exp < -4 || exp >= 21)
            AppendE(sb, d, d.Count - 1);
        else
            AppendF(sb, d, Math.Max(d.Count - d.DecimalPoint, 0));
        return sb.ToString();
    }

    /// <summary>Right-aligns <paramref name="s"/> in <paramref name="width"/> columns, as Go's <c>%{width}s</c>.</summary>
    public static string Pad(string s, int width) => s.Length >= width ? s : new string(' ', width - s.Length) + s;

    private static void AppendF(StringBuilder sb, Digits d, int prec)
    {
        if (d.DecimalPoint > 0)
        {
            int m = Math.Min(d.Count, d.DecimalPoint);
            for (int i = 0; i < m; i++) sb.Append(d[i]);
            for (; m < d.DecimalPoint; m++) sb.Append('0');
        }
        else
        {
            sb.Append('0');
        }
        if (prec > 0)
        {
            sb.Append('.');
            for (int i = 0; i < prec; i++)
            {
                int j = d.DecimalPoint + i;
                sb.Append(j >= 0 && j < d.Count ? d[j] : '0');
            }
        }
    }

    private static void AppendE(StringBuilder sb, Digits d, int prec)
    {
        sb.Append(d.Count != 0 ? d[0] : '0');
        if (prec > 0)
        {
            sb.Append('.');
            int i = 1;
            int m = Math.Min(d.Count, prec + 1);
            for (; i < m; i++) sb.Append(d[i]);
            for (; i <= prec; i++) sb.Append('0');
        }
        sb.Append('e');
        int exp = d.Count == 0 ? 0 : d.DecimalPoint - 1;
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10) sb.Append('0').Append((char)('0' + exp));
        else sb.Append(exp.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The decimal digits of |v|. "E60" asks .NET for 61 exactly computed significant digits; a
    /// double's value is a dyadic fraction, so a rounding tie at any position we use shows as a
    /// 5 followed by zeros to the end of those digits.
    /// </summary>
    private static Digits ExactDigits(double v, out bool neg)
    {
        neg = v < 0 || (v == 0 && double.IsNegative(v));
        v = Math.Abs(v);
        if (v == 0) return new Digits(Array.Empty<char>(), 0);
        string s = v.ToString("E60", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        int exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var chars = new char[e - 1];
        chars[0] = s[0];
        s.CopyTo(2, chars, 1, e - 2);
        return new Digits(chars, exp + 1).Trimmed();
    }

    private static Digits DigitsFromRoundTrip(string s)
    {
        // s is like "123.45", "1E-05", "1.5E+20".
        int exp = 0;
        int e = s.IndexOfAny(['E', 'e']);
        string mant = s;
        if (e >= 0)
        {
            exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mant = s[..e];
        }
        int dot = mant.IndexOf('.');
        string intPart = dot >= 0 ? mant[..dot] : mant;
        string frac = dot >= 0 ? mant[(dot + 1)..] : "";
        string all = intPart + frac;
        int dp = intPart.Length + exp;
        int lead = 0;
        while (lead < all.Length && all[lead] == '0') { lead++; dp--; }
        all = all[lead..];
        if (all.Length == 0) return new Digits(Array.Empty<char>(), 0);
        return new Digits(all.ToCharArray(), dp).Trimmed();
    }

    /// <summary>Decimal digits d[0..Count) with the decimal point before digit DecimalPoint.</summary>
    private struct Digits
    {
        private char[] _d;
        public int Count;
        public int DecimalPoint;

        public Digits(char[] d, int dp)
        {
            _d = d;
            Count = d.Length;
            DecimalPoint = dp;
        }

        public readonly char this[int i] => _d[i];

        public Digits Trimmed()
        {
            while (Count > 0 && _d[Count - 1] == '0') Count--;
            if (Count == 0) DecimalPoint = 0;
            return this;
        }

        /// <summary>Rounds to <paramref name="nd"/> digits, ties to even, as Go's decimal.Round.</summary>
        public void Round(int nd)
        {
            if (nd < 0 || nd >= Count) return;
            if (ShouldRoundUp(nd)) RoundUp(nd); else RoundDown(nd);
        }

        private readonly bool ShouldRoundUp(int nd)
        {
            if (_d[nd] == '5' && nd + 1 == Count)
                return nd > 0 && (_d[nd - 1] - '0') % 2 == 1;
            return _d[nd] >= '5';
        }

        private void RoundDown(int nd)
        {
            Count = nd;
            Trimmed();
        }

        private void RoundUp(int nd)
        {
            int i = nd - 1;
            for (; i >= 0; i--)
            {
                if (_d[i] < '9')
                {
                    _d[i]++;
                    Count = i + 1;
                    return;
                }
            }
            // All nines: becomes 1 with the decimal point moved.
            if (_d.Length == 0) _d = new char[1];
            _d[0] = '1';
            Count = 1;
            DecimalPoint++;
        }
    }
}
