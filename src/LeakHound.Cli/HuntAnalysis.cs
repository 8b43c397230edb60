using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Formats.Pprof;
using LeakHound.Hunt.Store;
using LeakHound.Reports.Hunt;

namespace LeakHound.Cli;

/// <summary>
/// The analysis of a hunt, from a hunt store or from profile files, and its outputs (terminal,
/// JSON, HTML report) — shared by <c>analyze</c>, <c>hunt</c> and <c>check</c>.
/// </summary>
public static class HuntAnalysis
{
    public static readonly IReadOnlyDictionary<string, bool> OutputOptions = new Dictionary<string, bool>
    {
        ["json"] = false, ["report"] = true, ["min_snapshots"] = true,
    };

    public sealed record Outcome(HuntResult Result, string Target, HeapProfileSource? FirstHeap, HeapProfileSource? LastHeap);

    /// <summary>Analyses a store, a folder of profiles, or profile files given in time order.</summary>
    public static Outcome Analyze(IReadOnlyList<string> inputs, LeakAnalyzerOptions options)
    {
        if (inputs.Count == 1 && File.Exists(inputs[0]) && IsStore(inputs[0]))
        {
            using var store = SnapshotStore.Open(inputs[0], readOnly: true);
            // Rows are read in order, their goroutine profiles parsed on every core; heap profiles
            // are parsed by the analysis, a few at a time.
            var rows = store.ReadAll().Where(r => r.Status != LeakHound.Hunt.SnapshotStatus.Gap).ToArray();
            var snapshots = new Snapshot[rows.Length];
            Parallel.For(0, rows.Length, i => snapshots[i] = rows[i].ToSnapshot(inputs[0]));
            return Finish([.. snapshots], options, store.Target.ToString());
        }
        var files = InputFiles.Expand(inputs);
        if (files.Count == 0) throw new UsageException("nothing to analyze: give a hunt store, a folder of profiles, or profiles in time order");
        return Finish(SnapshotFiles.Read(files), options, string.Join(" ", inputs));
    }

    private static Outcome Finish(List<Snapshot> snapshots, LeakAnalyzerOptions options, string target)
    {
        var result = LeakAnalyzer.Analyze(snapshots, options);
        // The diff flame graphs compare the first and last heap profiles of the last run of the process.
        int lastSegment = snapshots.Count == 0 ? 0 : snapshots[^1].Segment;
        var heaps = snapshots.Where(s => s.Segment == lastSegment && s.Heap is not null).Select(s => s.Heap!).ToList();
        return new Outcome(result, target, heaps.Count >= 2 ? heaps[0] : null, heaps.Count >= 2 ? heaps[^1] : null);
    }

    /// <summary>A SQLite file (hunt stores are), told by its header.</summary>
    public static bool IsStore(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var fs = File.OpenRead(path);
        return fs.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual("SQLite format 3\0"u8);
    }

    public static LeakAnalyzerOptions Options(CommandLine cl) =>
        new() { MinSnapshots = cl.Int("min_snapshots", new LeakAnalyzerOptions().MinSnapshots) };

    /// <summary>Prints the outcome as text or JSON, and writes the HTML report when asked.</summary>
    public static void Write(Outcome o, CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        if (cl.Get("report") is { } report)
        {
            using (var w = new StreamWriter(report, false, new System.Text.UTF8Encoding(false)))
                HuntHtml.Write(o.Result, o.Target, o.FirstHeap?.Load(), o.LastHeap?.Load(), w);
            stderr.WriteLine($"leakhound: wrote {report}");
        }
        if (cl.Flag("json"))
        {
            using var ms = new MemoryStream();
            HuntJson.Write(o.Result, ms);
            stdout.Write(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
            stdout.Write('\n');
        }
        else
        {
            HuntText.Write(o.Result, stdout);
        }
    }

    /// <summary>The gate's exit code: 1 leak, 0 no leak, 3 inconclusive.</summary>
    public static int ExitCode(Verdict v) => v switch { Verdict.Leak => 1, Verdict.NoLeak => 0, _ => 3 };
}
