using LeakHound.Core;

namespace LeakHound.Cli;

/// <summary>Profile inputs as users give them: files, "-" for standard input, globs ("heap-*.pb.gz"), or folders (every file in them).</summary>
public static class InputFiles
{
    public static List<string> Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (input == "-" || File.Exists(input))
            {
                files.Add(input);
            }
            else if (Directory.Exists(input))
            {
                var inDir = Directory.GetFiles(input).Where(f => !Path.GetFileName(f).StartsWith('.')).OrderBy(f => f, StringComparer.Ordinal).ToList();
                if (inDir.Count == 0) throw new InputException(input, "folder has no files");
                files.AddRange(inDir);
            }
            else if (input.IndexOfAny(['*', '?', '[']) >= 0)
            {
                string dir = Path.GetDirectoryName(input) is { Length: > 0 } d ? d : ".";
                string pattern = Path.GetFileName(input);
                var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, pattern).OrderBy(f => f, StringComparer.Ordinal).ToList() : [];
                if (matches.Count == 0) throw new InputException(input, "no file matches");
                files.AddRange(matches);
            }
            else
            {
                files.Add(input); // the reader reports it missing, with its name
            }
        }
        return files;
    }
}
