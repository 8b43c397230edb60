namespace LeakHound.Analysis.Graph;

/// <summary>What a node of the graph stands for, as pprof's -functions, -filefunctions, -files, -lines, -addresses.</summary>
public enum Granularity
{
    Functions,
    FileFunctions,
    Files,
    Lines,
    Addresses,
}

public static class GranularityNames
{
    public static string Name(this Granularity g) => g switch
    {
        Granularity.Functions => "functions",
        Granularity.FileFunctions => "filefunctions",
        Granularity.Files => "files",
        Granularity.Lines => "lines",
        _ => "addresses",
    };

    public static bool TryParse(string s, out Granularity g)
    {
        foreach (var v in Enum.GetValues<Granularity>())
            if (v.Name() == s) { g = v; return true; }
        g = default;
        return false;
    }
}
