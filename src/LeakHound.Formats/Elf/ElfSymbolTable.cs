using System.Text;
using LeakHound.Core;

namespace LeakHound.Formats.Elf;

/// <summary>
/// The symbols of one ELF symbol table (.symtab or .dynsym), sorted by address (ties in table
/// order), held column-wise with names as indices into the string table, decoded when asked.
/// The table's first entry (the all-zero null symbol) is left out, as Go's debug/elf does.
/// <see cref="Lookup"/> finds the symbol whose [address, address + size) holds an address: a Go
/// global from an address inside it, a function from a program counter.
/// </summary>
public sealed class ElfSymbolTable
{
    private readonly byte[] _strings;
    private readonly ulong[] _address;
    private readonly ulong[] _size;
    private readonly uint[] _name;
    private readonly byte[] _info;
    private readonly ElfSymbolKind[] _kind;
    private readonly int[] _section;
    // The symbols Lookup considers (sized, in a loaded section, not section/file/TLS symbols), by
    // position in address order, and the greatest end of any of them up to each position.
    private readonly int[] _lookup;
    private readonly ulong[] _lookupMaxEnd;

    private ElfSymbolTable(string? tableName, byte[] strings, ulong[] address, ulong[] size, uint[] name,
        byte[] info, ElfSymbolKind[] kind, int[] section)
    {
        TableName = tableName;
        _strings = strings;
        _address = address;
        _size = size;
        _name = name;
        _info = info;
        _kind = kind;
        _section = section;
        (_lookup, _lookupMaxEnd) = BuildLookup();
    }

    /// <summary>The name of the section read (".symtab", ".dynsym"); null when the file has no symbol table.</summary>
    public string? TableName { get; }

    public int Count => _address.Length;

    public ElfSymbol this[int i] => new(Name(i), _address[i], _size[i], _kind[i], Type(i), Binding(i), _section[i]);

    public string Name(int i) => Encoding.UTF8.GetString(NameBytes(i));
    public ReadOnlySpan<byte> NameBytes(int i) => _strings.AsSpan((int)_name[i], Array.IndexOf(_strings, (byte)0, (int)_name[i]) - (int)_name[i]);
    public ulong Address(int i) => _address[i];
    public ulong Size(int i) => _size[i];
    public ElfSymbolKind Kind(int i) => _kind[i];
    public ElfSymbolType Type(int i) => (ElfSymbolType)(_info[i] & 0xf);
    public ElfSymbolBinding Binding(int i) => (ElfSymbolBinding)(_info[i] >> 4);
    public int SectionIndex(int i) => _section[i];

    /// <summary>Reads the symbols of an ELF file and its headers from <paramref name="path"/>.</summary>
    public static ElfSymbolTable ReadFile(string path, Limits limits, ElfSymbolSource which = ElfSymbolSource.Best)
    {
        using var elf = ElfFile.Open(path, limits);
        return Read(elf, which);
    }

    /// <summary>
    /// Reads a symbol table and its string table. A file without the requested table gives an empty
    /// table (<see cref="TableName"/> null); a malformed one raises <see cref="InputException"/>.
    /// </summary>
    public static ElfSymbolTable Read(ElfFile elf, ElfSymbolSource which = ElfSymbolSource.Best)
    {
        int index = which switch
        {
            ElfSymbolSource.SymbolTable => elf.FindSection(ElfSectionType.SymbolTable),
            ElfSymbolSource.DynamicSymbols => elf.FindSection(ElfSectionType.DynamicSymbols),
            _ => elf.FindSection(ElfSectionType.SymbolTable) is >= 0 and var s ? s : elf.FindSection(ElfSectionType.DynamicSymbols),
        };
        if (index < 0) return new ElfSymbolTable(null, [], [], [], [], [], [], []);
        var table = elf.Sections[index];
        string what = $"symbol table {ElfFile.DisplayName(table)}";
        int entrySize = elf.Is64 ? 24 : 16;
        if (table.EntrySize != 0 && table.EntrySize != (ulong)entrySize)
            throw InputException.AtOffset(elf.Source, (long)table.Offset, $"{what}: expected entries of {entrySize} bytes, found {table.EntrySize}");
        if (table.Size % (ulong)entrySize != 0)
            throw InputException.AtOffset(elf.Source, (long)table.Offset, $"{what}: its size {table.Size} is not a multiple of the entry size {entrySize}");
        ulong entries = table.Size / (ulong)entrySize;
        if (entries > (ulong)elf.Limits.MaxElfSymbols + 1)
            throw InputException.AtOffset(elf.Source, (long)table.Offset, $"{what}: {entries} symbols is over the limit of {elf.Limits.MaxElfSymbols}");
        if (table.Link >= elf.Sections.Count || elf.Sections[(int)table.Link].Type != ElfSectionType.StringTable)
            throw InputException.AtOffset(elf.Source, (long)table.Offset, $"{what}: its string table link {table.Link} is not a string table section");
        var data = elf.ReadSection(index);
        var strings = elf.ReadSection((int)table.Link);
        var extended = ExtendedIndexes(elf, index, entries);

        int n = entries == 0 ? 0 : (int)entries - 1;
        var address = new ulong[n];
        var size = new ulong[n];
        var name = new uint[n];
        var info = new byte[n];
        var kind = new ElfSymbolKind[n];
        var section = new int[n];
        for (int i = 0; i < n; i++)
        {
            int at = (i + 1) * entrySize;
            var f = new ElfFieldReader(data.AsSpan(at, entrySize), elf.IsBigEndian, elf.Is64);
            ushort shndx;
            name[i] = f.U32();
            if (elf.Is64)
            {
                info[i] = f.U8();
                f.U8(); // st_other
                shndx = f.U16();
                address[i] = f.U64();
                size[i] = f.U64();
            }
            else
            {
                address[i] = f.U32();
                size[i] = f.U32();
                info[i] = f.U8();
                f.U8();
                shndx = f.U16();
            }
            ElfStrings.Length(strings, name[i], elf.Source, (long)table.Offset + at, "symbol name");
            section[i] = shndx == 0xffff && extended is not null ? (int)extended[i + 1] : shndx;
            kind[i] = Classify(elf, section[i]);
        }
        SortByAddress(address, size, name, info, kind, section);
        return new ElfSymbolTable(table.Name, strings, address, size, name, info, kind, section);
    }

    /// <summary>The index of the symbol holding <paramref name="address"/> (see <see cref="Lookup"/>), or -1.</summary>
    public int IndexOf(ulong address)
    {
        // The last candidate starting at or before the address.
        int lo = 0, hi = _lookup.Length - 1, k = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_address[_lookup[mid]] <= address) { k = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        int best = -1;
        // Walk back while an earlier symbol could still reach the address (symbols may nest).
        for (int j = k; j >= 0 && _lookupMaxEnd[j] > address; j--)
        {
            int s = _lookup[j];
            if (best >= 0 && _address[s] < _address[best]) break;
            if (address - _address[s] >= _size[s]) continue;
            if (best < 0 || Better(s, best)) best = s;
        }
        return best;
    }

    /// <summary>
    /// The symbol whose [address, address + size) holds <paramref name="address"/>, or null. When
    /// several do, the innermost wins: the one starting last, then the smallest, then a global over
    /// a local, then the first in the table. Symbols without a size, undefined, absolute, section,
    /// file and thread-local symbols are never returned.
    /// </summary>
    public ElfSymbol? Lookup(ulong address) => IndexOf(address) is >= 0 and var i ? this[i] : null;

    /// <summary>The index of the first symbol (in address order) with this name, or -1.</summary>
    public int FindByName(string name)
    {
        var wanted = Encoding.UTF8.GetBytes(name);
        for (int i = 0; i < Count; i++)
        {
            int start = (int)_name[i];
            if (_strings.Length - start > wanted.Length && _strings[start + wanted.Length] == 0 &&
                _strings.AsSpan(start, wanted.Length).SequenceEqual(wanted))
                return i;
        }
        return -1;
    }

    private bool Better(int a, int b)
    {
        if (_address[a] != _address[b]) return _address[a] > _address[b];
        if (_size[a] != _size[b]) return _size[a] < _size[b];
        bool aLocal = Binding(a) == ElfSymbolBinding.Local, bLocal = Binding(b) == ElfSymbolBinding.Local;
        if (aLocal != bLocal) return !aLocal;
        return a < b;
    }

    private (int[] Lookup, ulong[] MaxEnd) BuildLookup()
    {
        var lookup = new GrowableArray<int>(Count);
        for (int i = 0; i < Count; i++)
        {
            var type = Type(i);
            if (_size[i] == 0 || type is ElfSymbolType.Section or ElfSymbolType.File or ElfSymbolType.Tls) continue;
            if (_kind[i] is ElfSymbolKind.Text or ElfSymbolKind.Data or ElfSymbolKind.Bss or ElfSymbolKind.ReadOnly) lookup.Add(i);
        }
        var list = lookup.ToArray();
        var maxEnd = new ulong[list.Length];
        ulong running = 0;
        for (int k = 0; k < list.Length; k++)
        {
            int s = list[k];
            ulong end = _address[s] + _size[s];
            if (end < _address[s]) end = ulong.MaxValue;
            running = Math.Max(running, end);
            maxEnd[k] = running;
        }
        return (list, maxEnd);
    }

    /// <summary>What the defining section makes a symbol (the rules of <c>go tool nm</c>, with .bss told apart).</summary>
    private static ElfSymbolKind Classify(ElfFile elf, int section)
    {
        switch (section)
        {
            case 0: return ElfSymbolKind.Undefined;
            case 0xfff1: return ElfSymbolKind.Absolute;
            case 0xfff2: return ElfSymbolKind.Common;
        }
        if (section >= elf.Sections.Count) return ElfSymbolKind.Other;
        var s = elf.Sections[section];
        return (s.Flags & (ElfSectionFlags.Write | ElfSectionFlags.Alloc | ElfSectionFlags.ExecInstr)) switch
        {
            ElfSectionFlags.Alloc | ElfSectionFlags.ExecInstr => ElfSymbolKind.Text,
            ElfSectionFlags.Alloc => ElfSymbolKind.ReadOnly,
            ElfSectionFlags.Alloc | ElfSectionFlags.Write => s.Type == ElfSectionType.NoBits ? ElfSymbolKind.Bss : ElfSymbolKind.Data,
            _ => ElfSymbolKind.Other,
        };
    }

    /// <summary>The SHT_SYMTAB_SHNDX section for a table whose symbols use SHN_XINDEX (more than 0xff00 sections), if any.</summary>
    private static uint[]? ExtendedIndexes(ElfFile elf, int table, ulong entries)
    {
        for (int i = 0; i < elf.Sections.Count; i++)
        {
            var s = elf.Sections[i];
            if (s.Type != ElfSectionType.SymbolTableIndex || s.Link != table) continue;
            if (s.Size < entries * 4)
                throw InputException.AtOffset(elf.Source, (long)s.Offset, $"extended section index table {ElfFile.DisplayName(s)} has {s.Size / 4} entries for {entries} symbols");
            var data = elf.ReadSection(i);
            var result = new uint[entries];
            for (int k = 0; k < result.Length; k++)
                result[k] = new ElfFieldReader(data.AsSpan(4 * k, 4), elf.IsBigEndian, elf.Is64).U32();
            return result;
        }
        return null;
    }

    /// <summary>Puts all columns in address order, keeping table order among equal addresses.</summary>
    private static void SortByAddress(ulong[] address, ulong[] size, uint[] name, byte[] info, ElfSymbolKind[] kind, int[] section)
    {
        int n = address.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = (ulong[])address.Clone();
        Array.Sort(keys, order);
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && keys[j] == keys[i]) j++;
            if (j - i > 1) Array.Sort(order, i, j - i);
            i = j;
        }
        Permute(address, order);
        Permute(size, order);
        Permute(name, order);
        Permute(info, order);
        Permute(kind, order);
        Permute(section, order);
    }

    private static void Permute<T>(T[] column, int[] order)
    {
        var copy = (T[])column.Clone();
        for (int i = 0; i < order.Length; i++) column[i] = copy[order[i]];
    }
}
