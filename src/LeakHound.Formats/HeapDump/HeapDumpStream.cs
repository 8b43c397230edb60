using LeakHound.Core;

namespace LeakHound.Formats.HeapDump;

/// <summary>
/// A forward reader over the uncompressed bytes of a heap dump, through one fixed buffer: the
/// dump is never held whole. Every failure names the source, the offset in the uncompressed
/// bytes and what was expected there. Blocks (object, frame and segment contents) that must be
/// looked at after their field list are copied into a scratch buffer that grows only as their
/// bytes actually arrive, so a corrupt length costs at most the data that is really there.
/// </summary>
internal sealed class HeapDumpStream
{
    private const int BufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly long _maxBytes;
    private readonly byte[] _buf = new byte[BufferSize];
    private int _pos;
    private int _len;
    private long _bufStart; // offset of _buf[0] in the uncompressed dump
    private bool _endOfStream;
    private byte[] _block = [];
    private byte[] _text = [];

    public HeapDumpStream(Stream stream, string source, long maxBytes)
    {
        _stream = stream;
        _source = source;
        _maxBytes = maxBytes;
    }

    public string Source => _source;

    /// <summary>The offset of the next byte in the uncompressed dump.</summary>
    public long Offset => _bufStart + _pos;

    /// <summary>Whether the dump has no more bytes.</summary>
    public bool AtEnd => _pos == _len && !Fill(1);

    public ulong ReadUvarint(string what)
    {
        if (_len - _pos >= 10)
        {
            // Fast path: the longest varint lies within the buffer.
            ulong result = 0;
            int shift = 0;
            int pos = _pos;
            var buf = _buf;
            while (true)
            {
                byte b = buf[pos++];
                if (shift == 63 && b > 1) throw Corrupt($"{what} is a varint longer than 64 bits");
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    _pos = pos;
                    return result;
                }
                shift += 7;
            }
        }
        return ReadUvarintSlow(what);
    }

    private ulong ReadUvarintSlow(string what)
    {
        long start = Offset;
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if (_pos == _len && !Fill(1)) throw TruncatedAt(start, what);
            byte b = _buf[_pos++];
            if (shift == 63 && b > 1) throw InputException.AtOffset(_source, start, $"{what} is a varint longer than 64 bits");
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
            shift += 7;
        }
    }

    public bool ReadBool(string what)
    {
        long at = Offset;
        ulong v = ReadUvarint(what);
        if (v > 1) throw InputException.AtOffset(_source, at, $"expected {what} (0 or 1), found {v}");
        return v == 1;
    }

    /// <summary>
    /// A length-prefixed string, valid until the next read: a slice of the buffer when it lies
    /// within it, else a copy.
    /// </summary>
    public ReadOnlySpan<byte> ReadString(string what, int maxBytes)
    {
        long at = Offset;
        ulong n = ReadUvarint(what);
        if (n > (ulong)maxBytes)
            throw InputException.AtOffset(_source, at, $"{what} of {n} bytes is over the limit of {maxBytes}");
        int length = (int)n;
        if (_len - _pos >= length || Fill(length))
        {
            var s = new ReadOnlySpan<byte>(_buf, _pos, length);
            _pos += length;
            return s;
        }
        return ReadInto(ref _text, length, what);
    }

    /// <summary>
    /// A length-prefixed block of contents, copied (it must outlive the reads of its field list);
    /// valid until the next call. <paramref name="contentOffset"/> is where its first byte is.
    /// </summary>
    public ReadOnlySpan<byte> ReadBlock(string what, int maxBytes, out long contentOffset)
    {
        long at = Offset;
        ulong n = ReadUvarint(what);
        if (n > (ulong)maxBytes)
            throw InputException.AtOffset(_source, at, $"{what} of {n} bytes is over the limit of {maxBytes}");
        contentOffset = Offset;
        return ReadInto(ref _block, (int)n, what);
    }

    /// <summary>Copies the next <paramref name="length"/> bytes into <paramref name="scratch"/>, growing it as they arrive.</summary>
    private ReadOnlySpan<byte> ReadInto(ref byte[] scratch, int length, string what)
    {
        long start = Offset;
        int done = 0;
        while (done < length)
        {
            if (_pos == _len && !Fill(1))
                throw InputException.AtOffset(_source, start,
                    $"expected {what} of {length} bytes, found {done} before the end of the data (the dump is truncated)");
            int n = Math.Min(length - done, _len - _pos);
            if (scratch.Length < done + n)
            {
                long grown = Math.Max((long)scratch.Length * 2, Math.Min(length, 1 << 16));
                Array.Resize(ref scratch, (int)Math.Min(Math.Max(grown, done + n), length));
            }
            Buffer.BlockCopy(_buf, _pos, scratch, done, n);
            _pos += n;
            done += n;
        }
        return new ReadOnlySpan<byte>(scratch, 0, length);
    }

    /// <summary>Reads the first bytes for the header check; fewer when the data is shorter.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        Fill(count);
        return new ReadOnlySpan<byte>(_buf, _pos, Math.Min(count, _len - _pos));
    }

    public void Skip(int count)
    {
        if (_len - _pos < count && !Fill(count)) throw TruncatedAt(Offset, $"{count} bytes");
        _pos += count;
    }

    public InputException Corrupt(string problem) => InputException.AtOffset(_source, Offset, problem);

    public InputException TruncatedAt(long offset, string what) =>
        InputException.AtOffset(_source, offset, $"expected {what}, found the end of the data (the dump is truncated)");

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes available from the current position (count at
    /// most the buffer size); false when the data ends first or the buffer cannot hold that many.
    /// </summary>
    private bool Fill(int count)
    {
        if (_len - _pos >= count) return true;
        if (_endOfStream || count > _buf.Length) return false;
        if (_pos > 0)
        {
            int keep = _len - _pos;
            Buffer.BlockCopy(_buf, _pos, _buf, 0, keep);
            _bufStart += _pos;
            _len = keep;
            _pos = 0;
        }
        while (_len < count)
        {
            int n;
            try
            {
                n = _stream.Read(_buf, _len, _buf.Length - _len);
            }
            catch (InvalidDataException e)
            {
                throw InputException.AtOffset(_source, _bufStart + _len, "gzip data is corrupt: " + e.Message);
            }
            catch (IOException e)
            {
                throw InputException.AtOffset(_source, _bufStart + _len, e.Message);
            }
            if (n == 0)
            {
                _endOfStream = true;
                return false;
            }
            _len += n;
            if (_bufStart + _len > _maxBytes)
                throw new InputException(_source, $"the heap dump is over the limit of {_maxBytes} uncompressed bytes");
        }
        return true;
    }
}
