using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeakHound.Analysis.Graph;
using LeakHound.Core;

namespace LeakHound.Reports.Graph;

/// <summary>How pprof writes names, labels and colours into a DOT graph.</summary>
public static partial class DotText
{
    /// <summary>
    /// Escapes a string for a quoted DOT attribute: backslashes and quotes escaped, and each newline
    /// made a left-justified line break (\l) instead of Graphviz's centred one.
    /// </summary>
    public static string Escape(string s) => s.Replace(@"\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\l");

    /// <summary>
    /// A node's label lines: the function name shortened and split at dots and "::" (keeping "[...]"
    /// of generic functions in one piece as "[…]"), then the file's base name with the line, or the
    /// binary, each line ending in \n.
    /// </summary>
    public static string MultilineName(NodeInfo info)
    {
        string name = Escape(ShortenFunctionName(info.Name))
            .Replace("::", @"\n")
            .Replace("[...]", "[…]")
            .Replace(".", @"\n");
        var sb = new StringBuilder();
        if (info.Address != 0) sb.Append(info.Address.ToString("x16", CultureInfo.InvariantCulture)).Append(@"\n");
        if (name.Length != 0) sb.Append(name).Append(@"\n");
        string file = info.File.Length != 0 ? GoPath.Base(info.File) : "";
        if (info.Lineno != 0) sb.Append(file).Append(':').Append(info.Lineno.ToString(CultureInfo.InvariantCulture)).Append(@"\n");
        else if (file.Length != 0) sb.Append(file).Append(@"\n");
        else if (name.Length != 0) { }
        else if (info.Objfile.Length != 0) sb.Append('[').Append(GoPath.Base(info.Objfile)).Append(@"]\n");
        else sb.Append(@"<unknown>\n");
        return sb.ToString();
    }

    /// <summary>
    /// pprof's short function name: the package path before the last slash dropped for Go
    /// ("net/http.(*conn).serve" → "http.(*conn).serve", a /vN major version removed first), the
    /// package and arguments dropped for Java, the namespaces for C++ (anonymous namespace first).
    /// </summary>
    public static string ShortenFunctionName(string f)
    {
        f = CppAnonymousPrefix().Replace(f, "");
        f = GoMajorVersion().Replace(f, "$1$2");
        foreach (var rx in new[] { GoPackagePath(), JavaMethod(), CppMethod() })
        {
            var m = rx.Match(f);
            if (m.Success) return m.Groups[1].Value;
        }
        return f;
    }

    /// <summary>
    /// pprof's dotColor: a score from -1 (green) through 0 (grey) to 1 (red), saturation fading
    /// near 0 and scores pushed away from it; a pale tint for backgrounds, a dark one for lines.
    /// </summary>
    public static string Color(double score, bool background)
    {
        const double shift = 0.7;
        double saturation = background ? 0.1 : 1.0;
        double value = background ? 0.93 : 0.7;
        score = GoMax(-1.0, GoMin(1.0, score));
        if (Math.Abs(score) < 0.2) saturation *= Math.Abs(score) / 0.2;
        if (score > 0.0) score = Math.Pow(score, 1.0 - shift);
        if (score < 0.0) score = -Math.Pow(-score, 1.0 - shift);
        double r, g, b;
        if (score < 0.0)
        {
            g = value;
            r = value * (1 + saturation * score);
        }
        else
        {
            r = value;
            g = value * (1 - saturation * score);
        }
        b = value * (1 - saturation);
        return string.Create(CultureInfo.InvariantCulture,
            $"#{GoMath.ToUInt8(r * 255.0):x2}{GoMath.ToUInt8(g * 255.0):x2}{GoMath.ToUInt8(b * 255.0):x2}");
    }

    // Go's math.Min and math.Max: NaN wins.
    private static double GoMin(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b);
    private static double GoMax(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    // Go's regexp syntax: \w is ASCII only, $ is the end of the text.
    private const string Word = "[0-9A-Za-z_]";

    [GeneratedRegex(@"^\(anonymous namespace\)::", RegexOptions.CultureInvariant)]
    private static partial Regex CppAnonymousPrefix();

    [GeneratedRegex(@"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex GoMajorVersion();

    [GeneratedRegex(@"^(?:[0-9A-Za-z_\-.]+/)+(.+)", RegexOptions.CultureInvariant)]
    private static partial Regex GoPackagePath();

    [GeneratedRegex(@"^(?:[a-z]" + Word + @"*\.)*([A-Z][0-9A-Za-z_$]*\.(?:<init>|[a-z][0-9A-Za-z_$]*(?:\$[0-9]+)?))(?:\(|\z)", RegexOptions.CultureInvariant)]
    private static partial Regex JavaMethod();

    [GeneratedRegex(@"^(?:[_a-zA-Z]" + Word + @"*::)+(_*[A-Z]" + Word + @"*::~?[_a-zA-Z]" + Word + @"*(?:<.*>)?)", RegexOptions.CultureInvariant)]
    private static partial Regex CppMethod();
}
