using System.Text;

namespace LeakHound.Cli.Shell;

/// <summary>
/// Line input on a terminal: editing (arrows, Home/End, Backspace/Delete, Ctrl-A/E/K/U/W), history
/// (Up/Down) and Tab completion — of commands and options for the first word, of function names
/// (by substring, as pprof) for the later ones. Ctrl-D on an empty line ends the input.
/// </summary>
public sealed class LineEditor(string prompt, IReadOnlyList<string> firstWords, IReadOnlyList<string> laterWords)
{
    private readonly List<string> _history = [];

    /// <summary>The next line, or null at the end of input.</summary>
    public string? ReadLine()
    {
        var line = new StringBuilder();
        int cursor = 0, recalled = _history.Count;
        string pending = "";
        Console.Out.Write(prompt);
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            bool ctrl = (key.Modifiers & ConsoleModifiers.Control) != 0;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.Out.Write('\n');
                    string done = line.ToString();
                    if (done.Trim().Length != 0 && (_history.Count == 0 || _history[^1] != done)) _history.Add(done);
                    return done;
                case ConsoleKey.D when ctrl:
                    if (line.Length == 0)
                    {
                        Console.Out.Write('\n');
                        return null;
                    }
                    if (cursor < line.Length) line.Remove(cursor, 1);
                    break;
                case ConsoleKey.C when ctrl:
                    line.Clear();
                    cursor = 0;
                    Console.Out.Write("^C\n");
                    break;
                case ConsoleKey.Backspace:
                    if (cursor > 0) line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete:
                    if (cursor < line.Length) line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow or ConsoleKey.B when key.Key == ConsoleKey.LeftArrow || ctrl:
                    if (cursor > 0) cursor--;
                    break;
                case ConsoleKey.RightArrow or ConsoleKey.F when key.Key == ConsoleKey.RightArrow || ctrl:
                    if (cursor < line.Length) cursor++;
                    break;
                case ConsoleKey.Home or ConsoleKey.A when key.Key == ConsoleKey.Home || ctrl:
                    cursor = 0;
                    break;
                case ConsoleKey.End or ConsoleKey.E when key.Key == ConsoleKey.End || ctrl:
                    cursor = line.Length;
                    break;
                case ConsoleKey.K when ctrl:
                    line.Remove(cursor, line.Length - cursor);
                    break;
                case ConsoleKey.U when ctrl:
                    line.Remove(0, cursor);
                    cursor = 0;
                    break;
                case ConsoleKey.W when ctrl:
                    int start = cursor;
                    while (start > 0 && line[start - 1] == ' ') start--;
                    while (start > 0 && line[start - 1] != ' ') start--;
                    line.Remove(start, cursor - start);
                    cursor = start;
                    break;
                case ConsoleKey.UpArrow or ConsoleKey.P when key.Key == ConsoleKey.UpArrow || ctrl:
                    if (recalled == 0) break;
                    if (recalled == _history.Count) pending = line.ToString();
                    Replace(line, _history[--recalled], ref cursor);
                    break;
                case ConsoleKey.DownArrow or ConsoleKey.N when key.Key == ConsoleKey.DownArrow || ctrl:
                    if (recalled >= _history.Count) break;
                    recalled++;
                    Replace(line, recalled == _history.Count ? pending : _history[recalled], ref cursor);
                    break;
                case ConsoleKey.Tab:
                    Complete(line, ref cursor);
                    break;
                default:
                    if (key.KeyChar >= ' ' && !ctrl) line.Insert(cursor++, key.KeyChar);
                    break;
            }
            Redraw(line, cursor);
        }
    }

    private static void Replace(StringBuilder line, string text, ref int cursor)
    {
        line.Clear().Append(text);
        cursor = line.Length;
    }

    /// <summary>Completes the word before the cursor when exactly one candidate matches.</summary>
    private void Complete(StringBuilder line, ref int cursor)
    {
        int start = cursor;
        while (start > 0 && line[start - 1] != ' ') start--;
        string word = line.ToString(start, cursor - start);
        bool first = line.ToString(0, start).Trim().Length == 0;
        string? match = first ? Single(firstWords, c => c.StartsWith(word, StringComparison.Ordinal)) : null;
        if (!first)
        {
            string prefix = word.StartsWith('-') ? "-" : "";
            string part = word[prefix.Length..];
            if (part.Length != 0 && Single(laterWords, c => c.Contains(part, StringComparison.Ordinal)) is { } fn) match = prefix + fn;
        }
        if (match is null) return;
        line.Remove(start, cursor - start).Insert(start, match);
        cursor = start + match.Length;
    }

    private static string? Single(IReadOnlyList<string> candidates, Func<string, bool> matches)
    {
        string? found = null;
        foreach (var c in candidates)
        {
            if (!matches(c)) continue;
            if (found is not null) return null;
            found = c;
        }
        return found;
    }

    private void Redraw(StringBuilder line, int cursor)
    {
        var w = Console.Out;
        w.Write('\r');
        w.Write(prompt);
        w.Write(line.ToString());
        w.Write("\x1b[K");
        if (line.Length > cursor) w.Write($"\x1b[{line.Length - cursor}D");
        w.Flush();
    }
}
