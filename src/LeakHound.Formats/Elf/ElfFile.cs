using System.Text;
using LeakHound.Core;
using Microsoft.Win32.SafeHandles;

namespace LeakHound.Formats.Elf;

/// <summary>
/// An ELF file (ELF32 or ELF64, either byte order): the file header and the section headers, read
/// when opened; section contents are read on request, each range checked against the file's length
/// and <see cref="Core.Limits.MaxElfSectionBytes"/> first. Program headers, relocations and DWARF are
/// not read (docs/formats/elf.md). Opened from a path, the file stays open until disposed and only
/// the requested parts are read; parsed from bytes, nothing needs disposing.
/// </summary>
public sealed class ElfFile : IDisposable
{
    private static ReadOnlySpan<byte> Magic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    private readonly byte[]? _data;
    private readonly SafeFileHandle? _file;

    private ElfFile(string source, long length, byte[]? data, SafeFileHandle? file, Limits limits)
    {
        Source = source;
        Length = length;
        _data = data;
        _file = file;
        Limits = limits;
        Sections = [];
    }

    /// <summary>The path or name used in error messages.</summary>
    public string Source { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    public Limits Limits { get; }
    public bool Is64 { get; private set; }
    public bool IsBigEndian { get; private set; }

    /// <summary>e_type: 2 an executable, 3 a shared object or position-independent executable, 1 relocatable, 4 a core file.</summary>
    public ushort FileType { get; private set; }

    /// <summary>e_machine: 3 x86, 62 x86-64, 40 ARM, 183 AArch64, 8 MIPS, 21 PowerPC64, 22 s390, 243 RISC-V.</summary>
    public ushort Machine { get; private set; }

    public ulong Entry { get; private set; }

    /// <summary>The section headers in file order; index 0 is the null section.</summary>
    public IReadOnlyList<ElfSection> Sections { get; private set; }

    /// <summary>The size of a pointer in the program: 8 bytes in ELF64, 4 in ELF32.</summary>
    public int PointerSize => Is64 ? 8 : 4;

    /// <summary>Opens an ELF file and reads its headers; bad input raises <see cref="InputException"/>.</summary>
    public static ElfFile Open(string path, Limits limits)
    {
        if (Directory.Exists(path)) throw new InputException(path, "is a directory, not an ELF file");
        if (!File.Exists(path)) throw new InputException(path, "no such file");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, e.Message);
        }
        var elf = new ElfFile(path, RandomAccess.GetLength(handle), null, handle, limits);
        try
        {
            elf.ReadHeaders();
            return elf;
        }
        catch
        {
            elf.Dispose();
            throw;
        }
    }

    /// <summary>Reads the headers of an ELF file held in memory.</summary>
    public static ElfFile Parse(byte[] data, string source, Limits limits)
    {
        var elf = new ElfFile(source, data.Length, data, null, limits);
        elf.ReadHeaders();
        return elf;
    }

    public void Dispose() => _file?.Dispose();

    /// <summary>The index of the first section with this name, or -1.</summary>
    public int FindSection(string name)
    {
        for (int i = 0; i < Sections.Count; i++)
            if (Sections[i].Name == name) return i;
        return -1;
    }

    /// <summary>The index of the first section of this type, or -1.</summary>
    public int FindSection(ElfSectionType type)
    {
        for (int i = 0; i < Sections.Count; i++)
            if (Sections[i].Type == type) return i;
        return -1;
    }

    /// <summary>The bytes of a section (none for a NoBits section), checked against the file and the limits.</summary>
    public byte[] ReadSection(int index)
    {
        var s = Sections[index];
        if (!s.HasFileBytes) return [];
        return ReadRange(s.Offset, s.Size, $"section {index} ({DisplayName(s)})");
    }

    /// <summary>
    /// <paramref name="length"/> bytes of the program's memory at <paramref name="address"/>, from the
    /// loaded section holding them; null when no section with bytes in the file holds all of them.
    /// </summary>
    public byte[]? ReadMemory(ulong address, int length)
    {
        foreach (var s in Sections)
        {
            if (!s.HasFileBytes || !s.ContainsAddress(address)) continue;
            ulong within = address - s.Address;
            if ((ulong)length > s.Size - within) return null;
            return ReadRange(s.Offset + within, (ulong)length, $"{length} bytes at address 0x{address:x} in {DisplayName(s)}");
        }
        return null;
    }

    /// <summary>The Go build ID from the .note.go.buildid note, or null when there is none.</summary>
    public string? GoBuildId()
    {
        int index = FindSection(".note.go.buildid");
        if (index < 0 || Sections[index].Type != ElfSectionType.Note) return null;
        var data = ReadSection(index);
        int pos = 0;
        while (data.Length - pos >= 12)
        {
            var f = new ElfFieldReader(data.AsSpan(pos), IsBigEndian, Is64);
            uint nameSize = f.U32(), descSize = f.U32(), type = f.U32();
            long nameEnd = pos + 12L + nameSize, descStart = pos + 12L + Align4(nameSize), descEnd = descStart + descSize;
            if (descEnd > data.Length || nameEnd > data.Length)
                throw InputException.AtOffset(Source, (long)Sections[index].Offset + pos,
                    $"note of {nameSize}+{descSize} bytes runs past the end of .note.go.buildid ({data.Length} bytes)");
            var name = data.AsSpan(pos + 12, (int)nameSize).TrimEnd((byte)0);
            if (type == 4 && name.SequenceEqual("Go"u8))
                return Encoding.UTF8.GetString(data, (int)descStart, (int)descSize);
            pos = (int)(descStart + Align4(descSize));
        }
        return null;
    }

    /// <summary>
    /// Reads a checked range of the file: within its length and under the section limit (the header
    /// table is bounded by the section count limit instead).
    /// </summary>
    internal byte[] ReadRange(ulong offset, ulong length, string what, bool headers = false)
    {
        if (!headers && length > (ulong)Limits.MaxElfSectionBytes)
            throw InputException.AtOffset(Source, (long)Math.Min(offset, (ulong)long.MaxValue),
                $"{what} of {length} bytes is over the limit of {Limits.MaxElfSectionBytes}");
        if (offset > (ulong)Length || length > (ulong)Length - offset)
            throw InputException.AtOffset(Source, (long)Math.Min(offset, (ulong)long.MaxValue),
                $"{what} ({length} bytes) runs past the end of the file ({Length} bytes)");
        var buffer = new byte[length];
        if (_data is not null)
        {
            Array.Copy(_data, (long)offset, buffer, 0, (long)length);
            return buffer;
        }
        try
        {
            int done = 0;
            while (done < buffer.Length)
            {
                int n = RandomAccess.Read(_file!, buffer.AsSpan(done), (long)offset + done);
                if (n == 0) throw InputException.AtOffset(Source, (long)offset + done, "the file ended early (was it changed while being read?)");
                done += n;
            }
        }
        catch (IOException e)
        {
            throw new InputException(Source, e.Message);
        }
        return buffer;
    }

    internal static string DisplayName(ElfSection s) => s.Name.Length > 0 ? s.Name : "unnamed";

    private static long Align4(uint n) => (n + 3L) & ~3L;

    private void ReadHeaders()
    {
        var ident = ReadHeaderBytes(0, (int)Math.Min(Length, 16));
        if (ident.Length < 4 || !ident.AsSpan(0, 4).SequenceEqual(Magic))
            throw InputException.AtOffset(Source, 0, "not an ELF file: expected the magic bytes 7f 45 4c 46");
        if (ident.Length < 16)
            throw InputException.AtOffset(Source, ident.Length, $"truncated ELF header: expected 16 identification bytes, the file has {Length}");
        Is64 = ident[4] switch
        {
            1 => false,
            2 => true,
            _ => throw InputException.AtOffset(Source, 4, $"expected ELF class 1 (32-bit) or 2 (64-bit), found {ident[4]}"),
        };
        IsBigEndian = ident[5] switch
        {
            1 => false,
            2 => true,
            _ => throw InputException.AtOffset(Source, 5, $"expected ELF data encoding 1 (little-endian) or 2 (big-endian), found {ident[5]}"),
        };
        if (ident[6] != 1) throw InputException.AtOffset(Source, 6, $"expected ELF version 1, found {ident[6]}");

        int headerSize = Is64 ? 64 : 52;
        if (Length < headerSize)
            throw InputException.AtOffset(Source, Length, $"truncated ELF header: expected {headerSize} bytes, the file has {Length}");
        var header = ReadHeaderBytes(0, headerSize);
        var f = new ElfFieldReader(header, IsBigEndian, Is64);
        f.Skip(16);
        FileType = f.U16();
        Machine = f.U16();
        f.U32(); // e_version
        Entry = f.Word();
        f.Word(); // e_phoff
        ulong shoff = f.Word();
        f.U32(); // e_flags
        f.U16(); // e_ehsize
        f.U16(); // e_phentsize
        f.U16(); // e_phnum
        int shentsizeAt = headerSize - 6;
        ushort shentsize = f.U16();
        ulong shnum = f.U16();
        uint shstrndx = f.U16();
        if (shoff == 0)
        {
            Sections = [];
            return;
        }
        int expectedEntry = Is64 ? 64 : 40;
        if (shentsize != expectedEntry)
            throw InputException.AtOffset(Source, shentsizeAt, $"expected section header size {expectedEntry}, found {shentsize}");
        if (shoff > (ulong)Length || (ulong)Length - shoff < (ulong)expectedEntry)
            throw InputException.AtOffset(Source, Is64 ? 40 : 32, $"section header table offset {shoff} is past the end of the file ({Length} bytes)");
        // Extended numbering: with 0xff00 or more sections the counts live in section 0's header.
        var first = ParseSection(ReadHeaderBytes(shoff, expectedEntry), "");
        if (shnum == 0) shnum = first.Size;
        if (shstrndx == 0xffff) shstrndx = first.Link;
        if (shnum > (ulong)Limits.MaxElfSections)
            throw InputException.AtOffset(Source, (long)shoff, $"{shnum} section headers is over the limit of {Limits.MaxElfSections}");
        ulong tableBytes = shnum * (ulong)expectedEntry;
        if (tableBytes > (ulong)Length - shoff)
            throw InputException.AtOffset(Source, (long)shoff, $"section header table ({shnum} headers of {expectedEntry} bytes) runs past the end of the file ({Length} bytes)");
        if (shstrndx >= shnum)
            throw InputException.AtOffset(Source, headerSize - 2, $"section name table index {shstrndx} is not below the section count {shnum}");

        var table = ReadHeaderBytes(shoff, (int)tableBytes);
        var raw = new ElfSection[shnum];
        var nameIndex = new uint[shnum];
        for (int i = 0; i < raw.Length; i++)
        {
            var span = table.AsSpan(i * expectedEntry, expectedEntry);
            nameIndex[i] = new ElfFieldReader(span, IsBigEndian, Is64).U32();
            raw[i] = ParseSection(span, "");
        }
        Sections = raw; // names are read from a section, so the unnamed headers come first
        byte[] names = shstrndx == 0 ? [] : ReadSection((int)shstrndx);
        for (int i = 0; i < raw.Length; i++)
        {
            if (nameIndex[i] == 0 && names.Length == 0) continue;
            raw[i] = raw[i] with { Name = ElfStrings.Get(names, nameIndex[i], Source, (long)shoff + (long)i * expectedEntry, "section name") };
        }
        Sections = raw;
    }

    private ElfSection ParseSection(ReadOnlySpan<byte> bytes, string name)
    {
        var f = new ElfFieldReader(bytes, IsBigEndian, Is64);
        f.U32(); // sh_name, resolved once the name table is read
        var type = (ElfSectionType)f.U32();
        var flags = (ElfSectionFlags)f.Word();
        ulong address = f.Word(), offset = f.Word(), size = f.Word();
        uint link = f.U32(), info = f.U32();
        f.Word(); // sh_addralign
        ulong entrySize = f.Word();
        return new ElfSection(name, type, flags, address, offset, size, link, info, entrySize);
    }

    private byte[] ReadHeaderBytes(ulong offset, int length) => ReadRange(offset, (ulong)length, "ELF headers", headers: true);
}
