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
