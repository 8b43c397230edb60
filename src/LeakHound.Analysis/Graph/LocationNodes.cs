using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// The graph nodes of every location at one granularity: location i stands for nodes
/// <see cref="Node"/>[Start[i]..Start[i+1]], one per source line, innermost inlined function first
/// (one node for a location without lines). Node ids are dense; <see cref="Infos"/> describes each.
/// This is pprof's Aggregate followed by CreateNodes, without changing the profile.
/// </summary>
public sealed class LocationNodes
{
    public required int[] Start { get; init; }
    public required int[] Node { get; init; }
    public required NodeInfo[] Infos { get; init; }

    public int NodeCount => Infos.Length;

    public ReadOnlySpan<int> NodesOf(int location) => Node.AsSpan(Start[location], Start[location + 1] - Start[location]);

    /// <param name="keepObjectNames">Keep the binary's name on every node (pprof does for raw, list and disassembly reports).</param>
    /// <param name="fileName">Rewrites source file names before they are cleaned (pprof's -trim_path/-source_path), or null.</param>
    public static LocationNodes Build(Profile p, Granularity granularity, bool noInlines, bool keepObjectNames = false, Func<string, string>? fileName = null)
    {
        bool inlines = !noInlines;
        bool function, filename, lineNumber, address;
        if (granularity == Granularity.Addresses && inlines)
        {
            function = filename = lineNumber = address = true;
        }
        else
        {
            function = granularity is Granularity.Functions or Granularity.FileFunctions or Granularity.Lines or Granularity.Addresses;
            filename = granularity is Granularity.Files or Granularity.FileFunctions or Granularity.Lines or Granularity.Addresses;
            lineNumber = granularity is Granularity.Lines or Granularity.Addresses;
            address = granularity == Granularity.Addresses;
        }

        // Per function: its name and cleaned file after aggregation, computed once.
        var fnName = new string[p.Functions.Length];
        var fnFile = new string[p.Functions.Length];
        for (int f = 0; f < p.Functions.Length; f++)
        {
            fnName[f] = function ? p.Functions[f].Name : "";
            string file = filename ? p.Functions[f].Filename : "";
            if (fileName is not null) file = fileName(file);
            fnFile[f] = file.Length != 0 ? GoPath.Clean(file) : "";
        }

        var ids = new Dictionary<NodeInfo, int>();
        var infos = new GrowableArray<NodeInfo>(1024);
        var start = new int[p.Locations.Length + 1];
        var nodes = new GrowableArray<int>(p.Locations.Length + p.Lines.Length);
        for (int l = 0; l < p.Locations.Length; l++)
        {
            ref readonly var loc = ref p.Locations[l];
            string objfile = loc.Mapping >= 0 ? p.Mappings[loc.Mapping].File : "";
            ulong addr = address ? loc.Address : 0;
            var lines = p.LocationLines(l);
            if (!inlines && lines.Length > 1) lines = lines[^1..];
            if (lines.Length == 0)
            {
                nodes.Add(Intern(new NodeInfo("", addr, "", 0, 0, objfile)));
            }
            else
            {
                foreach (var line in lines)
                {
                    string name = fnName[line.Function];
                    bool withObj = keepObjectNames || name.Length == 0;
                    nodes.Add(Intern(new NodeInfo(
                        name, addr, fnFile[line.Function],
                        withObj ? p.Functions[line.Function].StartLine : 0,
                        lineNumber ? line.Number : 0,
                        withObj ? objfile : "")));
                }
            }
            start[l + 1] = nodes.Count;
        }
        return new LocationNodes { Start = start, Node = nodes.ToArray(), Infos = infos.ToArray() };

        int Intern(NodeInfo info)
        {
            if (ids.TryGetValue(info, out int id)) return id;
            id = infos.Count;
            infos.Add(info);
            ids.Add(info, id);
            return id;
        }
    }
}
