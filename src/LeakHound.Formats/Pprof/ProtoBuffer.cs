namespace LeakHound.Formats.Pprof;

/// <summary>A growable byte buffer with the protobuf wire primitives the profile writer needs.</summary>
internal sealed class ProtoBuffer(int capacity = 256)
{
    private byte[] _data = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Varint(ulong v)
    {
        Ensure(10);
        while (v >= 0x80)
        {
            _data[Length++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _data[Length++] = (byte)v;
    }

    public void Tag(int field, int wire) => Varint(((ulong)field << 3) | (uint)wire);

    /// <summary>A varint field, omitted when zero (proto3 default).</summary>
    public void Int64Opt(int field, long v)
    {
        if (v == 0) return;
        Tag(field, 0);
        Varint((ulong)v);
    }

    public void Int64(int field, long v)
    {
        Tag(field, 0);
        Varint((ulong)v);
    }

    public void BoolOpt(int field, bool v)
    {
        if (!v) return;
        Tag(field, 0);
        Varint(1);
    }

    public void Bytes(int field, ReadOnlySpan<byte> bytes)
    {
        Tag(field, 2);
        Varint((ulong)bytes.Length);
        Raw(bytes);
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_data.AsSpan(Length));
        Length += bytes.Length;
    }

    private void Ensure(int extra)
    {
        if (Length + extra <= _data.Length) return;
        long size = Math.Max((long)_data.Length * 2, (long)Length + extra);
        if (size > Array.MaxLength) size = Math.Max(Length + extra, Array.MaxLength);
        Array.Resize(ref _data, (int)size);
    }
}
