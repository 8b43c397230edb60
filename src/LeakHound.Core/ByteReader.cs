namespace LeakHound.Core;

/// <summary>
/// A forward reader over a span of bytes with one bounds check per read. Every failure names the
/// source, the absolute offset and what was expected.
/// </summary>
public ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly string _source;
    private int _pos;

    public ByteReader(ReadOnlySpan<byte> data, string source, long baseOffset = 0)
    {
        _data = data;
        _source = source;
        _baseOffset = baseOffset;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _data.Length;
    public readonly int Position => _pos;
    public readonly int Remaining => _data.Length - _pos;
    public readonly long AbsoluteOffset => _baseOffset + _pos;
    public readonly string Source => _source;

    public ulong ReadVarint()
    {
        // Fast path: the whole varint lies within the span.
        ulong result = 0;
        int shift = 0;
        int pos = _pos;
        var data = _data;
        while (true)
        {
            if ((uint)pos >= (uint)data.Length)
                throw Fail("a varint, found the end of the data");
            byte b = data[pos++];
            if (shift == 63 && b > 1)
                throw Fail("a varint of at most 10 bytes");
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                break;
            shift += 7;
        }
        _pos = pos;
        return result;
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length < 0 || length > _data.Length - _pos)
            throw Fail($"{length} bytes, found {_data.Length - _pos}");
        var s = _data.Slice(_pos, length);
        _pos += length;
        return s;
    }

    public ulong ReadFixed64()
    {
        var b = ReadBytes(8);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public uint ReadFixed32()
    {
        var b = ReadBytes(4);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public void Skip(int length) => ReadBytes(length);

    /// <summary>A reader over the next <paramref name="length"/> bytes; this reader moves past them.</summary>
    public ByteReader Sub(int length)
    {
        long at = AbsoluteOffset;
        var s = ReadBytes(length);
        return new ByteReader(s, _source, at);
    }

    public readonly InputException Fail(string expected) =>
        InputException.AtOffset(_source, AbsoluteOffset, "expected " + expected);

    public readonly InputException Corrupt(string problem) =>
        InputException.AtOffset(_source, AbsoluteOffset, problem);
}
