using System.Globalization;
using LeakHound.Analysis.HeapDumps;
using LeakHound.Core;
using LeakHound.Formats.Elf;
using LeakHound.Formats.HeapDump;
using LeakHound.Reports.Graph;
using LeakHound.Reports.HeapDump;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound heapdump DUMP VERB</c>: reads a Go heap dump (runtime/debug.WriteHeapDump, plain or
/// gzipped). <c>print</c> and <c>summary</c> read it; the other verbs build its object graph and
/// dominator tree (<see cref="HeapDumpGraph"/>) and ask it why objects are alive.
/// <c>leakhound heapdump diff OLD NEW</c> compares two dumps of one process.
/// </summary>
public static class HeapDumpCommand
{
    public const string Usage =
        "leakhound heapdump DUMP print|summary|suspects|sites|finalizers|dominators [--top N]|anchors ADDR|path ADDR|owners ADDR [--depth N]|" +
        "graph ADDR [--format dot|svg]|hexdump ADDR|find (--oid FILE|--size MIN[:MAX]|--site REGEX) [--program BINARY] [--json]; leakhound heapdump diff OLD NEW";

    private static readonly Dictionary<string, bool> Known = new()
    {
        ["json"] = false, ["program"] = true, ["depth"] = true, ["format"] = true, ["top"] = true,
        ["oid"] = true, ["size"] = true, ["site"] = true,
    };

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, Known);
        var p = cl.Positionals;
        if (p.Count < 2) throw new UsageException("usage: " + Usage);
        bool json = cl.Flag("json");
        var limits = Limits.Default;
        ProgramSymbols? symbols = cl.Get("program") is { } program
            ? new ProgramSymbols(ElfSymbolTable.ReadFile(program, limits), program) : null;
        if (p[0] == "diff")
        {
            if (p.Count != 3) throw new UsageException("usage: leakhound heapdump diff OLD NEW");
            var older = HeapDumpGraph.Build(HeapDumpReader.Read(p[1], limits), symbols);
            var newer = HeapDumpGraph.Build(HeapDumpReader.Read(p[2], limits), symbols);
            HeapLeakReports.WriteDiff(p[1], p[2], HeapDumpDiff.Compare(older, newer), json, stdout);
            return 0;
        }
        string path = p[0], verb = p[1];
        bool takesAddress = verb is "anchors" or "path" or "owners" or "graph" or "hexdump";
        if (p.Count != (takesAddress ? 3 : 2))
            throw new UsageException(takesAddress ? $"usage: leakhound heapdump DUMP {verb} ADDR" : "usage: " + Usage);
        if (verb == "print")
        {
            HeapDumpPrinter.Print(path, stdout, limits);
            return 0;
        }
        if (verb is not ("summary" or "suspects" or "sites" or "finalizers" or "dominators" or "find") && !takesAddress)
            throw new UsageException($"unknown heapdump verb \"{verb}\"; usage: {Usage}");
        ulong address = takesAddress ? ParseAddress(p[2]) : 0;
        string graphFormat = cl.Get("format") ?? "dot";
        if (verb == "graph" && graphFormat is not ("dot" or "svg"))
            throw new UsageException($"unknown graph format \"{graphFormat}\"; use dot or svg");

        var dump = HeapDumpReader.Read(path, limits);
        var g = HeapDumpGraph.Build(dump, symbols);
        int node = takesAddress ? g.RequireNodeAt(address) : -1;
        var sites = AllocationSites.Build(g);
        switch (verb)
        {
            case "summary":
                if (json) HeapGraphViews.WriteSummaryJson(g, stdout);
                else HeapDumpSummaryReport.Write(dump, stdout, w => HeapGraphViews.WriteSummary(g, w));
                break;
            case "suspects": HeapLeakReports.WriteSuspects(g, sites, json, stdout); break;
            case "sites": HeapLeakReports.WriteSites(g, sites, json, stdout); break;
            case "finalizers": HeapLeakReports.WriteFinalizers(g, sites, json, stdout); break;
            case "dominators": HeapGraphViews.WriteDominators(g, sites, cl.Int("top", 20), json, stdout); break;
            case "anchors": HeapRetentionReports.WriteAnchors(g, sites, node, json, stdout); break;
            case "path": HeapRetentionReports.WritePath(g, sites, node, json, stdout); break;
            case "owners": HeapRetentionReports.WriteOwners(g, sites, node, cl.Int("depth", 3), json, stdout); break;
            case "graph" when graphFormat == "svg":
                // Drawn with LeakHound's own layered layout, from the same DOT.
                var dot = new StringWriter();
                HeapGraphViews.WriteDot(g, sites, node, dot);
                SvgGraphWriter.Write(DotGraph.Parse(dot.ToString()), stdout);
                break;
            case "graph": HeapGraphViews.WriteDot(g, sites, node, stdout); break;
            case "hexdump": HeapGraphViews.WriteHexdump(g, node, json, stdout, limits); break;
            case "find": HeapGraphViews.WriteFind(g, sites, ObjectQuery(cl), json, stdout, limits); break;
        }
        return 0;
    }

    private static ObjectFinder.Query ObjectQuery(CommandLine cl)
    {
        string? oid = cl.Get("oid"), size = cl.Get("size"), site = cl.Get("site");
        if ((oid is null ? 0 : 1) + (size is null ? 0 : 1) + (site is null ? 0 : 1) != 1)
            throw new UsageException("heapdump find needs exactly one of --oid FILE, --size MIN[:MAX], --site REGEX");
        if (oid is not null) return ObjectFinder.Query.ForOids(oid, ObjectFinder.ReadOidFile(oid));
        if (site is not null)
        {
            try { return ObjectFinder.Query.ForSite(new System.Text.RegularExpressions.Regex(site)); }
            catch (ArgumentException e) { throw new UsageException($"--site: bad regular expression: {e.Message}"); }
        }
        var parts = size!.Split(':');
        if (parts.Length > 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long min))
            throw new UsageException($"--size wants MIN or MIN:MAX in bytes, not \"{size}\"");
        long max = long.MaxValue;
        if (parts.Length == 2 && parts[1].Length > 0 && !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max))
            throw new UsageException($"--size wants MIN or MIN:MAX in bytes, not \"{size}\"");
        return ObjectFinder.Query.ForSize(min, max);
    }

    private static ulong ParseAddress(string s)
    {
        string digits = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        if (!ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
            throw new UsageException($"\"{s}\" is not an address (hexadecimal, as 0xc000123000)");
        return v;
    }
}
