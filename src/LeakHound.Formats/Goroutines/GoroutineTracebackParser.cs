using LeakHound.Core;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// Reads tracebacks (debug=2, runtime.Stack(buf, true), panic and signal output) line by line over
/// the input bytes. A goroutine starts at its header and ends at a blank line; between goroutines
/// everything is passed over (panic messages, "runtime stack:" blocks, register dumps, log lines).
/// Inside a stack, a function line is a frame once its tab-indented location line follows.
/// See docs/formats/goroutine-dump.md for every variant and the Go version that prints it.
/// </summary>
internal sealed class GoroutineTracebackParser
{
    private enum Pending { None, Function, CreatedBy }

    private readonly byte[] _data;
    private readonly string _source;
    private readonly Limits _limits;
    private readonly GoroutineDumpBuilder _b;
    private readonly int _nonGoFunction;

    private bool _inStack;
    private bool _inAncestor;
    private Pending _pending;
    private int _pendingFunction, _pendingArgs, _pendingLineNo, _pendingStart, _pendingEnd;
    private long _pendingParent;
    private bool _truncated;

    private GoroutineTracebackParser(byte[] data, int start, string source, Limits limits)
    {
        _data = data;
        _source = source;
        _limits = limits;
        // Sizes from a quick census, so that the big arrays are allocated once at (about) their
        // final size: a location line is the only line that starts with a tab, and each frame has
        // one, as has each "created by" line. Every distinct string could be an argument list.
        var rest = data.AsSpan(start);
        int tabs = rest.Count((byte)'\t');
        int headers = 1 + Occurrences(rest, "\ngoroutine "u8);
        int frames = Math.Max(16, tabs - Occurrences(rest, "\ncreated by "u8));
        var strings = new ByteStringTable(data, Math.Min(frames + headers, 1 << 24));
        _b = new GoroutineDumpBuilder(strings, source, limits, headers, frames);
        _nonGoFunction = strings.Intern("non-Go function");
    }

    private static int Occurrences(ReadOnlySpan<byte> data, ReadOnlySpan<byte> what)
    {
        int n = 0;
        while (true)
        {
            int i = data.IndexOf(what);
            if (i < 0) return n;
            n++;
            data = data[(i + what.Length)..];
        }
    }

    /// <summary>Parses from the first header, at byte <paramref name="start"/> which is line <paramref name="lineNo"/>.</summary>
    public static GoroutineDump Parse(byte[] data, int start, int lineNo, string source, Limits limits)
    {
        var p = new GoroutineTracebackParser(data, start, source, limits);
        p.Run(start, lineNo);
        return p._b.Build(GoroutineDumpForm.Traceback, "", p._truncated);
    }

    private void Run(int pos, int lineNo)
    {
        var data = _data;
        int length = data.Length;
        long maxLine = _limits.MaxStringBytes;
        while (pos < length)
        {
            int nl = data.AsSpan(pos).IndexOf((byte)'\n');
            bool complete = nl >= 0;
            int end = complete ? pos + nl : length;
            int lineEnd = end;
            if (lineEnd > pos && data[lineEnd - 1] == (byte)'\r') lineEnd--;
            if (lineEnd - pos > maxLine)
                throw InputException.AtLine(_source, lineNo, $"a line of {lineEnd - pos} bytes, over the limit of {maxLine}");
            if (complete) Line(pos, lineEnd, lineNo);
            else LastPartialLine(pos, lineEnd, lineNo);
            pos = end + 1;
            lineNo++;
        }
        EndOfInput(lineNo);
    }

    private void Line(int start, int end, int lineNo)
    {
        var line = new ReadOnlySpan<byte>(_data, start, end - start);
        if (!_inStack)
        {
            if (GoroutineHeader.LooksLikeHeader(line)) TryBeginGoroutine(line, start, lineNo);
            return;
        }
        if (line.IsEmpty)
        {
            EndGoroutine();
            return;
        }
        byte first = line[0];
        if (first == (byte)'\t')
        {
            Location(line, start, lineNo);
            return;
        }
        if (first == (byte)'g' && GoroutineHeader.LooksLikeHeader(line))
        {
            // A header right after a stack, without the blank line (hand-joined dumps).
            if (TryBeginGoroutine(line, start, lineNo)) return;
        }
        else if (first == (byte)'c' && line.StartsWith("created by "u8))
        {
            FlushPending();
            CreatedBy(line, start, lineNo);
            return;
        }
        else if (first == (byte)'[' && line.StartsWith("[originating from goroutine "u8))
        {
            if (TryBeginAncestor(line, lineNo)) return;
        }
        else if (first == (byte)'.' && line.StartsWith("..."u8))
        {
            if (Elided(line)) return;
        }
        else if (first == (byte)'n' && line.StartsWith("non-Go function at pc="u8))
        {
            // A cgo frame the runtime could not symbolize (traceback.go, printCgoTraceback / traceback2).
            FlushPending();
            AddFrame(new StackFrame(_nonGoFunction, -1, -1, 0, -1), lineNo);
            return;
        }
        if (EndsDump(line))
        {
            EndGoroutine();
            return;
        }
        FunctionLine(line, start, end, lineNo);
    }

    private bool TryBeginGoroutine(ReadOnlySpan<byte> line, int start, int lineNo)
    {
        if (!GoroutineHeader.TryParse(line, out var h)) return false;
        if (_inStack) EndGoroutine();
        int state = _b.Strings.Intern(start + h.StateStart, h.StateLength);
        _b.BeginGoroutine(h.Id, state, h.WaitMinutes, h.Flags, h.M, h.Bubble, lineNo);
        if (h.LabelsAt >= 0) GoroutineLabelText.Add(line, h.LabelsAt, _b);
        if (h.UnknownStart >= 0) _b.Warn(lineNo, line);
        _inStack = true;
        _inAncestor = false;
        _pending = Pending.None;
        return true;
    }

    private void EndGoroutine()
    {
        FlushPending();
        _inStack = false;
        _inAncestor = false;
    }

    /// <summary>
    /// A function line: "pkg.F(args)", "(*T).m(...)", "panic({…})", or a cgo symbolizer's bare name.
    /// It becomes a frame when its location line follows.
    /// </summary>
    private void FunctionLine(ReadOnlySpan<byte> line, int start, int end, int lineNo)
    {
        FlushPending();
        int function, args;
        int open = line.Length > 1 && line[^1] == (byte)')' ? line.LastIndexOf((byte)'(') : -1;
        if (open > 0)
        {
            function = _b.Strings.Intern(start, open);
            args = _b.Strings.Intern(start + open + 1, line.Length - open - 2);
        }
        else
        {
            function = _b.Strings.Intern(start, line.Length);
            args = -1;
        }
        _pending = Pending.Function;
        _pendingFunction = function;
        _pendingArgs = args;
        _pendingLineNo = lineNo;
        _pendingStart = start;
        _pendingEnd = end;
    }

    /// <summary>"created by F" (Go 1.17–1.20, and in ancestor blocks) or "created by F in goroutine N" (Go 1.21+).</summary>
    private void CreatedBy(ReadOnlySpan<byte> line, int start, int lineNo)
    {
        const int skip = 11; // "created by "
        var name = line[skip..];
        long parent = -1;
        int inG = name.LastIndexOf(" in goroutine "u8);
        if (inG > 0)
        {
            var digits = name[(inG + " in goroutine ".Length)..];
            if (System.Buffers.Text.Utf8Parser.TryParse(digits, out long id, out int used) && used == digits.Length && id >= 0)
            {
                parent = id;
                name = name[..inG];
            }
        }
        _pending = Pending.CreatedBy;
        _pendingFunction = _b.Strings.Intern(start + skip, name.Length);
        _pendingParent = parent;
        _pendingLineNo = lineNo;
        _pendingStart = start;
        _pendingEnd = start + line.Length;
        if (_inAncestor) _b.SetAncestorCreatedBy(_pendingFunction, -1, 0);
        else _b.SetCreatedBy(_pendingFunction, -1, 0, parent);
    }

    /// <summary>"\tfile:line", "\tfile:line +0x1d", "\tfile:line +0x1d fp=0x… sp=0x… pc=0x…", "\tfile:line pc=0x…".</summary>
    private void Location(ReadOnlySpan<byte> line, int start, int lineNo)
    {
        if (_pending == Pending.None)
        {
            if (line.SequenceEqual("\tgoroutine running on other thread; stack unavailable"u8))
                _b.CurrentFlags |= GoroutineFlags.StackUnavailable;
            else
                _b.Warn(lineNo, line);
            return;
        }
        ParseLocation(line, start, out int file, out int lineNumber, out long offset);
        if (_pending == Pending.Function)
        {
            AddFrame(new StackFrame(_pendingFunction, _pendingArgs, file, lineNumber, offset), _pendingLineNo);
        }
        else if (_inAncestor)
        {
            _b.SetAncestorCreatedBy(_pendingFunction, file, lineNumber);
        }
        else
        {
            _b.SetCreatedBy(_pendingFunction, file, lineNumber, _pendingParent);
        }
        _pending = Pending.None;
    }

    private void ParseLocation(ReadOnlySpan<byte> line, int start, out int file, out int lineNumber, out long offset)
    {
        offset = -1;
        lineNumber = 0;
        var text = line[1..];
        int cut = text.IndexOf(" fp="u8);
        if (cut < 0) cut = text.IndexOf(" pc="u8); // inlined frame at GOTRACEBACK=system (Go 1.22+), or cgo
        if (cut >= 0) text = text[..cut];
        else if (text.StartsWith("pc="u8)) text = default; // cgo frame without a file
        int plus = text.LastIndexOf(" +0x"u8);
        if (plus >= 0 && TryHex(text[(plus + 4)..], out long off))
        {
            offset = off;
            text = text[..plus];
        }
        int colon = text.LastIndexOf((byte)':');
        if (colon >= 0 && System.Buffers.Text.Utf8Parser.TryParse(text[(colon + 1)..], out int n, out int used)
            && used == text.Length - colon - 1)
        {
            lineNumber = n;
            text = text[..colon];
        }
        file = text.IsEmpty ? -1 : _b.Strings.Intern(start + 1, text.Length);
    }

    private static bool TryHex(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 15) return false;
        foreach (byte c in s)
        {
            int d = GoroutineLabelText.HexDigit(c);
            if (d < 0) return false;
            value = value * 16 + d;
        }
        return true;
    }

    /// <summary>"[originating from goroutine N]:" (GODEBUG=tracebackancestors, printAncestorTraceback).</summary>
    private bool TryBeginAncestor(ReadOnlySpan<byte> line, int lineNo)
    {
        var rest = line["[originating from goroutine ".Length..];
        if (!System.Buffers.Text.Utf8Parser.TryParse(rest, out long id, out int used) || !rest[used..].SequenceEqual("]:"u8))
            return false;
        FlushPending();
        _b.BeginAncestor(id, lineNo);
        _inAncestor = true;
        return true;
    }

    /// <summary>"...additional frames elided..." (Go 1.17–1.20; ancestors always) and "...N frames elided..." (Go 1.21+).</summary>
    private bool Elided(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("...additional frames elided..."u8))
        {
            FlushPending();
            if (_inAncestor) _b.SetAncestorElided();
            else _b.CurrentFlags |= GoroutineFlags.AdditionalFramesElided;
            return true;
        }
        var rest = line[3..];
        if (System.Buffers.Text.Utf8Parser.TryParse(rest, out int n, out int used) && rest[used..].SequenceEqual(" frames elided..."u8))
        {
            FlushPending();
            if (!_inAncestor) _b.CurrentElided += n;
            return true;
        }
        return false;
    }

    private void AddFrame(in StackFrame frame, int lineNo)
    {
        if (_inAncestor) _b.AddAncestorFrame(frame, lineNo);
        else _b.AddFrame(frame, lineNo);
    }

    /// <summary>
    /// A function line that never got its location line was not a frame (a log line inside a stack,
    /// say): it is reported. A created-by line without its location keeps its function, and is reported.
    /// </summary>
    private void FlushPending()
    {
        if (_pending != Pending.None)
            _b.Warn(_pendingLineNo, new ReadOnlySpan<byte>(_data, _pendingStart, _pendingEnd - _pendingStart));
        _pending = Pending.None;
    }

    /// <summary>
    /// Lines that end a dump without a blank line before them: `go run`'s "exit status 2", the
    /// register dump and "-----" separator of GOTRACEBACK=crash (sighandler, dumpregs), and log lines
    /// starting with a date.
    /// </summary>
    private static bool EndsDump(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("exit status "u8) || line.StartsWith("-----"u8)) return true;
        // "rax    0x0", "r10    0xc000123456", "lr     0x4567" …: a register name, spaces, a hex value.
        int i = 0;
        while (i < line.Length && (char.IsAsciiLetterLower((char)line[i]) || char.IsAsciiDigit((char)line[i]))) i++;
        if (i > 0 && i < line.Length && line[i] == (byte)' ')
        {
            int j = i;
            while (j < line.Length && line[j] == (byte)' ') j++;
            if (line[j..].StartsWith("0x"u8) && j + 2 < line.Length)
            {
                bool hex = true;
                for (int k = j + 2; k < line.Length && hex; k++) hex = GoroutineLabelText.HexDigit(line[k]) >= 0;
                if (hex) return true;
            }
        }
        // "2024/05/01 12:00:00 …" (log package) or "2024-05-01T…" (slog, RFC 3339).
        return line.Length >= 10 && char.IsAsciiDigit((char)line[0]) && char.IsAsciiDigit((char)line[3])
            && (line[4] == (byte)'/' || line[4] == (byte)'-') && line[7] == line[4] && char.IsAsciiDigit((char)line[9]);
    }

    /// <summary>The input ended without a newline: runtime.Stack with a full buffer, or a cut file.</summary>
    private void LastPartialLine(int start, int end, int lineNo)
    {
        if (end == start) return;
        var line = new ReadOnlySpan<byte>(_data, start, end - start);
        if (!_inStack)
        {
            // A header cut short is no goroutine, but the dump was cut; a whole one still starts one.
            if (line.StartsWith("goroutine "u8) || "goroutine "u8.StartsWith(line))
            {
                _truncated = true;
                if (GoroutineHeader.LooksLikeHeader(line) && TryBeginGoroutine(line, start, lineNo))
                    _b.CurrentFlags |= GoroutineFlags.Truncated;
            }
            return;
        }
        MarkTruncated();
        if (line[0] == (byte)'\t' && _pending == Pending.Function)
        {
            // The location may be cut anywhere (even inside the line number): keep the frame without it.
            AddFrame(new StackFrame(_pendingFunction, _pendingArgs, -1, 0, -1), lineNo);
            _pending = Pending.None;
        }
        else if (line[0] == (byte)'\t' && _pending == Pending.CreatedBy)
        {
            _pending = Pending.None;
        }
        // A cut function, created-by or header line says nothing reliable: dropped.
    }

    private void EndOfInput(int lineNo)
    {
        if (!_inStack) return;
        if (_pending == Pending.Function)
        {
            AddFrame(new StackFrame(_pendingFunction, _pendingArgs, -1, 0, -1), lineNo);
            _pending = Pending.None;
            MarkTruncated();
        }
        else if (_pending == Pending.CreatedBy)
        {
            _pending = Pending.None;
            MarkTruncated();
        }
        else if (_b.CurrentFrameCount == 0 && !_inAncestor && (_b.CurrentFlags & GoroutineFlags.StackUnavailable) == 0)
        {
            MarkTruncated();
        }
        _inStack = false;
    }

    private void MarkTruncated()
    {
        _truncated = true;
        _b.CurrentFlags |= GoroutineFlags.Truncated;
    }
}
