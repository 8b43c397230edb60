using System.Text;

namespace LeakHound.Core;

/// <summary>
/// Go's text/tabwriter for the settings pprof uses (padding character ' ', no tab expansion):
/// tab-terminated cells are aligned in column blocks (consecutive lines that have a cell in that
/// column); the text after a line's last tab is not aligned. Text is formatted when written.
/// </summary>
public static class GoTabWriter
{
    /// <param name="alignRight">Go's AlignRight flag: padding before the cell text.</param>
    public static string Format(string text, int minWidth, int padding, bool alignRight)
    {
        var lines = new List<List<string>>();
        var raw = text.Split('\n');
        // A final newline ends the last line; no empty line follows it.
        int count = raw.Length;
        bool endsWithNewline = text.EndsWith('\n');
        if (endsWithNewline) count--;
        for (int i = 0; i < count; i++) lines.Add([.. raw[i].Split('\t')]);

        var sb = new StringBuilder(text.Length * 2);
        var widths = new List<int>();
        Block(0, lines.Count);
        return sb.ToString();

        void Block(int line0, int line1)
        {
            int column = widths.Count;
            for (int current = line0; current < line1; current++)
            {
                if (column >= lines[current].Count - 1) continue;
                Write(line0, current);
                line0 = current;
                int width = minWidth;
                for (; current < line1; current++)
                {
                    var cells = lines[current];
                    if (column >= cells.Count - 1) break;
                    int w = cells[column].Length + padding;
                    if (w > width) width = w;
                }
                widths.Add(width);
                Block(line0, current);
                widths.RemoveAt(widths.Count - 1);
                line0 = current;
                current--; // the loop's increment moves on from the first line after the block
            }
            Write(line0, line1);
        }

        void Write(int line0, int line1)
        {
            for (int i = line0; i < line1; i++)
            {
                var cells = lines[i];
                for (int j = 0; j < cells.Count; j++)
                {
                    string c = cells[j];
                    bool aligned = j < widths.Count;
                    int pad = aligned ? Math.Max(0, widths[j] - c.Length) : 0;
                    if (alignRight)
                    {
                        sb.Append(' ', pad);
                        sb.Append(c);
                    }
                    else
                    {
                        sb.Append(c);
                        sb.Append(' ', pad);
                    }
                }
                if (i + 1 < lines.Count || endsWithNewline) sb.Append('\n');
            }
        }
    }
}
