using LeakHound.Core;
using LeakHound.Formats.Input;

namespace LeakHound.Formats.Pprof;

/// <summary>How profiles are read.</summary>
public sealed record ProfileReadOptions
{
    public Limits Limits { get; init; } = Limits.Default;

    /// <summary>
    /// Keep what text profiles carry beyond pprof's model: the symbol lines of <c>?debug=1</c> output
    /// and <c># labels:</c> lines. Off, a profile reads exactly as pprof reads it (pprof's -symbolize=none).
    /// </summary>
    public bool KeepSymbols { get; init; } = true;
}

/// <summary>
/// Reads any profile a Go service writes, telling the formats apart as pprof does: gzip is undone,
/// then profile.proto is tried, then the legacy text and binary formats.
/// </summary>
public static class ProfileReader
{
    public static Profile ReadFile(string path, ProfileReadOptions options)
    {
        // A gzipped profile.proto (what Go serves) is read while it is gunzipped on another thread.
        if (InputBytes.GunzipAsItArrives(path, options.Limits) is { } arriving)
        {
            var (head, available, _) = arriving.WaitFor(1);
            if (available > 0 && ProtoProfileReader.LooksLikeProto(head.AsSpan(0, available))
                && ProtoProfileReader.TryReadAsItArrives(arriving, path, options.Limits) is { } profile)
                return profile;
            return Read(arriving.Finish(), path, options);
        }
        return Read(InputBytes.ReadFile(path, options.Limits), path, options);
    }

    public static Profile Read(byte[] data, string source, ProfileReadOptions options)
    {
        if (InputBytes.IsGzip(data)) data = InputBytes.Gunzip(data, source, options.Limits);
        if (data.Length == 0) throw new InputException(source, "empty input file");

        InputException? protoError = null;
        if (ProtoProfileReader.LooksLikeProto(data))
        {
            try
            {
                return ProtoProfileReader.Read(data, source, options.Limits);
            }
            catch (InputException e)
            {
                protoError = e;
            }
        }
        var legacy = LegacyProfileReader.TryRead(data, source, options.Limits, options.KeepSymbols);
        if (legacy is not null) return legacy;
        if (protoError is not null)
            throw new InputException(source, "unrecognized profile format: not a valid profile.proto message (" + protoError.Problem + "), nor a legacy text or binary profile");
        throw new InputException(source, "unrecognized profile format: not profile.proto (gzipped or not), nor a legacy heap, goroutine, threadcreate, contention or CPU profile");
    }
}
