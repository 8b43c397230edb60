using System.Text.Json;
using System.Xml.Linq;
using LeakHound.Cli.Commands;
using LeakHound.Core;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Flame;

/// <summary><c>leakhound flame</c>: formats, options and mistakes.</summary>
public sealed class FlameCommandTests
{
    private static string Profile(string name) => Path.Combine(TestPaths.CommittedProfiles, "cacheleak", name);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = FlameCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Writes_each_format_to_standard_output()
    {
        var html = Run(Profile("heap2.pb.gz"));
        Assert.StartsWith("<!DOCTYPE html>", html.Stdout);
        Assert.Contains("Flame graph of inuse_space: heap2.pb.gz", html.Stdout);
        Assert.DoesNotContain("http://", html.Stdout.Replace("http://www.w3.org", "", StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html.Stdout);

        XDocument.Parse(Run("--format", "svg", Profile("heap2.pb.gz")).Stdout);
        using (JsonDocument.Parse(Run("--format=speedscope", Profile("heap2.pb.gz")).Stdout)) { }
        var folded = Run("--format", "folded", "-sample_index=alloc_objects", Profile("heap2.pb.gz")).Stdout;
        Assert.Contains("main.handleWork;main.newEntry ", folded);
    }

    /// <summary>
    /// pprof's filters shape the flame graph as they shape every report: the folded stacks'
    /// total is the filtered profile's total (as leakhound raw, itself compared with pprof -raw,
    /// prints it), -focus keeps only stacks through the match, -hide drops frames.
    /// </summary>
    [Fact]
    public void Filters_apply_to_the_flame_graph()
    {
        static long Sum(string folded) => folded.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        static long RawTotal(params string[] args)
        {
            // pprof's raw listing: "  v1 v2 v3 v4: locations" per sample; inuse_space is the last value.
            var raw = LeakHound.Tests.Support.LeakHoundCli.Run(["raw", .. args]).Stdout;
            long total = 0;
            bool samples = false;
            foreach (var line in raw.Split('\n'))
            {
                if (line.StartsWith("Samples:", StringComparison.Ordinal)) { samples = true; continue; }
                if (line.StartsWith("Locations", StringComparison.Ordinal)) break;
                int colon = line.IndexOf(':');
                if (!samples || colon < 0 || line.TrimStart().StartsWith("inuse", StringComparison.Ordinal) || line.TrimStart().StartsWith("alloc", StringComparison.Ordinal)) continue;
                var values = line[..colon].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (values.Length == 4) total += long.Parse(values[3], System.Globalization.CultureInfo.InvariantCulture);
            }
            return total;
        }
        string p = Profile("heap2.pb.gz");
        var focused = Run("--format", "folded", "-focus=newEntry", p).Stdout;
        Assert.All(focused.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Contains("main.newEntry", l));
        Assert.Equal(RawTotal("-focus=newEntry", p), Sum(focused));
        // A middle frame: every stack through it keeps other frames, so every sample's value stays.
        var hidden = Run("--format", "folded", "-hide=^main\\.handleWork$", p).Stdout;
        Assert.DoesNotContain("main.handleWork", hidden);
        Assert.Contains("main.newEntry", hidden);
        Assert.Equal(RawTotal(p), Sum(hidden));
        var ignored = Run("--format", "folded", "-ignore=newEntry", p).Stdout;
        Assert.DoesNotContain("main.newEntry", ignored);
        Assert.Equal(RawTotal("-ignore=newEntry", p), Sum(ignored));
        Assert.True(Sum(ignored) + Sum(focused) == RawTotal(p));
    }

    [Fact]
    public void Lines_names_frames_by_line()
    {
        var folded = Run("--format", "folded", "-lines", Profile("heap2.pb.gz")).Stdout;
        Assert.Matches(@"main\.newEntry \S+main\.go:\d+ \d+\n", folded);
    }

    [Fact]
    public void Takes_the_format_from_the_output_file_name()
    {
        string dir = Path.Combine(Path.GetTempPath(), "leakhound-flame-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var (file, start) in new[] { ("f.svg", "<svg"), ("f.html", "<!DOCTYPE html>"), ("f.folded", "net/http"), ("f.speedscope.json", "{\"$schema\"") })
            {
                string path = Path.Combine(dir, file);
                var r = Run("-o", path, "-base", Profile("heap.pb.gz"), Profile("heap2.pb.gz"));
                Assert.Equal(0, r.Code);
                Assert.StartsWith(start, File.ReadAllText(path));
                Assert.Contains("wrote " + path, r.Stderr);
            }
            Assert.Equal(4, Directory.GetFiles(dir).Length); // no temporary file left behind
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Rejects_mistakes_with_a_message()
    {
        Assert.Contains("not both", Assert.Throws<UsageException>(() => Run("-base", Profile("heap.pb.gz"), "-diff_base", Profile("heap.pb.gz"), Profile("heap2.pb.gz"))).Message);
        Assert.Contains("unknown flame graph format", Assert.Throws<UsageException>(() => Run("--format", "png", Profile("heap2.pb.gz"))).Message);
        Assert.Contains("no sample type inuse_space", Assert.Throws<UsageException>(() => Run("-base", Profile("goroutine.pb.gz"), Profile("heap2.pb.gz"))).Message);
        Assert.Contains("sample_index", Assert.Throws<UsageException>(() => Run("-sample_index=nope", Profile("heap2.pb.gz"))).Message);
        Assert.Contains("refusing to overwrite", Assert.Throws<UsageException>(() => Run("-o", Profile("heap2.pb.gz"), "--format", "html", Profile("heap2.pb.gz"))).Message);
        Assert.Contains("no profile", Assert.Throws<UsageException>(() => Run()).Message);
    }
}
