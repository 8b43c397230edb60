using System.Text;
using LeakHound.Core;

namespace LeakHound.Formats.Elf;

/// <summary>NUL-terminated strings in an ELF string table (.strtab, .dynstr, .shstrtab), by byte index.</summary>
internal static class ElfStrings
{
    /// <summary>
    /// The length of the string at <paramref name="index"/>; raises <see cref="InputException"/>
    /// (naming the structure at <paramref name="at"/> that refers to it) when the index is past the
    /// table or the string runs off its end without a NUL.
    /// </summary>
    public static int Length(byte[] table, uint index, string source, long at, string what)
    {
        if (index >= (uint)table.Length)
            throw InputException.AtOffset(source, at, $"{what} index {index} is past the end of its string table ({table.Length} bytes)");
        int end = Array.IndexOf(table, (byte)0, (int)index);
        if (end < 0)
            throw InputException.AtOffset(source, at, $"{what} at string table index {index} is not NUL-terminated");
        return end - (int)index;
    }

    public static string Get(byte[] table, uint index, string source, long at, string what) =>
        Encoding.UTF8.GetString(table, (int)index, Length(table, index, source, at, what));
}
