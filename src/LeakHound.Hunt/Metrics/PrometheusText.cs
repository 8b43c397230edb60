using System.Globalization;
using System.Text;
using LeakHound.Core;

namespace LeakHound.Hunt.Metrics;

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4, what <c>/metrics</c> serves by
/// default), line by line as the format's specification describes it and as the reference parser
/// (prometheus/common expfmt) reads it: comments, HELP (escapes <c>\\</c>, <c>\n</c>, <c>\"</c>)
/// and TYPE lines; sample lines with labels (values with escapes <c>\\</c>, <c>\"</c>,
/// <c>\n</c>; a trailing comma allowed), quoted UTF-8 metric and label names, blanks and tabs
/// around tokens; values as Go's ParseFloat reads them without hex or underscores (exponents,
/// NaN, ±Inf, Infinity in any case); optional integer timestamps.
/// </summary>
/// <remarks>
/// Three things expfmt refuses are accepted, because services in the wild emit them and they are
/// unambiguous: a last line without its line feed, CR LF line ends, and blanks after the value or
/// timestamp (the specification says trailing whitespace is ignored). Anything else malformed is
/// an <see cref="InputException"/> naming the line.
/// </remarks>
public static class PrometheusText
{
    /// <summary>
    /// Parses <paramref name="text"/>. When <paramref name="keep"/> is given, only samples of those
    /// metric names are returned (every line is still checked), which keeps a large page cheap.
    /// </summary>
    public static PrometheusExposition Parse(string text, string source, IEnumerable<string>? keep = null)
    {
        var keepSet = keep is null ? null : new HashSet<string>(keep, StringComparer.Ordinal);
        var keepLookup = keepSet?.GetAlternateLookup<ReadOnlySpan<char>>();
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenSamples = new HashSet<string>(StringComparer.Ordinal);
        var seenLookup = seenSamples.GetAlternateLookup<ReadOnlySpan<char>>();
        var labels = new List<KeyValuePair<string, string>>();
        int sampleLines = 0;

        int lineNo = 0;
        int pos = 0;
        while (pos < text.Length)
        {
            int nl = text.IndexOf('\n', pos);
            int end = nl < 0 ? text.Length : nl;
            var line = text.AsSpan(pos, end - pos);
            pos = nl < 0 ? text.Length : nl + 1;
            lineNo++;
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];

            var p = new LineCursor(line, source, lineNo);
            p.SkipBlanks();
            if (p.AtEnd) continue;
            if (p.Peek == '#')
            {
                p.Advance();
                ReadComment(ref p, types, help, seenLookup);
                continue;
            }

            sampleLines++;
            string? quotedName = null;
            ReadOnlySpan<char> name = default;
            bool haveName = false;
            if (p.Peek != '{')
            {
                if (p.Peek == '"')
                    quotedName = p.ReadQuoted("metric name");
                else
                    name = p.ReadName(allowColon: true, "metric name");
                haveName = true;
                p.SkipBlanks();
            }

            labels.Clear();
            bool wanted = keepLookup is not { } lookup || (haveName && (quotedName is not null ? lookup.Contains(quotedName) : lookup.Contains(name)));
            if (!p.AtEnd && p.Peek == '{')
            {
                p.Advance();
                ReadLabels(ref p, labels, ref haveName, ref name, ref quotedName);
                if (!wanted && keepLookup is { } l2 && haveName)
                    wanted = quotedName is not null ? l2.Contains(quotedName) : l2.Contains(name);
            }
            if (!haveName) throw p.Error("sample without a metric name");
            if (name.IsEmpty && quotedName is null) throw p.Error("empty metric name");

            p.SkipBlanks();
            var valueToken = p.ReadToken();
            if (valueToken.IsEmpty) throw p.Error("missing sample value");
            if (!TryParseGoFloat(valueToken, out double value))
                throw p.Error($"expected a float as the value, got \"{valueToken}\"");
            long? timestamp = null;
            p.SkipBlanks();
            if (!p.AtEnd)
            {
                var ts = p.ReadToken();
                if (!long.TryParse(ts, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long t))
                    throw p.Error($"expected an integer timestamp, got \"{ts}\"");
                timestamp = t;
                p.SkipBlanks();
                if (!p.AtEnd) throw p.Error($"unexpected text after the timestamp: \"{p.Rest}\"");
            }

            if (quotedName is null) seenLookup.Add(name); else seenSamples.Add(quotedName);
            if (wanted)
            {
                string n = quotedName ?? name.ToString();
                samples.Add(new PrometheusSample(n, labels.Count == 0 ? [] : labels.ToArray(), value, timestamp));
            }
        }
        return new PrometheusExposition { Samples = samples, Types = types, Help = help, SampleLines = sampleLines };
    }

    private static readonly string[] KnownTypes = ["counter", "gauge", "histogram", "summary", "untyped", "gauge_histogram"];

    private static void ReadComment(
        ref LineCursor p,
        Dictionary<string, string> types,
        Dictionary<string, string> help,
        HashSet<string>.AlternateLookup<ReadOnlySpan<char>> seen)
    {
        p.SkipBlanks();
        var keyword = p.ReadToken();
        bool isHelp = keyword.SequenceEqual("HELP");
        if (!isHelp && !keyword.SequenceEqual("TYPE")) return; // a plain comment
        p.SkipBlanks();
        if (p.AtEnd) return; // "# HELP" alone: not an error in expfmt either
        string name = p.Peek == '"' ? p.ReadQuoted("metric name") : p.ReadName(allowColon: true, "metric name").ToString();
        if (!p.AtEnd && !LineCursor.IsBlank(p.Peek)) throw p.Error($"invalid metric name in a {keyword} line");
        p.SkipBlanks();
        if (p.AtEnd) return;
        if (isHelp)
        {
            if (help.ContainsKey(name)) throw p.Error($"second HELP line for metric {name}");
            help[name] = p.ReadHelpText();
            return;
        }
        if (types.ContainsKey(name) || seen.Contains(name))
            throw p.Error($"second TYPE line for metric {name}, or TYPE after its samples");
        var type = p.Rest.TrimEnd(" \t");
        foreach (var known in KnownTypes)
        {
            if (type.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                types[name] = known;
                return;
            }
        }
        throw p.Error($"unknown metric type \"{type}\"");
    }

    private static void ReadLabels(
        ref LineCursor p,
        List<KeyValuePair<string, string>> labels,
        ref bool haveName,
        ref ReadOnlySpan<char> name,
        ref string? quotedName)
    {
        while (true)
        {
            p.SkipBlanks();
            if (p.AtEnd) throw p.Error("unterminated label set: missing '}'");
            if (p.Peek == '}')
            {
                p.Advance();
                return;
            }
            bool quoted = p.Peek == '"';
            string label = quoted ? p.ReadQuoted("label name") : p.ReadName(allowColon: false, "label name").ToString();
            p.SkipBlanks();
            if (p.AtEnd) throw p.Error("unterminated label set: missing '}'");
            if (p.Peek is ',' or '}')
            {
                // A name alone inside the braces is the metric's name (the UTF-8 form {"a.b", x="y"}).
                if (haveName) throw p.Error($"expected '=' after label name {label}");
                haveName = true;
                quotedName = label;
                name = default;
                if (p.Peek == ',') p.Advance();
                continue;
            }
            if (p.Peek != '=') throw p.Error($"expected '=' after label name {label}, found '{p.Peek}'");
            p.Advance();
            if (label == "__name__") throw p.Error("label name __name__ is reserved");
            foreach (var (k, _) in labels)
                if (k == label) throw p.Error($"duplicate label name {label}");
            p.SkipBlanks();
            if (p.AtEnd || p.Peek != '"') throw p.Error($"expected '\"' to start the value of label {label}");
            string value = p.ReadQuoted("label value");
            labels.Add(new(label, value));
            p.SkipBlanks();
            if (p.AtEnd) throw p.Error("unterminated label set: missing '}'");
            if (p.Peek == ',') p.Advance();
            else if (p.Peek != '}') throw p.Error($"expected ',' or '}}' after the value of label {label}, found '{p.Peek}'");
        }
    }

    /// <summary>
    /// A float as expfmt reads it: Go's strconv.ParseFloat without hex mantissas, 'p' exponents or
    /// underscores, i.e. an optional sign, decimal digits with an optional point and exponent, or
    /// "Inf"/"Infinity" with an optional sign, or "NaN" (any case). Out of range is an error, as in Go.
    /// </summary>
    public static bool TryParseGoFloat(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        int i = 0;
        bool negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        var body = s[i..];
        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (i == 0 && body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        int digits = 0;
        int j = 0;
        while (j < body.Length && char.IsAsciiDigit(body[j])) { j++; digits++; }
        if (j < body.Length && body[j] == '.')
        {
            j++;
            while (j < body.Length && char.IsAsciiDigit(body[j])) { j++; digits++; }
        }
        if (digits == 0) return false;
        if (j < body.Length && body[j] is 'e' or 'E')
        {
            j++;
            if (j < body.Length && body[j] is '+' or '-') j++;
            int expDigits = 0;
            while (j < body.Length && char.IsAsciiDigit(body[j])) { j++; expDigits++; }
            if (expDigits == 0) return false;
        }
        if (j != body.Length) return false;
        if (!double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value))
            return false;
        return double.IsFinite(value);
    }

    /// <summary>A cursor over one line; every failure names the source and the line.</summary>
    private ref struct LineCursor(ReadOnlySpan<char> line, string source, int lineNo)
    {
        private readonly ReadOnlySpan<char> _line = line;
        private int _pos;

        public readonly bool AtEnd => _pos >= _line.Length;
        public readonly char Peek => _line[_pos];
        public readonly ReadOnlySpan<char> Rest => _line[_pos..];

        public void Advance() => _pos++;

        public static bool IsBlank(char c) => c is ' ' or '\t';

        public void SkipBlanks()
        {
            while (_pos < _line.Length && IsBlank(_line[_pos])) _pos++;
        }

        public ReadOnlySpan<char> ReadToken()
        {
            int start = _pos;
            while (_pos < _line.Length && !IsBlank(_line[_pos])) _pos++;
            return _line[start.._pos];
        }

        /// <summary>[a-zA-Z_:][a-zA-Z0-9_:]* for metric names, without ':' for label names.</summary>
        public ReadOnlySpan<char> ReadName(bool allowColon, string what)
        {
            int start = _pos;
            while (_pos < _line.Length)
            {
                char c = _line[_pos];
                bool ok = char.IsAsciiLetter(c) || c == '_' || (allowColon && c == ':') || (_pos > start && char.IsAsciiDigit(c));
                if (!ok) break;
                _pos++;
            }
            if (_pos == start)
                throw Error(AtEnd ? $"missing {what}" : $"invalid {what}: unexpected '{_line[_pos]}'");
            return _line[start.._pos];
        }

        /// <summary>A double-quoted string with the escapes \\, \" and \n (at the opening quote).</summary>
        public string ReadQuoted(string what)
        {
            _pos++; // the opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= _line.Length) throw Error($"unterminated {what}: missing closing '\"'");
                char c = _line[_pos++];
                if (c == '"') return sb.ToString();
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                if (_pos >= _line.Length) throw Error($"unterminated {what}: missing closing '\"'");
                char e = _line[_pos++];
                sb.Append(e switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    _ => throw Error($"invalid escape sequence '\\{e}' in {what}"),
                });
            }
        }

        /// <summary>The rest of a HELP line, with the escapes \\ and \n (and \", as expfmt accepts).</summary>
        public string ReadHelpText()
        {
            var sb = new StringBuilder();
            while (_pos < _line.Length)
            {
                char c = _line[_pos++];
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                if (_pos >= _line.Length) throw Error("HELP text ends in a lone backslash");
                char e = _line[_pos++];
                sb.Append(e switch
                {
                    '\\' => '\\',
                    'n' => '\n',
                    '"' => '"',
                    _ => throw Error($"invalid escape sequence '\\{e}' in HELP text"),
                });
            }
            return sb.ToString();
        }

        public readonly InputException Error(string problem) => InputException.AtLine(source, lineNo, problem);
    }
}
