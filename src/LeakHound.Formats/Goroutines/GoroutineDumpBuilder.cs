using System.Text;
using LeakHound.Core;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// Accumulates the columns of a <see cref="GoroutineDump"/> one goroutine at a time, checking the
/// goroutine and frame limits as rows and frames are added.
/// </summary>
internal sealed class GoroutineDumpBuilder
{
    public const int MaxKeptWarnings = 1000;

    private readonly string _source;
    private readonly Limits _limits;

    private GrowableArray<long> _id;
    private GrowableArray<int> _multiplicity;
    private GrowableArray<int> _state;
    private GrowableArray<int> _waitMinutes;
    private GrowableArray<GoroutineFlags> _flags;
    private GrowableArray<int> _m;
    private GrowableArray<long> _bubble;
    private GrowableArray<int> _frameStart;
    private GrowableArray<StackFrame> _frames;
    private GrowableArray<int> _elided;
    private GrowableArray<int> _createdByFunction;
    private GrowableArray<int> _createdByFile;
    private GrowableArray<int> _createdByLine;
    private GrowableArray<long> _parentId;
    private GrowableArray<int> _labelStart;
    private GrowableArray<(int, int)> _labels;
    private GrowableArray<Ancestor> _ancestors;
    private GrowableArray<StackFrame> _ancestorFrames;
    private readonly List<(int, string)> _warnings = [];
    private int _warningCount;
    private bool _anyMultiplicity;

    public GoroutineDumpBuilder(ByteStringTable strings, string source, Limits limits, int goroutineHint, int frameHint)
    {
        Strings = strings;
        _source = source;
        _limits = limits;
        goroutineHint = Math.Clamp(goroutineHint, 4, 1 << 24);
        _id = new(goroutineHint);
        _multiplicity = new(0);
        _state = new(goroutineHint);
        _waitMinutes = new(goroutineHint);
        _flags = new(goroutineHint);
        _m = new(goroutineHint);
        _bubble = new(goroutineHint);
        _frameStart = new(goroutineHint + 1);
        _frames = new(Math.Clamp(frameHint, 16, 1 << 26));
        _elided = new(goroutineHint);
        _createdByFunction = new(goroutineHint);
        _createdByFile = new(goroutineHint);
        _createdByLine = new(goroutineHint);
        _parentId = new(goroutineHint);
        _labelStart = new(goroutineHint + 1);
        _labels = new(0);
        _ancestors = new(0);
        _ancestorFrames = new(0);
    }

    public ByteStringTable Strings { get; }

    /// <summary>Rows so far.</summary>
    public int Count => _id.Count;

    /// <summary>Frames of the current (last) goroutine so far.</summary>
    public int CurrentFrameCount => _frames.Count - _frameStart[Count - 1];

    public ref GoroutineFlags CurrentFlags => ref _flags[Count - 1];

    public ref int CurrentElided => ref _elided[Count - 1];

    /// <summary>Starts a row. <paramref name="line"/> is only for the limit message.</summary>
    public void BeginGoroutine(long id, int state, int waitMinutes, GoroutineFlags flags, int m, long bubble, int line, int multiplicity = 1)
    {
        if (_id.Count >= _limits.MaxGoroutines)
            throw InputException.AtLine(_source, line, $"more than {_limits.MaxGoroutines} goroutines (the limit)");
        if (multiplicity != 1 && !_anyMultiplicity)
        {
            _anyMultiplicity = true;
            _multiplicity = new(Math.Max(4, _id.Count * 2));
            for (int i = 0; i < _id.Count; i++) _multiplicity.Add(1);
        }
        if (_anyMultiplicity) _multiplicity.Add(multiplicity);
        _id.Add(id);
        _state.Add(state);
        _waitMinutes.Add(waitMinutes);
        _flags.Add(flags);
        _m.Add(m);
        _bubble.Add(bubble);
        _frameStart.Add(_frames.Count);
        _elided.Add(0);
        _createdByFunction.Add(-1);
        _createdByFile.Add(-1);
        _createdByLine.Add(0);
        _parentId.Add(-1);
        _labelStart.Add(_labels.Count);
    }

    public void AddFrame(in StackFrame frame, int line)
    {
        if (_frames.Count - _frameStart[Count - 1] >= _limits.MaxStackDepth)
            throw InputException.AtLine(_source, line, $"a stack of more than {_limits.MaxStackDepth} frames (the limit)");
        _frames.Add(frame);
    }

    public void SetCreatedBy(int function, int file, int line, long parent)
    {
        int g = Count - 1;
        _createdByFunction[g] = function;
        _createdByFile[g] = file;
        _createdByLine[g] = line;
        _parentId[g] = parent;
    }

    public void AddLabel(int key, int value) => _labels.Add((key, value));

    public void BeginAncestor(long id, int line)
    {
        if (_ancestors.Count >= _limits.MaxGoroutines)
            throw InputException.AtLine(_source, line, $"more than {_limits.MaxGoroutines} ancestor blocks (the limit)");
        _ancestors.Add(new Ancestor(Count - 1, id, _ancestorFrames.Count, 0));
    }

    public void AddAncestorFrame(in StackFrame frame, int line)
    {
        ref var a = ref _ancestors[_ancestors.Count - 1];
        if (a.FrameCount >= _limits.MaxStackDepth)
            throw InputException.AtLine(_source, line, $"an ancestor stack of more than {_limits.MaxStackDepth} frames (the limit)");
        _ancestorFrames.Add(frame);
        a = a with { FrameCount = a.FrameCount + 1 };
    }

    public void SetAncestorCreatedBy(int function, int file, int line)
    {
        ref var a = ref _ancestors[_ancestors.Count - 1];
        a = a with { CreatedByFunction = function, CreatedByFile = file, CreatedByLine = line };
    }

    public void SetAncestorElided()
    {
        ref var a = ref _ancestors[_ancestors.Count - 1];
        a = a with { AdditionalFramesElided = true };
    }

    public void Warn(int line, ReadOnlySpan<byte> text)
    {
        _warningCount++;
        if (_warnings.Count < MaxKeptWarnings)
            _warnings.Add((line, Encoding.UTF8.GetString(text.Length > 200 ? text[..200] : text)));
    }

    public GoroutineDump Build(GoroutineDumpForm form, string profileName, bool truncated)
    {
        int n = _id.Count;
        _frameStart.Add(_frames.Count);
        _labelStart.Add(_labels.Count);
        int[] multiplicity;
        if (_anyMultiplicity)
        {
            multiplicity = _multiplicity.ToArray();
        }
        else
        {
            multiplicity = new int[n];
            Array.Fill(multiplicity, 1);
        }
        // The big arrays first, each growable dropped as soon as it is copied, then the strings
        // (the string table drops its index before it makes them).
        var frames = _frames.ToArray();
        _frames = default;
        var ancestorFrames = _ancestorFrames.ToArray();
        _ancestorFrames = default;
        var dump = new GoroutineDump
        {
            Count = n,
            Form = form,
            ProfileName = profileName,
            Id = _id.ToArray(),
            Multiplicity = multiplicity,
            State = _state.ToArray(),
            WaitMinutes = _waitMinutes.ToArray(),
            Flags = _flags.ToArray(),
            M = _m.ToArray(),
            Bubble = _bubble.ToArray(),
            FrameStart = _frameStart.ToArray(),
            Frames = frames,
            ElidedFrames = _elided.ToArray(),
            CreatedByFunction = _createdByFunction.ToArray(),
            CreatedByFile = _createdByFile.ToArray(),
            CreatedByLine = _createdByLine.ToArray(),
            ParentId = _parentId.ToArray(),
            LabelStart = _labelStart.ToArray(),
            Labels = _labels.ToArray(),
            Ancestors = _ancestors.ToArray(),
            AncestorFrames = ancestorFrames,
            Strings = Strings.ToStrings(),
            Warnings = _warnings,
            WarningCount = _warningCount,
            Truncated = truncated,
        };
        return dump;
    }
}
