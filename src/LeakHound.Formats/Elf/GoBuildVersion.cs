using System.Text;
using LeakHound.Core;

namespace LeakHound.Formats.Elf;

/// <summary>
/// The Go version a binary was built with, as <c>go version FILE</c> prints it: the string the
/// runtime.buildVersion variable holds. The variable is a Go string header (a pointer and a length,
/// each a pointer in size) in the data section; its bytes are read-only data elsewhere.
/// </summary>
public static class GoBuildVersion
{
    /// <summary>The longest version string believed: a real one is "go1.22.3" or "devel go1.23-abcdef …".</summary>
    private const int MaxLength = 4096;

    /// <summary>The version ("go1.19.8"), or null when the binary has no runtime.buildVersion symbol (stripped, or not Go).</summary>
    public static string? Read(ElfFile elf, ElfSymbolTable symbols)
    {
        int index = symbols.FindByName("runtime.buildVersion");
        if (index < 0) return null;
        ulong at = symbols.Address(index);
        int word = elf.PointerSize;
        var header = elf.ReadMemory(at, 2 * word)
            ?? throw new InputException(elf.Source, $"runtime.buildVersion at 0x{at:x} is not in a section with bytes in the file");
        var f = new ElfFieldReader(header, elf.IsBigEndian, elf.Is64);
        ulong pointer = f.Word(), length = f.Word();
        if (length > MaxLength)
            throw new InputException(elf.Source, $"runtime.buildVersion at 0x{at:x} claims a length of {length} bytes");
        if (length == 0) return "";
        var text = elf.ReadMemory(pointer, (int)length)
            ?? throw new InputException(elf.Source, $"runtime.buildVersion points at 0x{pointer:x}, which is not in a section with bytes in the file");
        return Encoding.UTF8.GetString(text);
    }
}
