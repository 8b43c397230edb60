using System.Globalization;
using LeakHound.Core;

namespace LeakHound.Analysis.Graph;

/// <summary>
/// What identifies a node of the call graph at the chosen granularity: pprof's NodeInfo. Two frames
/// with equal infos are the same node.
/// </summary>
public readonly record struct NodeInfo(string Name, ulong Address, string File, long StartLine, long Lineno, string Objfile)
{
    /// <summary>The name pprof prints: address, function, file:line (or file, or [binary], or &lt;unknown&gt;).</summary>
    public string PrintableName()
    {
        var parts = new List<string>(3);
        if (Address != 0) parts.Add(Address.ToString("x16", CultureInfo.InvariantCulture));
        if (Name.Length != 0) parts.Add(Name);
        if (Lineno != 0) parts.Add(File + ":" + Lineno.ToString(CultureInfo.InvariantCulture));
        else if (File.Length != 0) parts.Add(File);
        else if (Name.Length != 0) { }
        else if (Objfile.Length != 0) parts.Add("[" + GoPath.Base(Objfile) + "]");
        else parts.Add("<unknown>");
        return string.Join(' ', parts);
    }

    /// <summary>Go's fmt.Sprint of pprof's NodeInfo struct: the last tie-breaker when sorting nodes.</summary>
    public string GoSprint() => string.Create(CultureInfo.InvariantCulture,
        $"{{{Name}  {Address} {File} {StartLine} {Lineno} {Objfile}}}");
}
