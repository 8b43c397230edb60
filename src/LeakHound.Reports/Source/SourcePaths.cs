using LeakHound.Core;

namespace LeakHound.Reports.Source;

/// <summary>
/// pprof's handling of the source file names a profile records: its trimPath (used both for the
/// names a report prints and for finding files) and the Go path functions its search relies on.
/// </summary>
public static class SourcePaths
{
    /// <summary>Prefixes pprof always removes (Bazel's sandbox paths).</summary>
    private static readonly string[] DefaultTrims = ["/proc/self/cwd/./", "/proc/self/cwd/"];

    /// <summary>
    /// pprof's trimPath: without <paramref name="trimPath"/>, the part up to and including
    /// "/BASE/" where BASE is the last element of a search directory (so a file recorded under
    /// another checkout of the same project becomes relative to it); then the first matching
    /// prefix of <paramref name="trimPath"/> (a colon-separated list) or of the Bazel prefixes.
    /// </summary>
    public static string Trim(string path, string trimPath, string searchPath)
    {
        if (trimPath.Length == 0)
        {
            foreach (var dir in SplitList(searchPath))
            {
                string want = "/" + GoPath.Base(dir) + "/";
                int found = path.IndexOf(want, StringComparison.Ordinal);
                if (found != -1) return path[(found + want.Length)..];
            }
        }
        foreach (var prefix in SplitList(trimPath).Concat(DefaultTrims))
        {
            string p = prefix.EndsWith('/') ? prefix : prefix + "/";
            if (path.StartsWith(p, StringComparison.Ordinal)) return path[p.Length..];
        }
        return path;
    }

    /// <summary>A function that trims every file name as pprof's report graph does (search path given by -source_path only).</summary>
    public static Func<string, string> Trimmer(string trimPath, string sourcePath) => file => Trim(file, trimPath, sourcePath);

    /// <summary>Go's filepath.SplitList on Unix: no entries for an empty list.</summary>
    public static string[] SplitList(string list) => list.Length == 0 ? [] : list.Split(':');

    /// <summary>Go's filepath.Join of two elements.</summary>
    public static string Join(string dir, string path)
    {
        if (dir.Length == 0) return path.Length == 0 ? "" : GoPath.Clean(path);
        return GoPath.Clean(path.Length == 0 ? dir : dir + "/" + path);
    }

    /// <summary>Go's filepath.Dir on Unix.</summary>
    public static string Dir(string path)
    {
        int i = path.LastIndexOf('/');
        return GoPath.Clean(i < 0 ? "" : path[..(i + 1)]);
    }

    public static bool IsAbsolute(string path) => path.StartsWith('/');
}
