using System.Globalization;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// Turns a goroutine or goroutineleak profile (the debug=1 count text read with its symbol lines,
/// or profile.proto) into dump rows: one row per sample, its count as the row's multiplicity, the
/// frames from the locations' lines (innermost inlined function first, as the runtime prints
/// them), the labels from the sample's string labels. Ids, states and arguments are not in these
/// forms: ids are -1, states -1, frames have no argument text (Args -1) and no "+0x" offset.
/// </summary>
internal static class GoroutineProfileConverter
{
    public static bool IsGoroutineProfile(Profile p) => ValueIndex(p) >= 0;

    public static GoroutineDump Convert(Profile p, GoroutineDumpForm form, string source, Limits limits)
    {
        int vi = ValueIndex(p);
        if (vi < 0)
            throw new InputException(source, $"a profile of {Describe(p)}, not a goroutine profile");
        string name = p.SampleTypes[vi].Type;
        bool leaked = name == "goroutineleak";
        var strings = new ByteStringTable([], Math.Min(p.Functions.Length * 2 + 64, 1 << 20));
        var b = new GoroutineDumpBuilder(strings, source, limits, p.SampleCount, p.Stack.Length);
        var functionIds = new int[p.Functions.Length];
        var fileIds = new int[p.Functions.Length];
        for (int f = 0; f < p.Functions.Length; f++)
        {
            functionIds[f] = strings.Intern(p.Functions[f].Name);
            fileIds[f] = p.Functions[f].Filename.Length == 0 ? -1 : strings.Intern(p.Functions[f].Filename);
        }
        var flags = leaked ? GoroutineFlags.Leaked : GoroutineFlags.None;
        for (int s = 0; s < p.SampleCount; s++)
        {
            long count = p.SampleValues(s)[vi];
            int multiplicity = (int)Math.Clamp(count, 0, int.MaxValue);
            b.BeginGoroutine(-1, -1, -1, flags, -1, -1, s + 1, multiplicity);
            var stack = p.SampleStack(s);
            bool any = false;
            foreach (int loc in stack)
            {
                foreach (var line in p.LocationLines(loc))
                {
                    int number = (int)Math.Clamp(line.Number, 0, int.MaxValue);
                    b.AddFrame(new StackFrame(functionIds[line.Function], -1, fileIds[line.Function], number, -1), s + 1);
                    any = true;
                }
            }
            if (!any)
            {
                // Nothing symbolized: the addresses are all there is. (Locations without lines in a
                // symbolized stack are the runtime frames debug=1 hides, and are left out.)
                foreach (int loc in stack)
                {
                    string address = "0x" + p.Locations[loc].Address.ToString("x", CultureInfo.InvariantCulture);
                    b.AddFrame(new StackFrame(strings.Intern(address), -1, -1, 0, -1), s + 1);
                }
            }
            foreach (var label in p.SampleLabels(s))
            {
                if (label.IsNumeric) continue;
                b.AddLabel(strings.Intern(p.Strings[label.Key]), strings.Intern(p.Strings[label.Str]));
            }
        }
        return b.Build(form, name, truncated: false);
    }

    private static int ValueIndex(Profile p)
    {
        for (int i = 0; i < p.SampleTypes.Length; i++)
        {
            if (p.SampleTypes[i].Type is "goroutine" or "goroutineleak") return i;
        }
        return -1;
    }

    internal static string Describe(Profile p) =>
        p.SampleTypes.Length == 0 ? "no sample types" : string.Join(", ", p.SampleTypes.Select(t => $"{t.Type}/{t.Unit}"));
}
