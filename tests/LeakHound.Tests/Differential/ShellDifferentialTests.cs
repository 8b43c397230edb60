using System.Text;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// <c>leakhound shell</c> fed a script through a pipe, against <c>go tool pprof</c>'s interactive
/// mode fed the same script: standard output (reports and prompts; the prompt's name aside),
/// standard error (greeting, errors) and the files written with <c>&gt; FILE</c> must be identical.
/// </summary>
public class ShellDifferentialTests
{
    public static IEnumerable<object[]> Profiles() =>
        DifferentialCorpus.Samples.SelectMany(s => new[] { new object[] { s, "heap.pb.gz" }, [s, "goroutine.pb.gz"] });

    /// <summary>Shorthands, options, focus words, -ignore words, counts, -cum, the ":" reset, errors, redirection.</summary>
    private static string Script(string outFile) => string.Join("\n",
        "top5",
        "top3 -cum",
        "focus=main",
        "top",
        "tree 4",
        ":",
        "peek serve -runtime",
        "hide=runtime",
        "top4 http",
        "hide=",
        "granularity=lines",
        "top6",
        "granularity=functions",
        "noinlines",
        "traces",
        "noinlines=false",
        "tags",
        "nodefraction=0.2",
        "top",
        "nodefraction=0.005",
        "lines",
        "nodecount=abc",
        "trim=maybe",
        "sample_index=nope",
        "focus",
        "frobnicate",
        "nodecount 3",
        "peek",
        "list main\\.",
        "list ^runtime\\.gopark$ -mallocgc",
        $"top3 > {outFile}",
        "comments",
        "quit",
        "top") + "\n";

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ShellMatchesPprofInteractiveMode(string sample, string file)
    {
        string profile = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), sample, file);
        string outFile = Path.Combine(Path.GetTempPath(), $"lh-shell-{Guid.NewGuid():N}.txt");
        try
        {
            string script = Script(outFile);
            var pprof = GoPprof.RunWithInput(script, profile);
            string pprofFile = File.ReadAllText(outFile);
            File.Delete(outFile);

            var (code, stdout, stderr) = RunShell(script, profile);
            var failures = new StringBuilder();
            if (code != pprof.ExitCode) failures.AppendLine($"exit {code}, pprof {pprof.ExitCode}");
            if (TextDiff.FirstDifference(pprof.Stdout, stdout.Replace("(leakhound) ", "(pprof) ", StringComparison.Ordinal)) is { } d1)
                failures.AppendLine("stdout: " + d1);
            if (TextDiff.FirstDifference(pprof.Stderr, stderr) is { } d2) failures.AppendLine("stderr: " + d2);
            if (TextDiff.FirstDifference(pprofFile, File.ReadAllText(outFile)) is { } d3) failures.AppendLine("> file: " + d3);
            Assert.True(failures.Length == 0, failures.ToString());
        }
        finally
        {
            File.Delete(outFile);
        }
    }

    [Fact]
    public void SampleTypeShorthandsAndMeanMatchPprof()
    {
        string profile = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak", "heap.pb.gz");
        string script = "alloc_space\ntop4\nmean_inuse_space\ntop3\ntotal_alloc_objects\ntop3 -cum\nsample_index=1\ntop2\n";
        var pprof = GoPprof.RunWithInput(script, profile);
        var (_, stdout, stderr) = RunShell(script, profile);
        Assert.Null(TextDiff.FirstDifference(pprof.Stdout, stdout.Replace("(leakhound) ", "(pprof) ", StringComparison.Ordinal)));
        Assert.Null(TextDiff.FirstDifference(pprof.Stderr, stderr));
    }

    [Fact]
    public void ADiffSessionMatchesPprof()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string heap = Path.Combine(dir, "heap.pb.gz"), heap2 = Path.Combine(dir, "heap2.pb.gz");
        // No tree or peek: pprof orders a diff's equal and opposite edges differently from run to run.
        string script = "top5\ndrop_negative=true\ntop -cum\nfocus=newEntry\ntraces\n";
        foreach (var flag in new[] { "-base=" + heap, "-diff_base=" + heap })
        {
            var pprof = GoPprof.RunWithInput(script, flag, heap2);
            var (_, stdout, stderr) = RunShell(script, flag, heap2);
            Assert.Null(TextDiff.FirstDifference(pprof.Stdout, stdout.Replace("(leakhound) ", "(pprof) ", StringComparison.Ordinal)));
            Assert.Null(TextDiff.FirstDifference(pprof.Stderr, stderr));
        }
    }

    /// <summary>
    /// The call_tree option: set alone, it makes dot and callgrind draw the call tree while top and
    /// tree ignore it, as in pprof; set to false it is gone; a bad value is pprof's error. On a
    /// profile whose call tree pprof prints the same way every time (no nodes that tie) and that
    /// is not its graph.
    /// </summary>
    [Fact]
    public void ACallTreeSessionMatchesPprof()
    {
        string profile = Path.Combine(TestPaths.CommittedProfiles, "cacheleak", "heap2.pb.gz");
        string theirs = Path.Combine(Path.GetTempPath(), $"lh-shell-{Guid.NewGuid():N}.out"), ours = theirs + ".ours";
        string Script(string file) => $"call_tree\ndot\ntop3\ntree 3\ncallgrind > {file}\ncall_tree=false\ndot 5\ncall_tree=maybe\n";
        try
        {
            var pprof = GoPprof.RunWithInput(Script(theirs), profile);
            var (_, stdout, stderr) = RunShell(Script(ours), profile);
            // The call tree is not the graph here: the first dot differs from the last.
            var graphs = stdout.Split("digraph");
            Assert.Equal(3, graphs.Length);
            Assert.NotEqual(graphs[1], graphs[2]);
            Assert.Null(TextDiff.FirstDifference(pprof.Stdout, stdout.Replace("(leakhound) ", "(pprof) ", StringComparison.Ordinal)));
            Assert.Null(TextDiff.FirstDifference(pprof.Stderr.Replace(theirs, ours, StringComparison.Ordinal), stderr));
            Assert.Null(TextDiff.FirstDifference(File.ReadAllText(theirs), File.ReadAllText(ours)));
        }
        finally
        {
            File.Delete(theirs);
            File.Delete(ours);
        }
    }

    /// <summary>
    /// The "o" listing, checked by hand against pprof's (which also lists intel_syntax, an option
    /// of its disassembly report that LeakHound does not have): same layout, sorted, choices noted.
    /// </summary>
    [Fact]
    public void OptionsListingHasPprofsLayout()
    {
        string profile = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak", "heap.pb.gz");
        var (code, _, stderr) = RunShell("granularity=files\ncum=true\nnoinlines\nfocus=main\no\n", profile);
        Assert.Equal(0, code);
        var lines = stderr.Split('\n');
        Assert.Contains("  granularity               = files                //: [addresses | filefunctions | files | functions | lines]", lines);
        Assert.Contains("  sort                      = cum                  //: [cum | flat]", lines);
        Assert.Contains("  sample_index              = inuse_space          //: [alloc_objects | alloc_space | inuse_objects | inuse_space]", lines);
        Assert.Contains("  nodecount                 = -1                   //: default", lines);
        Assert.Contains("  noinlines                 = true                 ", lines);
        Assert.Contains("  focus                     = main                 ", lines);
        Assert.Contains("  compact_labels            = true                 ", lines);
        Assert.Contains("  hide                      = \"\"                   ", lines);
        var options = lines.Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(" = ", StringComparison.Ordinal)).ToList();
        Assert.Equal(options.Order(StringComparer.Ordinal), options);
    }

    [Fact]
    public void HelpListsTheReportsAndOptions()
    {
        string profile = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak", "heap.pb.gz");
        var (_, _, stderr) = RunShell("help\nhelp peek\nhelp nodecount\nhelp nosuch\n", profile);
        Assert.Contains("    peek             Output callers/callees of functions matching regexp", stderr);
        Assert.Contains("    sample_index     Sample value to report (0-based index or name)", stderr);
        Assert.Contains("    peek <regexp> [n] [focus_regex]* [-ignore_regex]* [-cum] [>f]", stderr);
        Assert.Contains("Max number of nodes to show", stderr);
        Assert.Contains("Unknown command: nosuch", stderr);
    }

    internal static (int Code, string Stdout, string Stderr) RunShell(string script, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = LeakHound.Cli.Commands.ShellCommand.Run(args, new StringReader(script), terminal: false, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
