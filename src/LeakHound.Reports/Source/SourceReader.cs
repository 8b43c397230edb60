namespace LeakHound.Reports.Source;

/// <summary>
/// The source lines of the files a report names, each file read once. A file is looked for as
/// pprof's openSourceFile does (see <see cref="SourcePaths.Trim"/>): an absolute name after trimming
/// must exist as it is; a relative one is tried under each directory of the search path and each of
/// their parents. When that fails, the name as recorded, then <see cref="Fallback"/> (LeakHound's own
/// search), get their turn; if they fail too, the error is pprof's.
/// </summary>
public sealed class SourceReader(string searchPath, string trimPath, Func<string, string?>? fallback = null)
{
    private readonly Dictionary<string, string[]> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _substitutes = [];

    /// <summary>Directories to search, colon-separated (pprof's -source_path, or the working directory).</summary>
    public string SearchPath { get; } = searchPath;

    /// <summary>Prefixes to remove from recorded names, colon-separated (pprof's -trim_path).</summary>
    public string TrimPath { get; } = trimPath;

    /// <summary>Finds a file that pprof's search missed: the recorded name in, a readable path or null out.</summary>
    public Func<string, string?>? Fallback { get; } = fallback;

    /// <summary>Files that pprof would not have found, and where they were read from instead.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Substitutes => _substitutes;

    /// <summary>Line <paramref name="lineno"/> (from 1) of <paramref name="path"/>, or null when the file has no such line or cannot be read.</summary>
    public string? Line(string path, int lineno)
    {
        if (!_files.TryGetValue(path, out var lines))
        {
            lines = Load(path);
            _files[path] = lines;
        }
        return lineno >= 1 && lineno <= lines.Length ? lines[lineno - 1] : null;
    }

    /// <summary>Why <paramref name="path"/> could not be read (pprof's error text), or null.</summary>
    public string? FileError(string path) => _errors.GetValueOrDefault(path);

    private string[] Load(string path)
    {
        var found = Open(path, out string? error);
        if (found is not null)
        {
            var lines = SourceFileLines.Read(found, out string? readError);
            if (lines is not null) return lines;
            error = readError;
        }
        _errors[path] = error!;
        return [];
    }

    /// <summary>The file to read for <paramref name="path"/>, or null and pprof's error.</summary>
    private string? Open(string path, out string? error)
    {
        string trimmed = SourcePaths.Trim(path, TrimPath, SearchPath);
        string? found = PprofSearch(trimmed, out error);
        if (found is not null) return found;

        // pprof stops at the first failure; LeakHound also tries the name as recorded, then its own search.
        string? other = null;
        if (SourcePaths.IsAbsolute(path) && path != trimmed && SourceFileLines.Opens(path)) other = path;
        other ??= Fallback?.Invoke(path);
        if (other is null) return null;
        error = null;
        _substitutes.Add(new(path, other));
        return other;
    }

    /// <summary>pprof's openSourceFile on a trimmed name. An absolute name is returned even when missing, with Go's error.</summary>
    private string? PprofSearch(string trimmed, out string? error)
    {
        error = null;
        if (SourcePaths.IsAbsolute(trimmed))
        {
            if (SourceFileLines.Opens(trimmed)) return trimmed;
            SourceFileLines.Read(trimmed, out error);
            return null;
        }
        foreach (var top in SourcePaths.SplitList(SearchPath))
        {
            for (string dir = top; ; )
            {
                string candidate = SourcePaths.Join(dir, trimmed);
                if (SourceFileLines.Opens(candidate)) return candidate;
                string parent = SourcePaths.Dir(dir);
                if (parent == dir) break;
                dir = parent;
            }
        }
        error = $"could not find file {trimmed} on path {SearchPath}";
        return null;
    }
}
