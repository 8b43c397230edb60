using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Formats.Input;
using LeakHound.Formats.Pprof;

namespace LeakHound.Formats.Goroutines;

/// <summary>
/// Reads any goroutine data a Go 1.17+ program writes into a <see cref="GoroutineDump"/>: tracebacks
/// (/debug/pprof/goroutine?debug=2, runtime.Stack(buf, true), panic and SIGQUIT output, with
/// whatever text surrounds them), the debug=1 count form ("goroutine profile: total N"), and the
/// profile.proto form of the goroutine and goroutineleak profiles. Gzip is undone first.
/// </summary>
public static partial class GoroutineDumpReader
{
    private const string Expected =
        "expected a goroutine dump: a \"goroutine N [state]:\" line (debug=2, runtime.Stack, panic or signal output), " +
        "a \"goroutine profile: total N\" line (debug=1), or a goroutine profile in profile.proto form";

    public static GoroutineDump ReadFile(string path, Limits limits) => Read(InputBytes.ReadFile(path, limits), path, limits);

    public static GoroutineDump Read(byte[] data, string source, Limits limits)
    {
        if (InputBytes.IsGzip(data)) data = InputBytes.Gunzip(data, source, limits);
        if (data.Length == 0) throw InputException.AtLine(source, 1, "the input is empty; " + Expected);
        if (data.Length > limits.MaxDecompressedBytes)
            throw new InputException(source, $"input of {data.Length} bytes is over the limit of {limits.MaxDecompressedBytes}");

        InputException? protoProblem = null;
        if (ProtoProfileReader.LooksLikeProto(data))
        {
            try
            {
                var profile = ProtoProfileReader.Read(data, source, limits);
                if (GoroutineProfileConverter.IsGoroutineProfile(profile))
                    return GoroutineProfileConverter.Convert(profile, GoroutineDumpForm.Proto, source, limits);
                // A valid profile of another kind: said so, unless the bytes are text after all.
                protoProblem = new InputException(source, $"a profile of {GoroutineProfileConverter.Describe(profile)}, not a goroutine profile");
            }
            catch (InputException)
            {
                // Not profile.proto (panic output starting with "panic:" looks like a proto tag).
            }
        }

        var (kind, start, lineNo) = FindStart(data);
        switch (kind)
        {
            case StartKind.Traceback:
                return GoroutineTracebackParser.Parse(data, start, lineNo, source, limits);
            case StartKind.CountProfile:
                var text = data.AsSpan(start);
                var p = LegacyProfileReader.TryRead(text, source, limits, keepSymbols: true)
                    ?? throw InputException.AtLine(source, lineNo, "a count profile \"goroutine profile: total N\" followed by \"N @ 0x…\" lines");
                return GoroutineProfileConverter.Convert(p, GoroutineDumpForm.CountText, source, limits);
            case StartKind.OtherCountProfile:
                throw InputException.AtLine(source, lineNo,
                    $"\"{LineText(data, start)}\" starts another count profile, not a goroutine one; " + Expected);
            default:
                if (protoProblem is not null) throw protoProblem;
                throw InputException.AtLine(source, 1, Expected);
        }
    }

    private enum StartKind { None, Traceback, CountProfile, OtherCountProfile }

    /// <summary>
    /// The first line that starts goroutine data: a traceback header, or a count profile's
    /// "NAME profile: total N" line. Lines before it are passed over.
    /// </summary>
    private static (StartKind Kind, int Start, int LineNo) FindStart(byte[] data)
    {
        int pos = 0, lineNo = 1;
        while (pos < data.Length)
        {
            int nl = data.AsSpan(pos).IndexOf((byte)'\n');
            int end = nl < 0 ? data.Length : pos + nl;
            var line = data.AsSpan(pos, end - pos);
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            if (GoroutineHeader.LooksLikeHeader(line) && GoroutineHeader.TryParse(line, out _))
                return (StartKind.Traceback, pos, lineNo);
            if (line.Length < 200 && line.IndexOf(" profile: total "u8) > 0)
            {
                var m = CountStart().Match(System.Text.Encoding.UTF8.GetString(line));
                if (m.Success)
                {
                    return (m.Groups[1].Value is "goroutine" or "goroutineleak" ? StartKind.CountProfile : StartKind.OtherCountProfile, pos, lineNo);
                }
            }
            pos = end + 1;
            lineNo++;
        }
        return (StartKind.None, 0, 0);
    }

    private static string LineText(byte[] data, int start)
    {
        int nl = data.AsSpan(start).IndexOf((byte)'\n');
        var line = data.AsSpan(start, nl < 0 ? data.Length - start : nl).TrimEnd((byte)'\r');
        return System.Text.Encoding.UTF8.GetString(line);
    }

    [GeneratedRegex(@"\A\s*([a-z_]+) profile: total [0-9]+\s*\z", RegexOptions.CultureInvariant)]
    private static partial Regex CountStart();
}
