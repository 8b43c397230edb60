using System.Text;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// The pieces of Go's strings and strconv packages that pprof's legacy parsers lean on, with Go's
/// exact behaviour. Text handled here is "byte text": each char holds one input byte (Latin-1
/// decoding), so lengths and regex classes see bytes as Go does; <see cref="Utf8"/> turns such text
/// into a real string when it is stored in the profile.
/// </summary>
internal static class LegacyGoText
{
    /// <summary>Byte text (one char per byte) as a UTF-8 decoded string.</summary>
    public static string Utf8(string byteText)
    {
        foreach (char c in byteText)
        {
            if (c >= 0x80) return Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(byteText));
        }
        return byteText;
    }

    /// <summary>A real string as byte text (its UTF-8 bytes, one char each).</summary>
    public static string ToByteText(string s)
    {
        foreach (char c in s)
        {
            if (c >= 0x80) return Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(s));
        }
        return s;
    }

    /// <summary>Go's <c>strings.TrimSpace</c> on byte text: ASCII white space and UTF-8 encoded Unicode white space.</summary>
    public static string TrimSpace(string s)
    {
        int start = 0, end = s.Length;
        while (start < end)
        {
            int n = SpaceAt(s, start, end);
            if (n == 0) break;
            start += n;
        }
        while (end > start)
        {
            int n = SpaceBefore(s, start, end);
            if (n == 0) break;
            end -= n;
        }
        return start == 0 && end == s.Length ? s : s[start..end];
    }

    /// <summary>pprof's <c>isSpaceOrComment</c>: blank once trimmed, or starting with '#'.</summary>
    public static bool IsSpaceOrComment(string line)
    {
        var t = TrimSpace(line);
        return t.Length == 0 || t[0] == '#';
    }

    private static bool IsAsciiSpace(char c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or ' ';

    /// <summary>Length in bytes of a white-space rune starting at <paramref name="i"/>, or 0.</summary>
    private static int SpaceAt(string s, int i, int end)
    {
        char c = s[i];
        if (c < 0x80) return IsAsciiSpace(c) ? 1 : 0;
        int n = DecodeRune(s, i, end, out int rune);
        return n > 0 && IsUnicodeSpace(rune) ? n : 0;
    }

    /// <summary>Length in bytes of a white-space rune ending just before <paramref name="end"/>, or 0.</summary>
    private static int SpaceBefore(string s, int start, int end)
    {
        char c = s[end - 1];
        if (c < 0x80) return IsAsciiSpace(c) ? 1 : 0;
        // Go decodes the last rune by looking back at most 4 bytes for a start byte.
        for (int len = 2; len <= 4 && end - len >= start; len++)
        {
            char b = s[end - len];
            if ((b & 0xC0) == 0x80) continue;
            int n = DecodeRune(s, end - len, end, out int rune);
            return n == len && IsUnicodeSpace(rune) ? n : 0;
        }
        return 0;
    }

    private static int DecodeRune(string s, int i, int end, out int rune)
    {
        rune = -1;
        int b0 = s[i];
        int need, min;
        if ((b0 & 0xE0) == 0xC0) { need = 1; rune = b0 & 0x1F; min = 0x80; }
        else if ((b0 & 0xF0) == 0xE0) { need = 2; rune = b0 & 0x0F; min = 0x800; }
        else if ((b0 & 0xF8) == 0xF0) { need = 3; rune = b0 & 0x07; min = 0x10000; }
        else return 0;
        if (i + need >= end) return 0;
        for (int k = 1; k <= need; k++)
        {
            int b = s[i + k];
            if ((b & 0xC0) != 0x80) { rune = -1; return 0; }
            rune = (rune << 6) | (b & 0x3F);
        }
        if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) { rune = -1; return 0; }
        return need + 1;
    }

    private static bool IsUnicodeSpace(int r) =>
        r is 0x85 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 || (r >= 0x2000 && r <= 0x200A);

    /// <summary>
    /// Go's <c>strconv.ParseUint(s, base, 64)</c> for base 0 (Go literal syntax: 0x, 0o, 0b, leading-0
    /// octal, underscores between digits), 10 or 16. False on a syntax or range error.
    /// </summary>
    public static bool TryParseUint(string s, int numberBase, out ulong value)
    {
        value = 0;
        if (s.Length == 0) return false;
        string s0 = s;
        bool base0 = numberBase == 0;
        int i = 0;
        if (base0)
        {
            numberBase = 10;
            if (s[0] == '0')
            {
                char l = s.Length >= 3 ? Lower(s[1]) : '\0';
                if (l == 'b') { numberBase = 2; i = 2; }
                else if (l == 'o') { numberBase = 8; i = 2; }
                else if (l == 'x') { numberBase = 16; i = 2; }
                else { numberBase = 8; i = 1; }
            }
        }
        ulong cutoff = ulong.MaxValue / (ulong)numberBase + 1;
        bool underscores = false;
        ulong n = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            int d;
            if (c == '_' && base0) { underscores = true; continue; }
            if (c >= '0' && c <= '9') d = c - '0';
            else if (Lower(c) >= 'a' && Lower(c) <= 'z') d = Lower(c) - 'a' + 10;
            else return false;
            if (d >= numberBase) return false;
            if (n >= cutoff) return false;
            n *= (ulong)numberBase;
            ulong n1 = unchecked(n + (ulong)d);
            if (n1 < n) return false;
            n = n1;
        }
        if (underscores && !UnderscoreOk(s0)) return false;
        value = n;
        return true;
    }

    /// <summary>Go's <c>strconv.ParseInt(s, base, 64)</c>: optional sign, then <see cref="TryParseUint"/>.</summary>
    public static bool TryParseInt(string s, int numberBase, out long value)
    {
        value = 0;
        if (s.Length == 0) return false;
        bool neg = false;
        string u = s;
        if (s[0] == '+' || s[0] == '-')
        {
            neg = s[0] == '-';
            u = s[1..];
        }
        if (!TryParseUint(u, numberBase, out ulong un)) return false;
        const ulong cutoff = 1UL << 63;
        if (!neg && un >= cutoff) return false;
        if (neg && un > cutoff) return false;
        value = neg ? unchecked(-(long)un) : (long)un;
        return true;
    }

    private static char Lower(char c) => (char)(c | 0x20);

    /// <summary>Go's strconv.underscoreOK: underscores only between digits (or after a base prefix).</summary>
    private static bool UnderscoreOk(string s)
    {
        char saw = '^';
        int i = 0;
        if (s.Length >= 1 && (s[0] == '-' || s[0] == '+')) s = s[1..];
        bool hex = false;
        if (s.Length >= 2 && s[0] == '0' && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x'))
        {
            i = 2;
            saw = '0';
            hex = Lower(s[1]) == 'x';
        }
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f'))
            {
                saw = '0';
                continue;
            }
            if (c == '_')
            {
                if (saw != '0') return false;
                saw = '_';
                continue;
            }
            if (saw == '_') return false;
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>
    /// The hexadecimal numbers in <paramref name="s"/> as pprof's <c>parseHexAddresses</c> finds them
    /// (every non-overlapping <c>0x[0-9a-f]+</c>, leftmost first). False when one does not fit in 64
    /// bits; <paramref name="bad"/> is then that number.
    /// </summary>
    public static bool TryParseHexAddresses(string s, int from, int to, List<ulong> into, out string bad)
    {
        bad = "";
        int i = from;
        while (i + 2 < to)
        {
            if (s[i] == '0' && s[i + 1] == 'x' && IsLowerHex(s[i + 2]))
            {
                int j = i + 2;
                while (j < to && IsLowerHex(s[j])) j++;
                if (!TryParseHexDigits(s, i + 2, j, out ulong a))
                {
                    bad = s[i..j];
                    return false;
                }
                into.Add(a);
                i = j;
                continue;
            }
            i++;
        }
        return true;
    }

    public static bool IsLowerHex(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');

    /// <summary>Hex digits (either case) s[from..to) as an unsigned 64-bit number; false on overflow or a non-digit.</summary>
    public static bool TryParseHexDigits(string s, int from, int to, out ulong value)
    {
        value = 0;
        if (from >= to) return false;
        for (int i = from; i < to; i++)
        {
            char c = s[i];
            int d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else return false;
            if (value > ulong.MaxValue >> 4) return false;
            value = (value << 4) | (uint)d;
        }
        return true;
    }

    /// <summary>Go's strconv.Unquote for a double-quoted literal, as byte text; false if it is not one.</summary>
    public static bool TryUnquote(string s, int from, out string byteText, out int next)
    {
        byteText = "";
        next = from;
        if (from >= s.Length || s[from] != '"') return false;
        var sb = new StringBuilder();
        int i = from + 1;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '"')
            {
                byteText = sb.ToString();
                next = i + 1;
                return true;
            }
            if (c == '\n') return false;
            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (i + 1 >= s.Length) return false;
            char e = s[i + 1];
            i += 2;
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case 'x':
                    if (i + 2 > s.Length || !TryParseHexDigits(s, i, i + 2, out ulong x)) return false;
                    sb.Append((char)x);
                    i += 2;
                    break;
                case 'u':
                case 'U':
                    {
                        int len = e == 'u' ? 4 : 8;
                        if (i + len > s.Length || !TryParseHexDigits(s, i, i + len, out ulong r)) return false;
                        if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return false;
                        sb.Append(ToByteText(char.ConvertFromUtf32((int)r)));
                        i += len;
                        break;
                    }
                case >= '0' and <= '7':
                    {
                        if (i + 2 > s.Length) return false;
                        int v = e - '0';
                        for (int k = 0; k < 2; k++)
                        {
                            char o = s[i + k];
                            if (o < '0' || o > '7') return false;
                            v = v * 8 + (o - '0');
                        }
                        if (v > 255) return false;
                        sb.Append((char)v);
                        i += 2;
                        break;
                    }
                default:
                    return false;
            }
        }
        return false;
    }

    /// <summary>Text quoted for an error message: at most 60 bytes, as UTF-8.</summary>
    public static string Excerpt(string byteText)
    {
        string s = byteText.Length > 60 ? byteText[..60] + "…" : byteText;
        return "\"" + Utf8(s) + "\"";
    }
}
