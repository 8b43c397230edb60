using LeakHound.Analysis.Trends;
using LeakHound.Core;
using LeakHound.Hunt.Metrics;

namespace LeakHound.Tests.Hunt;

/// <summary>
/// The Prometheus text format (0.0.4) on hand-written pages: the specification's own example,
/// client_golang's Go and process metrics, and the corners of the grammar. Expected values are
/// worked out by hand from the text.
/// </summary>
public class PrometheusTextTests
{
    // The example of the exposition format specification (prometheus.io, "Text format example").
    private const string SpecExample = """
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # Escaping in label values:
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

        # Minimalistic line:
        metric_without_timestamp_and_labels 12.47

        # A weird metric from before the epoch:
        something_weird{problem="division by zero"} +Inf -3982045

        # A histogram, which has a pretty complex representation in the text format:
        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="0.1"} 33444
        http_request_duration_seconds_bucket{le="0.2"} 100392
        http_request_duration_seconds_bucket{le="0.5"} 129389
        http_request_duration_seconds_bucket{le="1"} 133988
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320

        # Finally a summary, which has a complex representation, too:
        # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.01"} 3102
        rpc_duration_seconds{quantile="0.05"} 3272
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds{quantile="0.9"} 9001
        rpc_duration_seconds{quantile="0.99"} 76656
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693

        """;

    [Fact]
    public void TheSpecificationsExampleReadsAsWritten()
    {
        var page = PrometheusText.Parse(SpecExample, "spec");
        Assert.Equal(20, page.Samples.Count);
        Assert.Equal(20, page.SampleLines);

        var first = page.Samples[0];
        Assert.Equal("http_requests_total", first.Name);
        Assert.Equal([new("method", "post"), new("code", "200")], first.Labels);
        Assert.Equal(1027, first.Value);
        Assert.Equal(1395066363000, first.TimestampMs);
        Assert.Equal(3, page.Samples[1].Value); // several blanks before the value

        var msdos = page.Samples[2];
        Assert.Equal(@"C:\DIR\FILE.TXT", msdos.Label("path"));
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", msdos.Label("error"));
        Assert.Equal(1458255915, msdos.Value);
        Assert.Null(msdos.TimestampMs);

        Assert.True(page.TryGetValue("metric_without_timestamp_and_labels", out double minimal));
        Assert.Equal(12.47, minimal);

        var weird = page.Samples[4];
        Assert.Equal(double.PositiveInfinity, weird.Value);
        Assert.Equal(-3982045, weird.TimestampMs);

        var inf = page.Samples.Single(s => s.Name == "http_request_duration_seconds_bucket" && s.Label("le") == "+Inf");
        Assert.Equal(144320, inf.Value);
        Assert.True(page.TryGetValue("rpc_duration_seconds_sum", out double sum));
        Assert.Equal(17560473, sum);

        Assert.Equal("counter", page.Types["http_requests_total"]);
        Assert.Equal("histogram", page.Types["http_request_duration_seconds"]);
        Assert.Equal("summary", page.Types["rpc_duration_seconds"]);
        Assert.Equal("The total number of HTTP requests.", page.Help["http_requests_total"]);
    }

    [Fact]
    public void ClientGolangPageMapsToSnapshotMetrics()
    {
        const string page = """
            # HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
            # TYPE go_gc_duration_seconds summary
            go_gc_duration_seconds{quantile="0"} 2.8e-05
            go_gc_duration_seconds{quantile="1"} 0.000912
            go_gc_duration_seconds_sum 0.004191
            go_gc_duration_seconds_count 17
            # HELP go_goroutines Number of goroutines that currently exist.
            # TYPE go_goroutines gauge
            go_goroutines 42
            # HELP go_memstats_alloc_bytes_total Total number of bytes allocated, even if freed.
            # TYPE go_memstats_alloc_bytes_total counter
            go_memstats_alloc_bytes_total 1.234567e+08
            # HELP go_memstats_heap_inuse_bytes Number of heap bytes that are in use.
            # TYPE go_memstats_heap_inuse_bytes gauge
            go_memstats_heap_inuse_bytes 8.36608e+06
            go_memstats_heap_alloc_bytes 5.1e6
            go_memstats_heap_objects 31337
            go_memstats_sys_bytes 2.4e+07
            # HELP process_resident_memory_bytes Resident memory size in bytes.
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes 2.9138944e+07
            # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds 1.70000000012e+09
            promhttp_metric_handler_requests_total{code="200"} 3

            """;
        var parsed = PrometheusText.Parse(page, "client_golang", HuntMetrics.WantedPrometheusNames);
        Assert.Equal(13, parsed.SampleLines);
        Assert.DoesNotContain(parsed.Samples, s => s.Name == "promhttp_metric_handler_requests_total"); // not asked for
        var m = new Dictionary<string, double>();
        HuntMetrics.AddPrometheus(parsed, m);
        Assert.Equal(42, m[MetricNames.Goroutines]);
        Assert.Equal(17, m[MetricNames.NumGC]);
        Assert.Equal(123456700, m[MetricNames.TotalAllocBytes]);
        Assert.Equal(8366080, m[MetricNames.HeapInuseBytes]);
        Assert.Equal(5100000, m[MetricNames.HeapAllocBytes]);
        Assert.Equal(31337, m[MetricNames.HeapObjects]);
        Assert.Equal(24000000, m[HuntMetrics.SysBytes]);
        Assert.Equal(29138944, m[MetricNames.RssBytes]);
        Assert.Equal(1700000000.12, m[MetricNames.ProcessStartSeconds]);
    }

    [Theory]
    [InlineData("m 1", 1.0)]
    [InlineData("m -1.5", -1.5)]
    [InlineData("m +3", 3.0)]
    [InlineData("m 1E3", 1000.0)]
    [InlineData("m 2.5e-3", 0.0025)]
    [InlineData("m 6.02E+23", 6.02e23)]
    [InlineData("m .5", 0.5)]
    [InlineData("m 5.", 5.0)]
    [InlineData("m 007", 7.0)]
    [InlineData("m 1e-400", 0.0)] // underflow is no error in Go
    [InlineData("m +Inf", double.PositiveInfinity)]
    [InlineData("m -Inf", double.NegativeInfinity)]
    [InlineData("m inf", double.PositiveInfinity)]
    [InlineData("m Infinity", double.PositiveInfinity)]
    [InlineData("m -INFINITY", double.NegativeInfinity)]
    [InlineData("m NaN", double.NaN)]
    [InlineData("m nan", double.NaN)]
    [InlineData("m\t\t4\t", 4.0)]
    [InlineData("   m 4   ", 4.0)]
    [InlineData("m{} 8", 8.0)]
    [InlineData("m{a=\"b\"}9", 9.0)]
    public void ValuesAsGoReadsThem(string line, double expected)
    {
        var page = PrometheusText.Parse(line + "\n", "t");
        var s = Assert.Single(page.Samples);
        Assert.Equal("m", s.Name);
        Assert.Equal(expected, s.Value);
    }

    [Fact]
    public void LabelsWithBlanksTrailingCommaAndEscapes()
    {
        var page = PrometheusText.Parse("m { a = \"x y\" ,\tb=\"q\\\\\\\"\\n\" , } 7 -5\n", "t");
        var s = Assert.Single(page.Samples);
        Assert.Equal([new("a", "x y"), new("b", "q\\\"\n")], s.Labels);
        Assert.Equal(7, s.Value);
        Assert.Equal(-5, s.TimestampMs);
    }

    [Fact]
    public void QuotedUtf8Names()
    {
        var page = PrometheusText.Parse("""
            # HELP "my.metric" Über metric.
            # TYPE "my.metric" gauge
            {"my.metric", "label.with.dots"="v", plain="w"} 1
            "my.metric"{x="1"} 2
            {"my.metric"} 3

            """, "t");
        Assert.Equal(3, page.Samples.Count);
        Assert.All(page.Samples, s => Assert.Equal("my.metric", s.Name));
        Assert.Equal("v", page.Samples[0].Label("label.with.dots"));
        Assert.Equal("w", page.Samples[0].Label("plain"));
        Assert.Equal("1", page.Samples[1].Label("x"));
        Assert.Equal("gauge", page.Types["my.metric"]);
        Assert.Equal("Über metric.", page.Help["my.metric"]);
    }

    [Fact]
    public void CommentsHelpAndType()
    {
        var page = PrometheusText.Parse(
            "#just a comment\n" +
            "  # indented comment with {braces} 1 2 3\n" +
            "#\n" +
            "# HELP\n" +
            "# HELP a\n" +
            "# HELP b Backslash \\\\ and\\nnewline and \\\" quote\n" +
            "#   TYPE   b   GAUGE\n" +
            "# TYPE c untyped\n" +
            "b 1\n", "t");
        Assert.Equal("Backslash \\ and\nnewline and \" quote", page.Help["b"]);
        Assert.False(page.Help.ContainsKey("a"));
        Assert.Equal("gauge", page.Types["b"]);
        Assert.Equal("untyped", page.Types["c"]);
        Assert.Single(page.Samples);
    }

    [Fact]
    public void CrLfAndAMissingLastLineFeedAreAccepted()
    {
        var page = PrometheusText.Parse("a 1\r\nb{x=\"y\"} 2\r\nc 3", "t");
        Assert.Equal([1.0, 2.0, 3.0], page.Samples.Select(s => s.Value));
        Assert.Equal("y", page.Samples[1].Label("x"));
    }

    [Fact]
    public void FirstUnlabelledSampleWinsThenFirstLabelled()
    {
        var page = PrometheusText.Parse("m{a=\"1\"} 1\nm 2\nm{a=\"3\"} 3\nn{a=\"4\"} 4\nn{a=\"5\"} 5\n", "t");
        Assert.True(page.TryGetValue("m", out double m));
        Assert.Equal(2, m);
        Assert.True(page.TryGetValue("n", out double n));
        Assert.Equal(4, n);
        Assert.False(page.TryGetValue("o", out _));
    }

    [Theory]
    [InlineData("m{a=\"b} 1", 1, "unterminated")]
    [InlineData("m{a=\"b\" 1", 1, "expected ',' or '}'")]
    [InlineData("ok 1\nm 1 2 3", 2, "unexpected text after the timestamp")]
    [InlineData("m abc", 1, "expected a float")]
    [InlineData("m 0x1p3", 1, "expected a float")]
    [InlineData("m 0x10", 1, "expected a float")]
    [InlineData("m 1_000", 1, "expected a float")]
    [InlineData("m 1e400", 1, "expected a float")] // out of range, as in Go
    [InlineData("m +nan", 1, "expected a float")]
    [InlineData("m 1e", 1, "expected a float")]
    [InlineData("m .", 1, "expected a float")]
    [InlineData("m 1 1.5", 1, "expected an integer timestamp")]
    [InlineData("m", 1, "missing sample value")]
    [InlineData("m{a=\"\\q\"} 1", 1, "invalid escape sequence")]
    [InlineData("m{a=\"1\",a=\"2\"} 1", 1, "duplicate label name a")]
    [InlineData("m{__name__=\"x\"} 1", 1, "reserved")]
    [InlineData("m{1a=\"x\"} 1", 1, "invalid label name")]
    [InlineData("m{a:b=\"x\"} 1", 1, "expected '=' after label name a")]
    [InlineData("m{a} 1", 1, "expected '=' after label name a")]
    [InlineData("m{a=x} 1", 1, "expected '\"'")]
    [InlineData("{a=\"x\"} 1", 1, "sample without a metric name")]
    [InlineData("1m 1", 1, "invalid metric name")]
    [InlineData("# TYPE m foo", 1, "unknown metric type")]
    [InlineData("# TYPE m gauge\n# TYPE m counter", 2, "second TYPE line")]
    [InlineData("m 1\n# TYPE m gauge", 2, "TYPE after its samples")]
    [InlineData("# HELP m a\n# HELP m b", 2, "second HELP line")]
    [InlineData("# HELP m bad \\t escape", 1, "invalid escape sequence")]
    [InlineData("\n\n# HELP m-x y", 3, "invalid metric name")]
    public void MalformedLinesAreInputErrorsNamingTheLine(string text, int line, string problem)
    {
        var e = Assert.Throws<InputException>(() => PrometheusText.Parse(text + "\n", "http://svc/metrics"));
        Assert.StartsWith($"http://svc/metrics: line {line}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void EveryLineIsCheckedEvenWhenOnlySomeNamesAreKept()
    {
        var e = Assert.Throws<InputException>(() => PrometheusText.Parse("go_goroutines 3\nother{a=\"\\z\"} 1\n", "t", ["go_goroutines"]));
        Assert.Contains("line 2", e.Message);
    }
}
