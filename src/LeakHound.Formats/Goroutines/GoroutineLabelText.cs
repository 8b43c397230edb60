using System.Text;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// A label map as printed in a goroutine header, <c>{"key": "value", …}</c>: keys and values are
/// Go-quoted strings (the runtime escapes everything outside printable ASCII) or, leniently, bare
/// words; the separator after the key is ':' with or without a space, between pairs ',' with or
/// without a space. The map is checked first (<see cref="TrySkipMap"/>) so that a header with a
/// malformed map is not taken for a header, then decoded.
/// </summary>
internal static class GoroutineLabelText
{
    /// <summary>Checks the map starting at line[at] == '{'; <paramref name="end"/> is just past its '}'.</summary>
    public static bool TrySkipMap(ReadOnlySpan<byte> line, int at, out int end) => Walk(line, at, null, out end);

    /// <summary>Adds the map's pairs (checked before) to the builder's labels.</summary>
    public static void Add(ReadOnlySpan<byte> line, int at, GoroutineDumpBuilder builder) => Walk(line, at, builder, out _);

    private static bool Walk(ReadOnlySpan<byte> line, int pos, GoroutineDumpBuilder? builder, out int end)
    {
        end = pos;
        if (pos >= line.Length || line[pos] != (byte)'{') return false;
        pos++;
        SkipSpaces(line, ref pos);
        if (pos < line.Length && line[pos] == (byte)'}')
        {
            end = pos + 1;
            return true;
        }
        while (true)
        {
            if (!TryItem(line, ref pos, (byte)':', out string? key, builder is not null)) return false;
            if (pos >= line.Length || line[pos] != (byte)':') return false;
            pos++;
            SkipSpaces(line, ref pos);
            if (!TryItem(line, ref pos, (byte)',', out string? value, builder is not null)) return false;
            if (builder is not null) builder.AddLabel(builder.Strings.Intern(key!), builder.Strings.Intern(value!));
            SkipSpaces(line, ref pos);
            if (pos >= line.Length) return false;
            if (line[pos] == (byte)'}')
            {
                end = pos + 1;
                return true;
            }
            if (line[pos] != (byte)',') return false;
            pos++;
            SkipSpaces(line, ref pos);
        }
    }

    private static void SkipSpaces(ReadOnlySpan<byte> line, ref int pos)
    {
        while (pos < line.Length && line[pos] == (byte)' ') pos++;
    }

    /// <summary>A quoted string, or a bare word ending before <paramref name="stop"/>, '}' or a space.</summary>
    private static bool TryItem(ReadOnlySpan<byte> line, ref int pos, byte stop, out string? text, bool decode)
    {
        text = null;
        if (pos >= line.Length) return false;
        if (line[pos] == (byte)'"') return TryUnquote(line, ref pos, out text, decode);
        int start = pos;
        while (pos < line.Length && line[pos] != stop && line[pos] != (byte)'}' && line[pos] != (byte)'"'
               && !(stop == (byte)',' && line[pos] == (byte)' '))
        {
            pos++;
        }
        if (pos == start) return false;
        if (decode) text = Encoding.UTF8.GetString(line[start..pos]);
        return true;
    }

    /// <summary>A Go double-quoted string literal starting at line[pos] == '"'.</summary>
    public static bool TryUnquote(ReadOnlySpan<byte> line, ref int pos, out string? text, bool decode)
    {
        text = null;
        pos++;
        var bytes = decode ? new List<byte>() : null;
        while (pos < line.Length)
        {
            byte b = line[pos++];
            if (b == (byte)'"')
            {
                if (bytes is not null) text = Encoding.UTF8.GetString(bytes.ToArray());
                return true;
            }
            if (b != (byte)'\\')
            {
                bytes?.Add(b);
                continue;
            }
            if (pos >= line.Length) return false;
            byte e = line[pos++];
            switch (e)
            {
                case (byte)'a': bytes?.Add(7); break;
                case (byte)'b': bytes?.Add(8); break;
                case (byte)'f': bytes?.Add(12); break;
                case (byte)'n': bytes?.Add(10); break;
                case (byte)'r': bytes?.Add(13); break;
                case (byte)'t': bytes?.Add(9); break;
                case (byte)'v': bytes?.Add(11); break;
                case (byte)'\\': bytes?.Add((byte)'\\'); break;
                case (byte)'"': bytes?.Add((byte)'"'); break;
                case (byte)'\'': bytes?.Add((byte)'\''); break;
                case (byte)'x':
                    if (!TryHex(line, ref pos, 2, out uint x)) return false;
                    bytes?.Add((byte)x);
                    break;
                case (byte)'u':
                case (byte)'U':
                    if (!TryHex(line, ref pos, e == (byte)'u' ? 4 : 8, out uint r)) return false;
                    if (bytes is not null) AddRune(bytes, r);
                    break;
                default:
                    if (e < (byte)'0' || e > (byte)'7' || pos + 1 >= line.Length) return false;
                    uint o = (uint)(e - '0');
                    for (int k = 0; k < 2; k++)
                    {
                        byte d = line[pos++];
                        if (d < (byte)'0' || d > (byte)'7') return false;
                        o = o * 8 + (uint)(d - '0');
                    }
                    if (o > 255) return false;
                    bytes?.Add((byte)o);
                    break;
            }
        }
        return false;
    }

    private static bool TryHex(ReadOnlySpan<byte> line, ref int pos, int digits, out uint value)
    {
        value = 0;
        if (pos + digits > line.Length) return false;
        for (int k = 0; k < digits; k++)
        {
            int d = HexDigit(line[pos++]);
            if (d < 0) return false;
            value = value * 16 + (uint)d;
        }
        return true;
    }

    internal static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static void AddRune(List<byte> bytes, uint r)
    {
        Span<byte> buf = stackalloc byte[4];
        var rune = Rune.IsValid(r) ? new Rune(r) : Rune.ReplacementChar;
        int n = rune.EncodeToUtf8(buf);
        for (int i = 0; i < n; i++) bytes.Add(buf[i]);
    }
}
