using System.Buffers.Binary;
using System.Text;

namespace LeakHound.Tests.Elf;

/// <summary>
/// Writes small ELF files of either class and byte order, field by field from the ELF
/// specification (independently of the reader), so tests know every symbol and every offset:
/// sections [1] .text (AX, 0x1000), [2] .rodata (A, 0x2000), [3] .data (WA, 0x3000), [4] .bss
/// (NOBITS WA, 0x4000), [5] .symtab, [6] .strtab, [7] .shstrtab, [8] .note.go.buildid.
/// </summary>
public sealed class TestElfWriter(bool is64, bool bigEndian)
{
    public readonly record struct Symbol(string Name, ulong Value, ulong Size, byte Type, byte Binding, ushort Section);

    public List<Symbol> Symbols { get; } = [];
    public string BuildId { get; set; } = "abc/def";
    /// <summary>Bytes of .data (its size is this array's length).</summary>
    public byte[] Data { get; set; } = new byte[64];
    public byte[] Rodata { get; set; } = new byte[64];

    // Where things landed in the last Build (for tests that corrupt them).
    public int SectionHeaderOffset { get; private set; }
    public int SymtabOffset { get; private set; }
    public int StrtabOffset { get; private set; }
    public int StrtabSize { get; private set; }
    public int HeaderSize => is64 ? 64 : 52;
    public int SectionHeaderSize => is64 ? 64 : 40;
    public int SymbolSize => is64 ? 24 : 16;

    public TestElfWriter Add(string name, ulong value, ulong size, byte type, ushort section, byte binding = 1)
    {
        Symbols.Add(new Symbol(name, value, size, type, binding, section));
        return this;
    }

    public byte[] Build()
    {
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var nameOffsets = new List<int>();
        foreach (var s in Symbols)
        {
            nameOffsets.Add((int)strtab.Length);
            strtab.Write(Encoding.UTF8.GetBytes(s.Name));
            strtab.WriteByte(0);
        }
        var symtab = new MemoryStream();
        WriteSymbol(symtab, 0, 0, 0, 0, 0, 0); // the null symbol
        for (int i = 0; i < Symbols.Count; i++)
        {
            var s = Symbols[i];
            WriteSymbol(symtab, (uint)nameOffsets[i], s.Value, s.Size, (byte)((s.Binding << 4) | s.Type), s.Section, 0);
        }
        string[] names = ["", ".text", ".rodata", ".data", ".bss", ".symtab", ".strtab", ".shstrtab", ".note.go.buildid"];
        var shstrtab = new MemoryStream();
        var shName = new List<int>();
        foreach (var n in names)
        {
            shName.Add((int)shstrtab.Length);
            shstrtab.Write(Encoding.ASCII.GetBytes(n));
            shstrtab.WriteByte(0);
        }
        var note = new MemoryStream();
        var id = Encoding.ASCII.GetBytes(BuildId);
        WriteU32(note, 4);
        WriteU32(note, (uint)id.Length);
        WriteU32(note, 4);
        note.Write("Go\0\0"u8);
        note.Write(id);
        while (note.Length % 4 != 0) note.WriteByte(0);

        var file = new MemoryStream();
        file.Write(new byte[HeaderSize]);
        byte[] text = new byte[32];
        var contents = new (byte[] Bytes, int Offset)[names.Length];
        byte[][] parts = [[], text, Rodata, Data, [], symtab.ToArray(), strtab.ToArray(), shstrtab.ToArray(), note.ToArray()];
        for (int i = 1; i < parts.Length; i++)
        {
            while (file.Length % 8 != 0) file.WriteByte(0);
            contents[i] = (parts[i], (int)file.Length);
            file.Write(parts[i]);
        }
        SymtabOffset = contents[5].Offset;
        StrtabOffset = contents[6].Offset;
        StrtabSize = parts[6].Length;
        while (file.Length % 8 != 0) file.WriteByte(0);
        SectionHeaderOffset = (int)file.Length;
        // name, type, flags, addr, offset, size, link, info, align, entsize
        WriteSection(file, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        WriteSection(file, shName[1], 1, 0x6, 0x1000, contents[1].Offset, text.Length, 0, 0, 16, 0);
        WriteSection(file, shName[2], 1, 0x2, 0x2000, contents[2].Offset, Rodata.Length, 0, 0, 8, 0);
        WriteSection(file, shName[3], 1, 0x3, 0x3000, contents[3].Offset, Data.Length, 0, 0, 8, 0);
        WriteSection(file, shName[4], 8, 0x3, 0x4000, contents[4].Offset, 0x100, 0, 0, 8, 0);
        WriteSection(file, shName[5], 2, 0, 0, contents[5].Offset, parts[5].Length, 6, 1, 8, (ulong)SymbolSize);
        WriteSection(file, shName[6], 3, 0, 0, contents[6].Offset, parts[6].Length, 0, 0, 1, 0);
        WriteSection(file, shName[7], 3, 0, 0, contents[7].Offset, parts[7].Length, 0, 0, 1, 0);
        WriteSection(file, shName[8], 7, 0x2, 0x500, contents[8].Offset, parts[8].Length, 0, 0, 4, 0);

        var bytes = file.ToArray();
        var h = new MemoryStream();
        h.Write([0x7f, (byte)'E', (byte)'L', (byte)'F', (byte)(is64 ? 2 : 1), (byte)(bigEndian ? 2 : 1), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        WriteU16(h, 2);                         // e_type: executable
        WriteU16(h, (ushort)(is64 ? 62 : 3));   // e_machine
        WriteU32(h, 1);                         // e_version
        WriteWord(h, 0x1000);                   // e_entry
        WriteWord(h, 0);                        // e_phoff
        WriteWord(h, (ulong)SectionHeaderOffset);
        WriteU32(h, 0);                         // e_flags
        WriteU16(h, (ushort)HeaderSize);
        WriteU16(h, 0);                         // e_phentsize
        WriteU16(h, 0);                         // e_phnum
        WriteU16(h, (ushort)SectionHeaderSize);
        WriteU16(h, (ushort)names.Length);
        WriteU16(h, 7);                         // e_shstrndx
        h.ToArray().CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>Writes a field of the ELF header or a section header in place, in the file's byte order.</summary>
    public void Patch(byte[] file, int offset, ulong value, int width)
    {
        var span = file.AsSpan(offset, width);
        switch (width)
        {
            case 2: if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value); else BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); break;
            case 4: if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value); else BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); break;
            case 8: if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(span, value); else BinaryPrimitives.WriteUInt64LittleEndian(span, value); break;
            default: throw new ArgumentException("width");
        }
    }

    /// <summary>The file offset of section <paramref name="index"/>'s sh_size field.</summary>
    public int SectionSizeField(int index) => SectionHeaderOffset + index * SectionHeaderSize + (is64 ? 32 : 20);

    /// <summary>The file offset of section <paramref name="index"/>'s sh_offset field.</summary>
    public int SectionOffsetField(int index) => SectionHeaderOffset + index * SectionHeaderSize + (is64 ? 24 : 16);

    public int WordSize => is64 ? 8 : 4;

    private void WriteSymbol(Stream s, uint name, ulong value, ulong size, byte info, ushort shndx, byte other)
    {
        WriteU32(s, name);
        if (is64)
        {
            s.WriteByte(info);
            s.WriteByte(other);
            WriteU16(s, shndx);
            WriteU64(s, value);
            WriteU64(s, size);
        }
        else
        {
            WriteU32(s, (uint)value);
            WriteU32(s, (uint)size);
            s.WriteByte(info);
            s.WriteByte(other);
            WriteU16(s, shndx);
        }
    }

    private void WriteSection(Stream s, int name, uint type, ulong flags, ulong addr, int offset, int size, uint link, uint info, ulong align, ulong entsize)
    {
        WriteU32(s, (uint)name);
        WriteU32(s, type);
        WriteWord(s, flags);
        WriteWord(s, addr);
        WriteWord(s, (ulong)offset);
        WriteWord(s, (ulong)size);
        WriteU32(s, link);
        WriteU32(s, info);
        WriteWord(s, align);
        WriteWord(s, entsize);
    }

    private void WriteWord(Stream s, ulong v)
    {
        if (is64) WriteU64(s, v);
        else WriteU32(s, (uint)v);
    }

    private void WriteU16(Stream s, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        s.Write(b);
    }

    private void WriteU32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }

    private void WriteU64(Stream s, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(b, v); else BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        s.Write(b);
    }
}
