using System.Globalization;
using System.Text;

namespace LeakHound.Core;

/// <summary>Go's time and duration formatting, as pprof prints them in report headers and raw dumps.</summary>
public static class GoTime
{
    /// <summary>The local time of a Unix nanosecond timestamp (the zone from TZ, as Go's time.Local).</summary>
    public static DateTimeOffset Local(long unixNanos)
    {
        var utc = DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100);
        return TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.Local);
    }

    /// <summary>The zone abbreviation Go would print; zones without a known one print as Go does for those, "+hhmm".</summary>
    public static string ZoneName(DateTimeOffset t)
    {
        if (t.Offset == TimeSpan.Zero && IsUtcZone(TimeZoneInfo.Local)) return "UTC";
        string name = TimeZoneInfo.Local.IsDaylightSavingTime(t) ? TimeZoneInfo.Local.DaylightName : TimeZoneInfo.Local.StandardName;
        if (name.Length is > 0 and <= 5 && name.All(char.IsAsciiLetterUpper)) return name;
        var off = t.Offset;
        string sign = off < TimeSpan.Zero ? "-" : "+";
        off = off.Duration();
        return off.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{off.Hours:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{off.Hours:00}{off.Minutes:00}");
    }

    private static bool IsUtcZone(TimeZoneInfo z) =>
        z.Id is "UTC" or "Etc/UTC" or "Etc/Universal" or "Universal" or "Zulu" or "Etc/Zulu" or "GMT" or "Etc/GMT" || z.BaseUtcOffset == TimeSpan.Zero && !z.SupportsDaylightSavingTime;

    /// <summary>Go layout "Jan 2, 2006 at 3:04pm (MST)", pprof's report header time.</summary>
    public static string ReportHeader(long unixNanos)
    {
        var t = Local(unixNanos);
        int hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        return string.Create(CultureInfo.InvariantCulture,
            $"{t.ToString("MMM", CultureInfo.InvariantCulture)} {t.Day}, {t.Year} at {hour12}:{t.Minute:00}{(t.Hour < 12 ? "am" : "pm")} ({ZoneName(t)})");
    }

    /// <summary>Go's time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST".</summary>
    public static string TimeString(long unixNanos)
    {
        var t = Local(unixNanos);
        long nanos = ((unixNanos % 1_000_000_000) + 1_000_000_000) % 1_000_000_000;
        var sb = new StringBuilder();
        sb.Append(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        if (nanos != 0)
        {
            string frac = nanos.ToString("000000000", CultureInfo.InvariantCulture).TrimEnd('0');
            sb.Append('.').Append(frac);
        }
        var off = t.Offset;
        sb.Append(' ').Append(off < TimeSpan.Zero ? '-' : '+');
        off = off.Duration();
        sb.Append(off.Hours.ToString("00", CultureInfo.InvariantCulture)).Append(off.Minutes.ToString("00", CultureInfo.InvariantCulture));
        sb.Append(' ').Append(ZoneName(t));
        return sb.ToString();
    }

    /// <summary>Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s".</summary>
    public static string DurationString(long d)
    {
        if (d == 0) return "0s";
        bool neg = d < 0;
        ulong u = neg ? (ulong)(-(d + 1)) + 1 : (ulong)d;
        var sb = new StringBuilder();
        if (u < 1_000_000_000)
        {
            // Sub-second: the largest unit that keeps a leading digit.
            int prec;
            string unit;
            if (u < 1_000) { prec = 0; unit = "ns"; }
            else if (u < 1_000_000) { prec = 3; unit = "µs"; }
            else { prec = 6; unit = "ms"; }
            sb.Append(Fraction(u, prec)).Append(unit);
        }
        else
        {
            string secs = Fraction(u % 60_000_000_000UL, 9);
            ulong mins = u / 60_000_000_000UL;
            if (mins > 0)
            {
                ulong hours = mins / 60;
                mins %= 60;
                if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
                sb.Append(mins.ToString(CultureInfo.InvariantCulture)).Append('m');
            }
            sb.Append(secs).Append('s');
        }
        if (neg) sb.Insert(0, '-');
        return sb.ToString();
    }

    private static string Fraction(ulong v, int prec)
    {
        ulong div = 1;
        for (int i = 0; i < prec; i++) div *= 10;
        ulong whole = v / div, frac = v % div;
        string s = whole.ToString(CultureInfo.InvariantCulture);
        if (frac == 0) return s;
        string f = frac.ToString(CultureInfo.InvariantCulture).PadLeft(prec, '0').TrimEnd('0');
        return s + "." + f;
    }
}
