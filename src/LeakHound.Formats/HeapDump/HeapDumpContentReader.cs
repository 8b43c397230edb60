using System.IO.Compression;
using LeakHound.Core;
using LeakHound.Formats.Input;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// Reads contents back from a heap dump file by their offset in the uncompressed dump (the
/// model's ContentOffset columns): a plain dump by seeking, a gzipped one by decompressing again
/// from the start up to the offset (gzip cannot seek), so several ranges are best read in one call.
/// </summary>
public static class HeapDumpContentReader
{
    /// <summary>The bytes of each (offset, length) range, in the order given.</summary>
    public static byte[][] Read(string path, IReadOnlyList<(long Offset, int Length)> ranges, Limits limits)
    {
        var result = new byte[ranges.Count][];
        var order = Enumerable.Range(0, ranges.Count).OrderBy(i => ranges[i].Offset).ToArray();
        FileStream? fs = null;
        Stream? s = null;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Span<byte> magic = stackalloc byte[2];
            int got = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            bool gzipped = got == 2 && InputBytes.IsGzip(magic);
            long position = long.MaxValue; // forces a (re)start
            var skip = new byte[1 << 16];
            foreach (int i in order)
            {
                var (offset, length) = ranges[i];
                if (offset < 0 || length < 0 || length > limits.MaxHeapDumpRecordBytes)
                    throw new InputException(path, $"cannot read {length} bytes at offset {offset}");
                if (!gzipped)
                {
                    s = fs;
                    position = fs.Position = offset;
                }
                else if (position > offset)
                {
                    // Ranges that overlap the one before: decompress again from the start.
                    s?.Dispose();
                    fs.Position = 0;
                    s = new GZipStream(fs, CompressionMode.Decompress, leaveOpen: true);
                    position = 0;
                }
                while (position < offset)
                {
                    int n = s!.Read(skip, 0, (int)Math.Min(skip.Length, offset - position));
                    if (n == 0) throw InputException.AtOffset(path, position, $"expected contents at offset {offset}, found the end of the data");
                    position += n;
                }
                var bytes = new byte[length];
                int read = s!.ReadAtLeast(bytes, length, throwOnEndOfStream: false);
                if (read < length) throw InputException.AtOffset(path, offset + read, $"expected {length} bytes of contents at offset {offset}, found the end of the data");
                position += length;
                result[i] = bytes;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InputException(path, "gzip data is corrupt: " + e.Message);
        }
        catch (IOException e)
        {
            throw new InputException(path, e.Message);
        }
        finally
        {
            if (s != fs) s?.Dispose();
            fs?.Dispose();
        }
        return result;
    }
}
