namespace LeakHound.Core;

/// <summary>Go's path/filepath functions for slash-separated paths, as pprof applies them to file names.</summary>
public static class GoPath
{
    /// <summary>Go's <c>filepath.Clean</c> on Unix.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        bool rooted = path[0] == '/';
        var parts = new List<string>();
        int dotdot = 0; // leading ".." kept for relative paths
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > dotdot) parts.RemoveAt(parts.Count - 1);
                else if (!rooted) { parts.Add(".."); dotdot++; }
                continue;
            }
            parts.Add(part);
        }
        string joined = string.Join('/', parts);
        if (rooted) return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>Go's <c>filepath.Base</c> on Unix.</summary>
    public static string Base(string path)
    {
        if (path.Length == 0) return ".";
        path = path.TrimEnd('/');
        if (path.Length == 0) return "/";
        int i = path.LastIndexOf('/');
        return i >= 0 ? path[(i + 1)..] : path;
    }
}
