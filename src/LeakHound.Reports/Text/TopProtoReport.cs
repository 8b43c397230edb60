using LeakHound.Analysis.Graph;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Reports.Text;

/// <summary>
/// The flat report as a profile, as <c>go tool pprof -topproto</c>: one sample per report node
/// (with one location and line), valued [cum, flat] in the output unit; functions shared by
/// nodes with the same name, system name, file and start line.
/// </summary>
public static class TopProtoReport
{
    public static Profile Build(Report rpt)
    {
        var o = rpt.Options;
        var p = rpt.Profile;
        var ln = LocationNodes.Build(p, o.Granularity, o.NoInlines);
        var g = TrimmedGraph.Build(p, ln, rpt.GraphOptions(EdgeScope.IntoInlined));
        rpt.SelectOutputUnit(g);

        var b = new ProfileBuilder([new ProfileValueType("cum", rpt.OutputUnit), new ProfileValueType("flat", rpt.OutputUnit)])
        {
            TimeNanos = p.TimeNanos,
            DurationNanos = p.DurationNanos,
            PeriodType = p.PeriodType,
            Period = p.Period,
        };
        var functions = new Dictionary<(string Name, string File, long StartLine), int>();
        Span<long> values = stackalloc long[2];
        Span<int> stack = stackalloc int[1];
        for (int i = 0; i < g.Order.Length; i++)
        {
            int n = g.Order[i];
            var info = ln.Infos[n];
            var key = (info.Name, info.File, info.StartLine);
            if (!functions.TryGetValue(key, out int f))
                functions[key] = f = b.AddFunction(new Function((ulong)functions.Count + 1, info.Name, "", info.File, info.StartLine));
            stack[0] = b.AddLocation((ulong)i + 1, -1, info.Address, false, [new Line(f, info.Lineno)]);
            values[0] = (long)Measurement.Scale(g.Values.CumValue(n), rpt.SampleUnit, rpt.OutputUnit).Value;
            values[1] = (long)Measurement.Scale(g.Values.FlatValue(n), rpt.SampleUnit, rpt.OutputUnit).Value;
            b.AddSample(values, stack);
        }
        return b.Build();
    }
}
