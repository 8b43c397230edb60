using System.Buffers.Binary;
using System.IO.Compression;
using LeakHound.Core;

namespace LeakHound.Formats.Input;

/// <summary>
/// Reads a whole input into memory, decompressing gzip when the data starts with its magic. The
/// decompressed size is bounded by <see cref="Limits.MaxDecompressedBytes"/> before it is allocated,
/// and a gzip stream that ends early is reported (the framework's reader accepts a truncated one
/// silently, so the trailer's length field is checked).
/// </summary>
public static class InputBytes
{
    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    /// <summary>Reads a file (or "-" for standard input), gunzipped if needed.</summary>
    public static byte[] ReadFile(string path, Limits limits)
    {
        byte[] raw;
        try
        {
            if (path == "-")
            {
                using var stdin = Console.OpenStandardInput();
                raw = ReadAll(stdin, "standard input", limits.MaxDecompressedBytes);
            }
            else
            {
                var info = new FileInfo(path);
                if (!info.Exists) throw new InputException(path, Directory.Exists(path) ? "is a directory, not a profile" : "no such file");
                if (info.Length > limits.MaxDecompressedBytes)
                    throw new InputException(path, $"file of {info.Length} bytes is over the limit of {limits.MaxDecompressedBytes}");
                raw = File.ReadAllBytes(path);
            }
        }
        catch (IOException e)
        {
            throw new InputException(path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException(path, e.Message);
        }
        return IsGzip(raw) ? Gunzip(raw, path, limits) : raw;
    }

    public static byte[] Gunzip(byte[] gz, string source, Limits limits)
    {
        if (gz.Length < 18) throw new InputException(source, $"gzip data is truncated: {gz.Length} bytes is shorter than a gzip header and trailer");
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 4));
        long hint = Math.Min(isize, limits.MaxDecompressedBytes);
        byte[] output;
        int length;
        try
        {
            using var z = new GZipStream(new MemoryStream(gz, writable: false), CompressionMode.Decompress);
            (output, length) = ReadInto(z, (int)Math.Min(Math.Max(hint, 4096), Array.MaxLength - 1) + 1, source, limits.MaxDecompressedBytes);
        }
        catch (InvalidDataException e)
        {
            throw new InputException(source, "gzip data is corrupt: " + e.Message);
        }
        if ((uint)length != isize)
            throw new InputException(source, $"gzip data is truncated or corrupt: decompressed {length} bytes, the trailer says {isize}");
        if (output.Length != length) Array.Resize(ref output, length);
        return output;
    }

    private static byte[] ReadAll(Stream s, string source, long max)
    {
        var (buf, len) = ReadInto(s, 1 << 16, source, max);
        Array.Resize(ref buf, len);
        return buf;
    }

    private static (byte[] Buffer, int Length) ReadInto(Stream s, int initial, string source, long max)
    {
        var buf = new byte[initial];
        int len = 0;
        while (true)
        {
            if (len == buf.Length)
            {
                long next = Math.Min((long)buf.Length * 2, Array.MaxLength);
                if (len >= max || next <= len)
                    throw new InputException(source, $"decompressed data is over the limit of {max} bytes");
                Array.Resize(ref buf, (int)Math.Min(next, max + 1));
            }
            int n = s.Read(buf, len, buf.Length - len);
            if (n == 0) break;
            len += n;
            if (len > max) throw new InputException(source, $"decompressed data is over the limit of {max} bytes");
        }
        return (buf, len);
    }
}
