namespace LeakHound.Formats.Pprof;

/// <summary>A sample type or period type: what is measured and in which unit.</summary>
public readonly record struct ProfileValueType(string Type, string Unit);

/// <summary>A mapped binary or library. Indexed densely; <see cref="Id"/> is the id the file gave it.</summary>
public record struct Mapping(
    ulong Id, ulong Start, ulong Limit, ulong Offset, string File, string BuildId,
    bool HasFunctions, bool HasFilenames, bool HasLineNumbers, bool HasInlineFrames);

/// <summary>A function: its names, its source file and the line it starts on.</summary>
public record struct Function(ulong Id, string Name, string SystemName, string Filename, long StartLine);

/// <summary>
/// A program counter, with the source lines it stands for (innermost inlined function first)
/// as the range <see cref="FirstLine"/>..+<see cref="LineCount"/> of <see cref="Profile.Lines"/>.
/// </summary>
public record struct Location(ulong Id, int Mapping, ulong Address, bool IsFolded, int FirstLine, int LineCount);

/// <summary>One source line of a location: a function (dense index) and a line number.</summary>
public readonly record struct Line(int Function, long Number);

/// <summary>
/// A sample label: a string label when <see cref="Str"/> is not 0, a numeric one otherwise. Strings are ids
/// into <see cref="Profile.Strings"/> (0 is the empty string).
/// </summary>
public readonly record struct Label(int Key, int Str, long Num, int NumUnit)
{
    public bool IsNumeric => Str == 0;
}

/// <summary>
/// A profile held column-wise: samples are rows of flat arrays (values, stacks and labels by
/// offset), never one object per sample, so millions of samples cost a few bytes each. Locations,
/// functions and mappings are referred to by dense index. The shape follows profile.proto and
/// pprof's in-memory model, whose semantics (ids, label rules, validity) it keeps.
/// </summary>
public sealed class Profile
{
    public required ProfileValueType[] SampleTypes { get; init; }
    public string DefaultSampleType { get; init; } = "";
    public ProfileValueType PeriodType { get; init; } = new("", "");
    public long Period { get; init; }
    public long TimeNanos { get; init; }
    public long DurationNanos { get; init; }
    public string DropFrames { get; init; } = "";
    public string KeepFrames { get; init; } = "";
    public string[] Comments { get; init; } = [];

    public required Mapping[] Mappings { get; init; }
    public required Location[] Locations { get; init; }
    public required Line[] Lines { get; init; }
    public required Function[] Functions { get; init; }

    /// <summary>Strings that labels refer to; entry 0 is "".</summary>
    public required string[] Strings { get; init; }

    public required int SampleCount { get; init; }

    /// <summary>Sample values, <see cref="SampleTypes"/>.Length per sample, sample after sample.</summary>
    public required long[] Values { get; init; }

    /// <summary>Sample i's stack is <see cref="Stack"/>[StackStart[i]..StackStart[i+1]], leaf first.</summary>
    public required int[] StackStart { get; init; }
    public required int[] Stack { get; init; }

    /// <summary>Sample i's labels are <see cref="Labels"/>[LabelStart[i]..LabelStart[i+1]].</summary>
    public required int[] LabelStart { get; init; }
    public required Label[] Labels { get; init; }

    /// <summary>
    /// Extra facts a text profile carried that pprof drops: the <c># runtime.MemStats</c> trailer
    /// and similar key/value lines, in file order.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public int ValueCount => SampleTypes.Length;

    /// <summary>A copy sharing everything but what is given: new tables, or new sample arrays.</summary>
    public Profile With(
        Mapping[]? mappings = null, Location[]? locations = null, Line[]? lines = null,
        int? sampleCount = null, long[]? values = null, int[]? stackStart = null, int[]? stack = null,
        int[]? labelStart = null, Label[]? labels = null, string[]? strings = null, Function[]? functions = null) => new()
    {
        SampleTypes = SampleTypes, DefaultSampleType = DefaultSampleType, PeriodType = PeriodType,
        Period = Period, TimeNanos = TimeNanos, DurationNanos = DurationNanos,
        DropFrames = DropFrames, KeepFrames = KeepFrames, Comments = Comments, Metadata = Metadata,
        Mappings = mappings ?? Mappings, Functions = functions ?? Functions, Locations = locations ?? Locations,
        Lines = lines ?? Lines, Strings = strings ?? Strings,
        SampleCount = sampleCount ?? SampleCount, Values = values ?? Values,
        StackStart = stackStart ?? StackStart, Stack = stack ?? Stack,
        LabelStart = labelStart ?? LabelStart, Labels = labels ?? Labels,
    };

    public ReadOnlySpan<long> SampleValues(int sample) => Values.AsSpan(sample * SampleTypes.Length, SampleTypes.Length);

    public ReadOnlySpan<int> SampleStack(int sample) => Stack.AsSpan(StackStart[sample], StackStart[sample + 1] - StackStart[sample]);

    public ReadOnlySpan<Label> SampleLabels(int sample) => Labels.AsSpan(LabelStart[sample], LabelStart[sample + 1] - LabelStart[sample]);

    public ReadOnlySpan<Line> LocationLines(int location)
    {
        ref readonly var l = ref Locations[location];
        return Lines.AsSpan(l.FirstLine, l.LineCount);
    }

    /// <summary>
    /// The index of a sample type by name ("inuse_space"), by number, or as pprof's legacy
    /// "sample_index" spellings allow; an empty name means the default sample type (or the last one).
    /// </summary>
    public int SampleIndexByName(string name)
    {
        if (name.Length == 0)
        {
            if (DefaultSampleType.Length != 0)
            {
                for (int i = 0; i < SampleTypes.Length; i++)
                    if (SampleTypes[i].Type == DefaultSampleType) return i;
            }
            return SampleTypes.Length - 1;
        }
        if (int.TryParse(name, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int n))
        {
            if (n < 0 || n >= SampleTypes.Length)
                throw new LeakHound.Core.UsageException($"sample_index {name} is outside the range [0..{SampleTypes.Length - 1}]");
            return n;
        }
        // "inuse_" is dropped so that the legacy -inuse_space/-inuse_objects spellings find "space"/"objects".
        string noInuse = name.StartsWith("inuse_", StringComparison.Ordinal) ? name["inuse_".Length..] : name;
        for (int i = 0; i < SampleTypes.Length; i++)
        {
            var t = SampleTypes[i].Type;
            if (t == name || t == noInuse) return i;
        }
        throw new LeakHound.Core.UsageException($"sample_index \"{name}\" must be one of: [{string.Join(" ", SampleTypes.Select(s => s.Type))}]");
    }
}
