using System.Text;

namespace LeakHound.Reports.Source;

/// <summary>Where Go keeps sources on this machine: GOROOT and the module caches (GOMODCACHE, or each GOPATH's pkg/mod).</summary>
public sealed record GoDirectories(string GoRoot, IReadOnlyList<string> ModuleCaches);

/// <summary>
/// LeakHound's search for a source file that pprof did not find, for profiles taken from a binary
/// built elsewhere (a container, CI, another checkout, -trimpath). In order, the first file that
/// exists wins:
/// <list type="number">
/// <item>the main module: a name starting with, or containing, the module path of the go.mod found
/// above the working directory (<c>leakhound/samples/cacheleak/main.go</c> → ROOT/cacheleak/main.go);</item>
/// <item>the module cache: <c>…/pkg/mod/MODULE@VERSION/FILE</c> or <c>MODULE@VERSION/FILE</c> under each cache;</item>
/// <item>the standard library: what follows a <c>/src/</c> (or a -trimpath name such as
/// <c>net/http/server.go</c>) under this machine's GOROOT/src;</item>
/// <item>the module root (the working directory when there is no go.mod): the longest suffix of
/// the name, of at least a folder and the file, under it (<c>/app/internal/x.go</c> → ROOT/internal/x.go);</item>
/// <item>the module's subfolders: the file of that name whose path shares the most trailing
/// folders with the name (at least one), the shortest on a tie;</item>
/// <item>a file of that name at the module root, for names such as <c>/app/main.go</c> (not for
/// module cache or toolchain names).</item>
/// </list>
/// The last two need a go.mod: a working directory such as /tmp or a home folder is not searched through.
/// </summary>
public sealed class GoSourceSearch
{
    /// <summary>The subfolder search looks at no more files than this.</summary>
    public const int MaxIndexedFiles = 200_000;

    private readonly Lazy<GoDirectories> _go;
    private readonly string? _moduleRoot;
    private readonly string? _modulePath;
    private readonly string _root;
    private Dictionary<string, List<string>>? _byName;

    /// <param name="workingDirectory">Where the module root is looked for (upwards).</param>
    /// <param name="go">GOROOT and the module caches; asked for only when a name needs them.</param>
    public GoSourceSearch(string workingDirectory, Func<GoDirectories> go)
    {
        _go = new Lazy<GoDirectories>(go);
        (_moduleRoot, _modulePath) = FindModule(workingDirectory);
        _root = _moduleRoot ?? workingDirectory;
    }

    /// <summary>The go.mod folder found above the working directory, or null.</summary>
    public string? ModuleRoot => _moduleRoot;

    /// <summary>Its module path, or null.</summary>
    public string? ModulePath => _modulePath;

    /// <summary>A readable file for the recorded name, or null.</summary>
    public string? Find(string recorded)
    {
        string p = recorded.Replace('\\', '/');
        var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (parts.Length == 0) return null;
        bool absolute = SourcePaths.IsAbsolute(p);
        return InMainModule(p)
            ?? InModuleCache(p, absolute)
            ?? InGoRoot(p, absolute)
            ?? BySuffix(parts)
            ?? InSubfolders(parts)
            ?? AtRoot(p, absolute, parts);
    }

    private string? InMainModule(string p)
    {
        if (_modulePath is null) return null;
        string prefix = _modulePath + "/";
        if (p.StartsWith(prefix, StringComparison.Ordinal)) return Existing(_root, p[prefix.Length..]);
        int i = p.IndexOf("/" + prefix, StringComparison.Ordinal);
        return i >= 0 ? Existing(_root, p[(i + 1 + prefix.Length)..]) : null;
    }

    private string? InModuleCache(string p, bool absolute)
    {
        string? rel = null;
        int i = p.LastIndexOf("/pkg/mod/", StringComparison.Ordinal);
        if (i >= 0) rel = p[(i + "/pkg/mod/".Length)..];
        else if (!absolute && p.IndexOf('@') > 0) rel = p;
        if (rel is null) return null;
        foreach (var cache in _go.Value.ModuleCaches)
            if ((Existing(cache, rel) ?? Existing(cache, EscapeModuleVersion(rel))) is { } found) return found;
        return null;
    }

    private string? InGoRoot(string p, bool absolute)
    {
        string goroot = _go.Value.GoRoot;
        if (goroot.Length == 0) return null;
        string src = Path.Combine(goroot, "src");
        if (!absolute && Existing(src, p) is { } direct) return direct;
        for (int i = p.IndexOf("/src/", StringComparison.Ordinal); i >= 0; i = p.IndexOf("/src/", i + 1, StringComparison.Ordinal))
            if (Existing(src, p[(i + "/src/".Length)..]) is { } found) return found;
        return null;
    }

    private string? BySuffix(string[] parts)
    {
        for (int k = parts.Length; k >= 2; k--)
            if (Existing(_root, string.Join('/', parts[^k..])) is { } found) return found;
        return null;
    }

    private string? InSubfolders(string[] parts)
    {
        if (parts.Length < 2 || _moduleRoot is null) return null;
        _byName ??= IndexFiles(_moduleRoot);
        if (!_byName.TryGetValue(parts[^1], out var candidates)) return null;
        string? best = null;
        int bestScore = 1, bestLength = 0;
        foreach (var rel in candidates)
        {
            var c = rel.Split('/');
            int score = 0;
            while (score < c.Length && score < parts.Length && c[^(score + 1)] == parts[^(score + 1)]) score++;
            if (score < 2) continue;
            if (score > bestScore || (score == bestScore && (c.Length < bestLength || (c.Length == bestLength && string.CompareOrdinal(rel, best) < 0))))
            {
                best = rel;
                bestScore = score;
                bestLength = c.Length;
            }
        }
        return best is null ? null : Path.Combine(_moduleRoot, best);
    }

    private string? AtRoot(string p, bool absolute, string[] parts)
    {
        // A module cache or toolchain name found nowhere else is not the user's file of the same name.
        if (p.Contains('@') || p.Contains("/pkg/mod/", StringComparison.Ordinal) || p.Contains("/go/src/", StringComparison.Ordinal)) return null;
        if (_moduleRoot is null || (!absolute && !parts[0].Contains('.'))) return null;
        return Existing(_moduleRoot, parts[^1]);
    }

    private static string? Existing(string dir, string rel)
    {
        string path = Path.Combine(dir, rel.TrimStart('/'));
        return File.Exists(path) ? path : null;
    }

    /// <summary>The module cache's spelling of MODULE@VERSION: each upper-case letter becomes '!' and the letter in lower case.</summary>
    public static string EscapeModuleVersion(string rel)
    {
        int at = rel.IndexOf('@');
        if (at < 0) return rel;
        int end = rel.IndexOf('/', at);
        if (end < 0) end = rel.Length;
        var sb = new StringBuilder(rel.Length + 8);
        foreach (char c in rel.AsSpan(0, end))
        {
            if (char.IsAsciiLetterUpper(c)) sb.Append('!').Append(char.ToLowerInvariant(c));
            else sb.Append(c);
        }
        return sb.Append(rel.AsSpan(end)).ToString();
    }

    /// <summary>The nearest folder at or above <paramref name="dir"/> holding a go.mod, and its module path.</summary>
    public static (string? Root, string? ModulePath) FindModule(string dir)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
        {
            string gomod = Path.Combine(d.FullName, "go.mod");
            if (File.Exists(gomod)) return (d.FullName, ReadModulePath(gomod));
        }
        return (null, null);
    }

    /// <summary>The path of go.mod's module directive (quoted or not, comments dropped), or null.</summary>
    public static string? ReadModulePath(string gomod)
    {
        var lines = SourceFileLines.Read(gomod, out _) ?? [];
        foreach (var raw in lines)
        {
            string line = raw;
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (!line.StartsWith("module", StringComparison.Ordinal)) continue;
            string rest = line["module".Length..];
            if (rest.Length == 0 || !(char.IsWhiteSpace(rest[0]) || rest[0] == '"')) continue;
            rest = rest.Trim().Trim('"', '`');
            return rest.Length == 0 ? null : rest;
        }
        return null;
    }

    /// <summary>Files under <paramref name="root"/> by name (relative paths), skipping hidden folders and links; at most <see cref="MaxIndexedFiles"/>.</summary>
    private static Dictionary<string, List<string>> IndexFiles(string root)
    {
        var byName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
            MaxRecursionDepth = 32,
        };
        int count = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", options))
            {
                if (++count > MaxIndexedFiles) break;
                string name = Path.GetFileName(file);
                if (!byName.TryGetValue(name, out var list)) byName[name] = list = [];
                list.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return byName;
    }
}
