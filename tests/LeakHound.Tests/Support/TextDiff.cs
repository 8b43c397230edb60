namespace LeakHound.Tests.Support;

/// <summary>Line-by-line comparison that names the first differing line, for readable failures.</summary>
public static class TextDiff
{
    /// <summary>Null when equal; otherwise the first differing line of each.</summary>
    public static string? FirstDifference(string expected, string actual)
    {
        if (expected == actual) return null;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end of output>";
            string al = i < a.Length ? a[i] : "<end of output>";
            if (el != al) return $"line {i + 1}: expected «{el}» but got «{al}»";
        }
        return "outputs differ in line endings";
    }
}
