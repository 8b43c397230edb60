using System.Buffers.Binary;
using System.IO.Compression;
using LeakHound.Core;
using LeakHound.Formats.Input;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Reads Go heap dumps ("go1.7 heap dump", written by runtime/debug.WriteHeapDump since Go 1.7),
/// plain or gzipped, in one pass through a fixed buffer: <see cref="Read"/> builds the
/// <see cref="HeapDump"/> model, <see cref="Visit"/> hands each record to a visitor and keeps nothing.
/// </summary>
public static class HeapDumpReader
{
    public static HeapDump Read(string path, Limits limits)
    {
        var builder = new HeapDumpBuilder(path);
        bool gzipped = Visit(path, builder, limits).Gzipped;
        return builder.Build(gzipped);
    }

    /// <summary>What <see cref="Visit"/> found besides the records.</summary>
    /// <param name="RecordCounts">Records of each kind, indexed by <see cref="HeapDumpRecordKind"/>.</param>
    public sealed record VisitResult(bool Gzipped, long Length, IReadOnlyList<long> RecordCounts);

    public static VisitResult Visit(string path, HeapDumpVisitor visitor, Limits limits)
    {
        try
        {
            if (Directory.Exists(path)) throw new InputException(path, "is a directory, not a heap dump");
            if (!File.Exists(path)) throw new InputException(path, "no such file");
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long fileLength = fs.Length;
            Span<byte> magic = stackalloc byte[2];
            int got = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            fs.Position = 0;
            if (got == 2 && InputBytes.IsGzip(magic))
                return VisitGzip(fs, fileLength, path, visitor, limits);
            var parser = new HeapDumpParser(new HeapDumpStream(fs, path, limits.MaxHeapDumpBytes), limits, visitor);
            long length = parser.Run();
            return new VisitResult(false, length, parser.Counts);
        }
        catch (IOException e)
        {
            throw new InputException(path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException(path, e.Message);
        }
    }

    /// <summary>
    /// Gunzips as it reads. The framework's reader ends a truncated stream quietly: a dump cut short
    /// lacks its EOF record, and one cut inside the gzip trailer is caught by the trailer's length
    /// (mod 2^32) not matching what was decompressed.
    /// </summary>
    private static VisitResult VisitGzip(FileStream fs, long fileLength, string path, HeapDumpVisitor visitor, Limits limits)
    {
        if (fileLength < 18)
            throw new InputException(path, $"gzip data is truncated: {fileLength} bytes is shorter than a gzip header and trailer");
        Span<byte> trailer = stackalloc byte[4];
        fs.Position = fileLength - 4;
        fs.ReadExactly(trailer);
        fs.Position = 0;
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        using var z = new GZipStream(fs, CompressionMode.Decompress, leaveOpen: true);
        var stream = new HeapDumpStream(z, path, limits.MaxHeapDumpBytes);
        var parser = new HeapDumpParser(stream, limits, visitor);
        long length = parser.Run();
        if ((uint)length != isize)
            throw new InputException(path, $"gzip data is truncated or corrupt: decompressed {length} bytes, the trailer says {isize} (mod 2^32)");
        return new VisitResult(true, length, parser.Counts);
    }
}
