namespace LeakHound.Formats.Elf;

/// <summary>
/// What a symbol names, from the section it is defined in: code (an allocated, executable
/// section), initialised data (allocated and writable), zero-initialised data (allocated, writable,
/// no bytes in the file: .bss, .noptrbss, .tbss), read-only data (allocated only). Go's globals are
/// Data or Bss (.data, .noptrdata, .bss, .noptrbss); its functions are Text.
/// </summary>
public enum ElfSymbolKind : byte
{
    /// <summary>In a section that is not loaded, or loaded with an unusual flag combination (writable code).</summary>
    Other,
    Text,
    Data,
    Bss,
    ReadOnly,
    /// <summary>Not defined here (st_shndx 0): imported from a shared library.</summary>
    Undefined,
    /// <summary>An absolute value, in no section (SHN_ABS).</summary>
    Absolute,
    /// <summary>A common block not yet allocated (SHN_COMMON; relocatable objects only).</summary>
    Common,
}

/// <summary>st_info's low four bits.</summary>
public enum ElfSymbolType : byte
{
    NoType = 0,
    Object = 1,
    Function = 2,
    Section = 3,
    File = 4,
    Common = 5,
    Tls = 6,
    GnuIndirectFunction = 10,
}

/// <summary>st_info's high four bits.</summary>
public enum ElfSymbolBinding : byte
{
    Local = 0,
    Global = 1,
    Weak = 2,
    GnuUnique = 10,
}

/// <summary>
/// One symbol: its name, value (the address, for a defined symbol of an executable or shared
/// object), size in bytes (0 when the producer gave none), kind, type, binding and the index of the
/// section it is defined in (or the reserved index: 0 undefined, 0xfff1 absolute, 0xfff2 common).
/// </summary>
public readonly record struct ElfSymbol(
    string Name, ulong Address, ulong Size, ElfSymbolKind Kind, ElfSymbolType Type, ElfSymbolBinding Binding, int SectionIndex)
{
    /// <summary>Whether <paramref name="address"/> lies in [Address, Address + Size).</summary>
    public bool Contains(ulong address) => address >= Address && address - Address < Size;
}

/// <summary>Which symbol table to read.</summary>
public enum ElfSymbolSource
{
    /// <summary>.symtab when the file has one (it has every symbol), else .dynsym.</summary>
    Best,
    /// <summary>The full symbol table (SHT_SYMTAB), usually removed by strip.</summary>
    SymbolTable,
    /// <summary>The dynamic symbol table (SHT_DYNSYM): what the dynamic linker sees, kept by strip.</summary>
    DynamicSymbols,
}
