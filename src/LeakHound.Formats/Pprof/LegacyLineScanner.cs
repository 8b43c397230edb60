using System.Text;
using LeakHound.Core;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// Lines of a text profile as Go's <c>bufio.Scanner</c> with <c>ScanLines</c> yields them: split at
/// '\n', one trailing '\r' dropped, a last line without '\n' still returned, and <see cref="Text"/>
/// empty once <see cref="Scan"/> has returned false at the end. Go's scanner refuses lines of 64 KiB
/// or more ("token too long"), which makes pprof fail; here such a line throws once the reader
/// has <see cref="Committed"/> to a format, and otherwise simply ends the scan (the format is then
/// not recognised). Lines are byte text: one char per byte.
/// </summary>
internal ref struct LegacyLineScanner
{
    /// <summary>The longest line Go's scanner accepts with its default buffer, in bytes.</summary>
    public const int MaxLineBytes = 64 * 1024 - 1;

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;
    private readonly long _baseOffset;
    private readonly bool _byOffset;
    private int _pos;

    /// <param name="byOffset">Name places by byte offset rather than line number (text that follows binary data).</param>
    public LegacyLineScanner(ReadOnlySpan<byte> data, string source, long baseOffset = 0, bool byOffset = false)
    {
        _data = data;
        _source = source;
        _baseOffset = baseOffset;
        _byOffset = byOffset;
        _pos = 0;
        Text = "";
        LineNumber = 0;
        LineOffset = baseOffset;
    }

    /// <summary>The current line (byte text), "" after the end.</summary>
    public string Text { get; private set; }

    /// <summary>1-based number of the current line in the whole input.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Absolute offset of the current line.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Once set, an over-long line is an error rather than the end of the data.</summary>
    public bool Committed { get; set; }

    public readonly string Source => _source;

    public bool Scan()
    {
        if (_pos >= _data.Length)
        {
            Text = "";
            return false;
        }
        var rest = _data[_pos..];
        int nl = rest.IndexOf((byte)'\n');
        int len = nl < 0 ? rest.Length : nl;
        if (len > MaxLineBytes)
        {
            if (Committed)
            {
                LineNumber++;
                LineOffset = _baseOffset + _pos;
                throw Fail($"line longer than {MaxLineBytes} bytes (pprof stops at \"token too long\")");
            }
            _pos = _data.Length;
            Text = "";
            return false;
        }
        var line = rest[..len];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        LineOffset = _baseOffset + _pos;
        Text = Encoding.Latin1.GetString(line);
        LineNumber++;
        _pos += nl < 0 ? len : len + 1;
        return true;
    }

    /// <summary>An error about the current line.</summary>
    public readonly InputException Fail(string problem) => _byOffset
        ? InputException.AtOffset(_source, LineOffset, problem)
        : InputException.AtLine(_source, Math.Max(LineNumber, 1), problem);

    /// <summary>An error about the current line, naming what was expected and quoting what was found.</summary>
    public readonly InputException Expected(string what) =>
        Fail($"expected {what}, found {LegacyGoText.Excerpt(Text)}");
}
