namespace LeakHound.Analysis;

/// <summary>
/// Tells the Go runtime and standard library apart from the user's code by a function's package
/// path: standard packages have no dot in their first path element and sit under one of the
/// standard library's top-level directories; "main" and module paths are the user's.
/// </summary>
public static class GoPackages
{
    private static readonly HashSet<string> StandardRoots = new(StringComparer.Ordinal)
    {
        "archive", "arena", "bufio", "builtin", "bytes", "cmp", "compress", "container", "context", "crypto",
        "database", "debug", "embed", "encoding", "errors", "expvar", "flag", "fmt", "go", "hash", "html",
        "image", "index", "internal", "io", "iter", "log", "maps", "math", "mime", "net", "os", "path",
        "plugin", "reflect", "regexp", "runtime", "slices", "sort", "strconv", "strings", "structs", "sync",
        "syscall", "testing", "text", "time", "unicode", "unique", "unsafe", "vendor", "weak",
    };

    /// <summary>The package path of a Go function name: "net/http" for "net/http.(*conn).serve".</summary>
    public static string PackagePath(string function)
    {
        int slash = function.LastIndexOf('/');
        int dot = function.IndexOf('.', slash + 1);
        return dot < 0 ? function : function[..dot];
    }

    /// <summary>True for the runtime and the standard library (and their vendored packages).</summary>
    public static bool IsStandard(string function)
    {
        if (function.Length == 0) return true;
        string pkg = PackagePath(function);
        int slash = pkg.IndexOf('/');
        string first = slash < 0 ? pkg : pkg[..slash];
        if (first.Contains('.')) return false;
        return StandardRoots.Contains(first);
    }

    /// <summary>True for the user's own code: neither the standard library nor the runtime.</summary>
    public static bool IsUser(string function) => !IsStandard(function);

    /// <summary>The short name pprof shows: the package path's directories dropped ("http.(*conn).serve").</summary>
    public static string ShortName(string function)
    {
        int slash = function.LastIndexOf('/', function.IndexOf('(') is int p && p > 0 ? p : function.Length - 1);
        return slash < 0 ? function : function[(slash + 1)..];
    }
}
