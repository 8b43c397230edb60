using LeakHound.Core;
using LeakHound.Formats.Goroutines;

namespace LeakHound.Cli;

/// <summary>Where a goroutine dump comes from: a file, standard input, or a service's /debug/pprof/goroutine.</summary>
public static class DumpSource
{
    public static bool IsUrl(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public static GoroutineDump Read(string input)
    {
        if (!IsUrl(input)) return GoroutineDumpReader.ReadFile(input, Limits.Default);
        var url = DumpUrl(input);
        return GoroutineDumpReader.Read(HttpFetch.Get(url, Limits.Default.MaxDecompressedBytes), url.ToString(), Limits.Default);
    }

    /// <summary>A service's base URL gets /debug/pprof/goroutine?debug=2; a URL with a path is used as given.</summary>
    public static Uri DumpUrl(string input)
    {
        if (!Uri.TryCreate(input, UriKind.Absolute, out var uri)) throw new UsageException($"not a valid URL: {input}");
        if (uri.AbsolutePath is "" or "/") uri = new Uri(uri, "/debug/pprof/goroutine?debug=2");
        return uri;
    }
}
