using System.Text;

namespace LeakHound.Reports.Source;

/// <summary>
/// Reads a source file into lines as pprof does (Go's os.Open and a bufio.Scanner): lines end at
/// '\n' with one trailing '\r' removed; a line of 64 KiB or more ends the file silently, as the
/// scanner's token limit does in pprof; a directory opens and reads as no lines. Failures read as
/// Go's error text ("open PATH: no such file or directory").
/// </summary>
public static class SourceFileLines
{
    /// <summary>bufio.MaxScanTokenSize: a line this long (without its newline) stops the scan.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Reading stops here, so that a device or an endless file cannot hang a report.</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>True when Go's os.Open would succeed: a file or a directory.</summary>
    public static bool Opens(string path) => File.Exists(path) || Directory.Exists(path);

    /// <summary>The lines of <paramref name="path"/>, or null and Go's error text.</summary>
    public static string[]? Read(string path, out string? error)
    {
        error = null;
        if (Directory.Exists(path)) return [];
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        }
        catch (UnauthorizedAccessException)
        {
            error = $"open {path}: permission denied";
            return null;
        }
        catch (IOException)
        {
            error = $"open {path}: {MissingReason(path)}";
            return null;
        }
        // pprof drops a read error (it records the open error, nil by then): the lines read so far stand.
        var lines = new List<string>();
        using (stream)
        {
            try
            {
                Scan(stream, lines);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return [.. lines];
    }

    /// <summary>ENOTDIR when a parent is a file, ENOENT otherwise, in Go's words.</summary>
    private static string MissingReason(string path)
    {
        for (string? dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) return "not a directory";
            if (Directory.Exists(dir)) break;
        }
        return "no such file or directory";
    }

    private static void Scan(Stream stream, List<string> lines)
    {
        var line = new MemoryStream();
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while (total < MaxFileBytes && (n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
            int start = 0, nl;
            while ((nl = buffer.AsSpan(start, n - start).IndexOf((byte)'\n')) >= 0)
            {
                line.Write(buffer, start, nl);
                if (line.Length >= MaxLineBytes) return;
                lines.Add(Decode(line));
                line.SetLength(0);
                start += nl + 1;
            }
            line.Write(buffer, start, n - start);
            if (line.Length >= MaxLineBytes) return;
        }
        if (line.Length > 0) lines.Add(Decode(line));
    }

    private static string Decode(MemoryStream line)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        return Encoding.UTF8.GetString(bytes);
    }
}
