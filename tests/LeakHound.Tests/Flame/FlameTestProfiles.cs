using LeakHound.Formats.Pprof;

namespace LeakHound.Tests.Flame;

/// <summary>Small profiles written by hand for the flame graph tests.</summary>
internal sealed class FlameTestProfiles
{
    private readonly ProfileBuilder _b;
    private readonly Dictionary<string, int> _functions = [];
    private ulong _nextAddress = 0x1000;

    public FlameTestProfiles(params ProfileValueType[] sampleTypes)
    {
        _b = new ProfileBuilder(sampleTypes.Length == 0 ? [new ProfileValueType("inuse_space", "bytes")] : sampleTypes);
        _b.AddMapping(new Mapping(1, 0x1000, 0x100000, 0, "/app/svc", "", true, true, true, true));
    }

    /// <summary>
    /// A location (returns its index) standing for these functions, innermost first: more than
    /// one means the first ones were inlined into the last. A "name:line" gives a line number.
    /// </summary>
    public int Loc(params string[] functions)
    {
        var lines = new Line[functions.Length];
        for (int i = 0; i < functions.Length; i++)
        {
            var parts = functions[i].Split(':');
            lines[i] = new Line(Function(parts[0]), parts.Length > 1 ? long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
        }
        ulong address = _nextAddress += 0x10;
        return _b.AddLocation((ulong)_b.LocationCount + 1, 0, address, false, lines);
    }

    /// <summary>A sample; the stack is leaf first, as in profile.proto.</summary>
    public FlameTestProfiles Sample(long value, params int[] stackLeafFirst) => Sample([value], stackLeafFirst);

    public FlameTestProfiles Sample(long[] values, params int[] stackLeafFirst)
    {
        _b.AddSample(values, stackLeafFirst);
        return this;
    }

    public Profile Build() => _b.Build();

    private int Function(string name)
    {
        if (_functions.TryGetValue(name, out int f)) return f;
        f = _b.AddFunction(new Function((ulong)_b.FunctionCount + 1, name, name, "/src/" + name.Split('.')[0] + "/file.go", 1));
        _functions[name] = f;
        return f;
    }
}
