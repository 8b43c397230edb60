namespace LeakHound.Cli;

/// <summary>Reads lines of source files named in a dump, when they exist on this machine; each file is read once.</summary>
public sealed class SourceLines
{
    private readonly Dictionary<string, string[]?> _files = new(StringComparer.Ordinal);

    public string? Line(string path, int line)
    {
        if (!_files.TryGetValue(path, out var lines))
        {
            try
            {
                lines = File.Exists(path) && new FileInfo(path).Length < 16 << 20 ? File.ReadAllLines(path) : null;
            }
            catch (IOException)
            {
                lines = null;
            }
            catch (UnauthorizedAccessException)
            {
                lines = null;
            }
            _files[path] = lines;
        }
        return lines is not null && line >= 1 && line <= lines.Length ? lines[line - 1] : null;
    }
}
