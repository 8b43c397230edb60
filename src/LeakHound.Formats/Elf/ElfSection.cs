namespace LeakHound.Formats.Elf;

/// <summary>The section types LeakHound looks at (sh_type); others keep their number.</summary>
public enum ElfSectionType : uint
{
    Null = 0,
    ProgBits = 1,
    SymbolTable = 2,
    StringTable = 3,
    Note = 7,
    NoBits = 8,
    DynamicSymbols = 11,
    SymbolTableIndex = 18,
}

/// <summary>Section flags (sh_flags) that decide what a symbol in the section is.</summary>
[Flags]
public enum ElfSectionFlags : ulong
{
    None = 0,
    Write = 0x1,
    Alloc = 0x2,
    ExecInstr = 0x4,
    Tls = 0x400,
    Compressed = 0x800,
}

/// <summary>
/// One section header: its name (from the section header string table), type, flags, the address
/// it is loaded at (0 when not loaded), where its bytes are in the file and how many (a NoBits
/// section such as .bss has none in the file), and the link and info fields whose meaning depends
/// on the type (a symbol table links to its string table).
/// </summary>
public readonly record struct ElfSection(
    string Name, ElfSectionType Type, ElfSectionFlags Flags, ulong Address, ulong Offset, ulong Size,
    uint Link, uint Info, ulong EntrySize)
{
    public bool HasFileBytes => Type != ElfSectionType.NoBits && Type != ElfSectionType.Null;

    /// <summary>Whether <paramref name="address"/> lies in the section's loaded range.</summary>
    public bool ContainsAddress(ulong address) =>
        (Flags & ElfSectionFlags.Alloc) != 0 && address >= Address && address - Address < Size;
}
