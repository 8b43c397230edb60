using System.Globalization;
using LeakHound.Formats.Elf;

namespace LeakHound.Analysis.HeapDumps;

/// <summary>
/// Names addresses of the program that wrote a heap dump from its ELF symbol table (<c>--program</c>):
/// a global from an address in .data/.bss/.noptrdata/.noptrbss ("main.cache", "main.cfg+16") and a
/// function from a PC. The dump itself has no symbols beyond frame function names.
/// </summary>
public sealed class ProgramSymbols
{
    private readonly ElfSymbolTable _table;

    public ProgramSymbols(ElfSymbolTable table, string source)
    {
        _table = table;
        Source = source;
    }

    /// <summary>The binary the symbols were read from.</summary>
    public string Source { get; }

    /// <summary>The symbol holding <paramref name="address"/> with the offset into it ("main.cache", "main.cfg+16"), or null.</summary>
    public string? Name(ulong address)
    {
        int i = _table.IndexOf(address);
        if (i < 0) return null;
        ulong offset = address - _table.Address(i);
        return offset == 0 ? _table.Name(i) : _table.Name(i) + "+" + offset.ToString(CultureInfo.InvariantCulture);
    }
}
