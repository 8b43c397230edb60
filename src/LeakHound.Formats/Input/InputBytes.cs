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
        try
        {
            if (path == "-")
            {
                using var stdin = Console.OpenStandardInput();
                var raw = ReadAll(stdin, "standard input", limits.MaxDecompressedBytes);
                return IsGzip(raw) ? Gunzip(raw, "standard input", limits) : raw;
            }
            if (Directory.Exists(path)) throw new InputException(path, "is a directory, not a profile");
            if (!File.Exists(path)) throw new InputException(path, "no such file");
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            long length = fs.Length;
            Span<byte> magic = stackalloc byte[2];
            int got = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            fs.Position = 0;
            if (got == 2 && IsGzip(magic))
                return GunzipStream(fs, length, path, limits);
            if (length > limits.MaxDecompressedBytes)
                throw new InputException(path, $"file of {length} bytes is over the limit of {limits.MaxDecompressedBytes}");
            var data = new byte[length];
            fs.ReadExactly(data);
            return data;
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

    /// <summary>Gunzips straight from the file, so the compressed bytes are never held whole.</summary>
    private static byte[] GunzipStream(FileStream fs, long length, string source, Limits limits, Action<byte[], int>? progress = null)
    {
        if (length < 18) throw new InputException(source, $"gzip data is truncated: {length} bytes is shorter than a gzip header and trailer");
        Span<byte> trailer = stackalloc byte[4];
        fs.Position = length - 4;
        fs.ReadExactly(trailer);
        fs.Position = 0;
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        return Decompress(fs, isize, source, limits, progress);
    }

    /// <summary>
    /// For a gzipped file (not standard input), starts gunzipping it on another thread and returns
    /// the bytes as they arrive, so a reader can work through them meanwhile; null for any other
    /// input (then use <see cref="ReadFile"/>). The bytes, their limits and errors are exactly
    /// those of <see cref="ReadFile"/>.
    /// </summary>
    public static ArrivingBytes? GunzipAsItArrives(string path, Limits limits)
    {
        if (path == "-" || !File.Exists(path)) return null;
        FileStream? fs = null;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            long length = fs.Length;
            Span<byte> magic = stackalloc byte[2];
            if (length < 18 || fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false) != 2 || !IsGzip(magic))
            {
                fs.Dispose();
                return null;
            }
            var opened = fs;
            fs = null;
            return new ArrivingBytes(progress =>
            {
                using (opened)
                {
                    try
                    {
                        return GunzipStream(opened, length, path, limits, progress);
                    }
                    catch (IOException e)
                    {
                        throw new InputException(path, e.Message);
                    }
                }
            });
        }
        catch (IOException)
        {
            fs?.Dispose();
            return null; // ReadFile reports it
        }
        catch (UnauthorizedAccessException)
        {
            fs?.Dispose();
            return null;
        }
    }

    public static byte[] Gunzip(byte[] gz, string source, Limits limits)
    {
        if (gz.Length < 18) throw new InputException(source, $"gzip data is truncated: {gz.Length} bytes is shorter than a gzip header and trailer");
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 4));
        return Decompress(new MemoryStream(gz, writable: false), isize, source, limits);
    }

    /// <summary>
    /// Decompresses into one buffer sized by the trailer's length (mod 2^32, so only a hint, capped
    /// by the limit), then checks that length: a truncated stream decompresses "successfully" to
    /// fewer bytes than its trailer would say, and a stream cut inside the trailer has no true one.
    /// </summary>
    private static byte[] Decompress(Stream compressed, uint isize, string source, Limits limits, Action<byte[], int>? progress = null)
    {
        long hint = Math.Min(isize, limits.MaxDecompressedBytes);
        byte[] output;
        int length;
        try
        {
            using var z = new GZipStream(compressed, CompressionMode.Decompress);
            (output, length) = ReadInto(z, (int)Math.Min(Math.Max(hint, 1), Array.MaxLength), source, limits.MaxDecompressedBytes, progress);
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

    /// <summary>
    /// Reads the stream to its end into a buffer of <paramref name="initial"/> bytes, grown by doubling
    /// only if the data is longer; a buffer filled exactly is probed with one byte instead of being
    /// grown, so a right size hint costs no copy.
    /// </summary>
    /// <param name="progress">Told of the buffer and how much of it is filled after each read, or null.</param>
    private static (byte[] Buffer, int Length) ReadInto(Stream s, int initial, string source, long max, Action<byte[], int>? progress = null)
    {
        var buf = new byte[Math.Max(1, initial)];
        int len = 0;
        Span<byte> probe = stackalloc byte[1];
        while (true)
        {
            if (len == buf.Length)
            {
                int extra = s.Read(probe);
                if (extra == 0) break;
                long next = Math.Min((long)buf.Length * 2, Array.MaxLength);
                if (len >= max || next <= len)
                    throw new InputException(source, $"decompressed data is over the limit of {max} bytes");
                Array.Resize(ref buf, (int)Math.Min(next, max + 1));
                buf[len++] = probe[0];
            }
            int n = s.Read(buf, len, buf.Length - len);
            if (n == 0) break;
            len += n;
            if (len > max) throw new InputException(source, $"decompressed data is over the limit of {max} bytes");
            progress?.Invoke(buf, len);
        }
        return (buf, len);
    }
}
