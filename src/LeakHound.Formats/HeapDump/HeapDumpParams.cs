using System.Buffers.Binary;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// The params record: how to read pointers out of contents, where the heap is, and which runtime
/// wrote the dump. <see cref="Version"/> is runtime.Version() ("go1.19.8", "devel go1.23-c622f5c34")
/// in Go 1.19 to 1.25; older go1.7-format runtimes wrote the GOEXPERIMENT value in its place.
/// </summary>
public sealed record HeapDumpParams(
    bool BigEndian, int PointerSize, ulong HeapStart, ulong HeapEnd, string Arch, string Version, ulong CpuCount)
{
    /// <summary>The minor Go version from <see cref="Version"/> (19 for "go1.19.8"), or -1 when it names none.</summary>
    public int GoMinor { get; } = ParseGoMinor(Version);

    /// <summary>
    /// Whether the runtime puts a malloc header in front of objects larger than 512 bytes (8 × pointer
    /// bits) with pointers and keeps small objects' pointer bitmaps at the end of their span: Go 1.22+,
    /// unless a Go 1.22 program was built with GOEXPERIMENT=noallocheaders, which runtime.Version()
    /// then ends with (" X:noallocheaders", among other experiments).
    /// </summary>
    public bool HasMallocHeaders => GoMinor >= 22 && !Experiments.Contains("noallocheaders");

    /// <summary>The non-default GOEXPERIMENTs runtime.Version() lists after " X:" ("go1.22.0 X:noallocheaders"); empty when none.</summary>
    public IReadOnlyList<string> Experiments => ParseExperiments(Version);

    private static string[] ParseExperiments(string version)
    {
        int at = version.IndexOf(" X:", StringComparison.Ordinal);
        return at < 0 ? [] : version[(at + 3)..].Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The pointer-sized word at <paramref name="offset"/> of contents, in the dump's byte order.</summary>
    public ulong ReadPointer(ReadOnlySpan<byte> contents, int offset)
    {
        var word = contents.Slice(offset, PointerSize);
        if (PointerSize == 8)
            return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(word) : BinaryPrimitives.ReadUInt64LittleEndian(word);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(word) : BinaryPrimitives.ReadUInt32LittleEndian(word);
    }

    private static int ParseGoMinor(string version)
    {
        int at = version.IndexOf("go1.", StringComparison.Ordinal);
        if (at < 0) return -1;
        int i = at + 4, minor = 0, digits = 0;
        while (i < version.Length && char.IsAsciiDigit(version[i]) && digits < 6)
        {
            minor = minor * 10 + (version[i] - '0');
            i++;
            digits++;
        }
        return digits == 0 ? -1 : minor;
    }
}
