using BenchmarkDotNet.Attributes;
using LeakHound.Formats.Pprof;
using LeakHound.Reports;
using LeakHound.Reports.Text;

namespace LeakHound.Bench;

/// <summary>The kernels behind <c>leakhound top</c>: decoding profile.proto and building the top report, on a 200,000-sample heap profile.</summary>
[MemoryDiagnoser]
public class ProfileBenchmarks
{
    private byte[] _uncompressed = [];
    private Profile _profile = null!;

    [GlobalSetup]
    public void Setup()
    {
        var p = HeapProfileGenerator.Generate(200_000, 40_000, 10_000, 7);
        _uncompressed = ProtoProfileWriter.EncodeUncompressed(p);
        _profile = ProtoProfileReader.Read(_uncompressed, "bench", LeakHound.Core.Limits.Default);
    }

    [Benchmark]
    public int DecodeProto() => ProtoProfileReader.Read(_uncompressed, "bench", LeakHound.Core.Limits.Default).SampleCount;

    [Benchmark]
    public int TopReport() => Reports.Text.TopReport.Build(Report.Create(_profile, new ReportOptions().For(ReportKind.Top))).Rows.Count;
}
