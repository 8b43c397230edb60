using System.Text;
using LeakHound.Analysis.Prepare;
using LeakHound.Formats.Pprof;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Differential;

/// <summary>
/// -tagroot and -tagleaf (Go 1.19's pprof has both) against go tool pprof: on a heap profile's numeric
/// "bytes" labels, and on the same profile given string labels, several values per key, numbers
/// with units and unlabelled samples; every report that shows frames.
/// </summary>
public class TagRootLeafDifferentialTests
{
    private static readonly string[][] Options =
    [
        ["-tagroot=bytes"], ["-tagleaf=bytes"], ["-tagroot=component", "-tagleaf=size"],
        ["-tagroot=size,component", "-tagleaf=component,bytes"], ["-tagroot=nokey"], ["-tagroot=,", "-tagleaf=,"],
        ["-tagroot=component", "-focus=api"], ["-tagleaf=size", "-unit=kb"], ["-tagroot=component", "-hide=main"],
    ];

    private static readonly string[][] Reports = [["top"], ["tree"], ["traces"], ["raw"], ["peek", "main|api"], ["list", @"main\."]];

    [Fact]
    public void LabelFramesMatchPprof()
    {
        string dir = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");
        string tmp = Path.Combine(Path.GetTempPath(), $"lh-tagroot-{Guid.NewGuid():N}");
        try
        {
            string heap = Path.Combine(dir, "heap.pb.gz");
            string labelled = ProfileEdits.Write(Labelled(ProfileEdits.Read(heap)), tmp, "labelled.pb.gz");
            var failures = new StringBuilder();
            foreach (var profile in new[] { heap, labelled })
            {
                foreach (var report in Reports)
                {
                    foreach (var o in Options)
                    {
                        // leakhound raw prints the profile unfiltered (a limitation of raw, not of the label frames).
                        if (report[0] == "raw" && o.Any(x => x.StartsWith("-focus", StringComparison.Ordinal) || x.StartsWith("-hide", StringComparison.Ordinal))) continue;
                        string[] pprofArgs = report.Length == 2 ? [.. o, "-" + report[0], report[1], profile] : [.. o, "-" + report[0], profile];
                        var pprof = GoPprof.Run(pprofArgs);
                        var ours = LeakHoundCli.Run([.. report, .. o, profile]);
                        string what = $"{string.Join(' ', report)} {string.Join(' ', o)} {Path.GetFileName(profile)}";
                        if ((pprof.ExitCode == 0) != (ours.ExitCode == 0))
                        {
                            failures.AppendLine($"{what}: pprof exit {pprof.ExitCode} ({pprof.Stderr.Trim()}), leakhound exit {ours.ExitCode} ({ours.Stderr.Trim()})");
                            continue;
                        }
                        foreach (var warning in new[] { "TagRoot expression matched no samples", "TagLeaf expression matched no samples" })
                            if (pprof.Stderr.Contains(warning) != ours.Stderr.Contains(warning)) failures.AppendLine($"{what}: warning «{warning}» differs: {ours.Stderr.Trim()}");
                        if (pprof.ExitCode != 0) continue;
                        string? diff = TextDiff.FirstDifference(pprof.Stdout, ours.Stdout);
                        if (diff is not null) failures.AppendLine($"{what}: {diff}");
                    }
                }
            }
            Assert.True(failures.Length == 0, failures.ToString());
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>An export with label frames reads in pprof as pprof's own -proto output with them.</summary>
    [Fact]
    public void ExportWithLabelFramesMatchesPprofProto()
    {
        string heap = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak", "heap.pb.gz");
        string tmp = Path.Combine(Path.GetTempPath(), $"lh-tagroot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        try
        {
            string ours = Path.Combine(tmp, "ours.pb.gz");
            var export = LeakHoundCli.Run("export", "-tagroot=bytes,nokey", "-tagleaf=bytes", "-o", ours, heap);
            Assert.True(export.ExitCode == 0, export.Stderr);
            string theirs = Path.Combine(tmp, "theirs.pb.gz");
            var proto = GoPprof.Run("-proto", "-output=" + theirs, "-tagroot=bytes,nokey", "-tagleaf=bytes", heap);
            Assert.True(proto.ExitCode == 0, proto.Stderr);
            var expected = GoPprof.Run("-raw", theirs).Stdout;
            Assert.Contains(" 4096 bytes:0 ", expected);
            Assert.Null(TextDiff.FirstDifference(expected, GoPprof.Run("-raw", ours).Stdout));
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>
    /// Hand-checked: two samples, one labelled component=api and size=2048 bytes, one unlabelled;
    /// roots component,size and leaf size. The first root key is outermost; a frame per key even
    /// without values (named ""); equal name and key share a location, numbered after the largest id
    /// in the order roots-then-leaves of each sample.
    /// </summary>
    [Fact]
    public void FramesGoAtRootAndLeafInKeyOrder()
    {
        var b = new ProfileBuilder([new ProfileValueType("inuse_space", "bytes")]);
        b.AddMapping(new Mapping(1, 0x1000, 0x2000, 0, "/bin/app", "", true, true, true, true));
        int f = b.AddFunction(new Function(7, "main.f", "main.f", "/app/main.go", 0));
        int loc = b.AddLocation(40, 0, 0x1010, false, [new Line(f, 12)]);
        var labels = new[] { new Label(b.Intern("component"), b.Intern("api"), 0, 0), new Label(b.Intern("size"), 0, 2048, b.Intern("bytes")) };
        b.AddSample([5], [loc], labels);
        b.AddSample([3], [loc]);
        var p = LabelFrames.Add(b.Build(), ["component", "size"], ["size"], "minimum", out bool rootMatched, out bool leafMatched);

        Assert.True(rootMatched && leafMatched);
        string Frame(int l) => p.Locations[l].Id + ":" + p.Functions[p.Lines[p.Locations[l].FirstLine].Function].Name + "@" + p.Functions[p.Lines[p.Locations[l].FirstLine].Function].Filename;
        Assert.Equal(["41:2kB@size", "40:main.f@/app/main.go", "41:2kB@size", "42:api@component"], p.SampleStack(0).ToArray().Select(Frame));
        Assert.Equal(["43:@size", "40:main.f@/app/main.go", "43:@size", "44:@component"], p.SampleStack(1).ToArray().Select(Frame));
        Assert.Equal([8UL, 9, 10, 11], p.Functions.Skip(1).Select(x => x.Id));
        Assert.All(p.Locations.Skip(1), l => Assert.Equal(-1, l.Mapping));
    }

    /// <summary>String labels (one, two or no values), numbers with a unit, numbers without; some samples unlabelled.</summary>
    private static Profile Labelled(Profile p) => ProfileEdits.WithLabels(p, s => (s % 4) switch
    {
        0 => [("component", "api", 0, ""), ("size", null, 4096L * (s + 1), "bytes"), ("bytes", null, 512, "")],
        1 => [("component", "db", 0, ""), ("component", "cache", 0, ""), ("size", null, 1000, "")],
        2 => [("size", null, 7, "bytes"), ("size", null, 9, "")],
        _ => [],
    });
}
