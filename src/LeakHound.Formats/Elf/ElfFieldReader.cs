using System.Buffers.Binary;
using LeakHound.Core;

namespace LeakHound.Formats.Elf;

/// <summary>
/// Reads the fixed-size fields of one ELF structure (a header, a section header, a symbol) in the
/// file's byte order and class: <see cref="Word"/> is 4 bytes in ELF32 and 8 in ELF64. The caller
/// has already checked that the whole structure lies within the bytes, so a read past them is a bug
/// in LeakHound, not bad input; failures it reports name the structure's file offset.
/// </summary>
internal ref struct ElfFieldReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _bigEndian;
    private readonly bool _is64;
    private int _pos;

    public ElfFieldReader(ReadOnlySpan<byte> data, bool bigEndian, bool is64)
    {
        _data = data;
        _bigEndian = bigEndian;
        _is64 = is64;
        _pos = 0;
    }

    public byte U8() => _data[_pos++];

    public ushort U16()
    {
        var b = _data.Slice(_pos, 2);
        _pos += 2;
        return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    public uint U32()
    {
        var b = _data.Slice(_pos, 4);
        _pos += 4;
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public ulong U64()
    {
        var b = _data.Slice(_pos, 8);
        _pos += 8;
        return _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>An address, offset or size: 4 bytes in ELF32, 8 in ELF64.</summary>
    public ulong Word() => _is64 ? U64() : U32();

    public void Skip(int bytes) => _pos += bytes;
}
