using System.Buffers.Binary;
using System.Text;
using LeakHound.Core;
using LeakHound.Formats.Elf;

namespace LeakHound.Tests.Elf;

/// <summary>
/// Hand-written ELF files of both classes and byte orders (<see cref="TestElfWriter"/>): every
/// symbol, section and lookup answer is known from how the file was written.
/// </summary>
public class ElfReaderTests
{
    public static readonly TheoryData<bool, bool> Layouts = new() { { false, false }, { false, true }, { true, false }, { true, true } };

    private static TestElfWriter Sample(bool is64, bool bigEndian)
    {
        var w = new TestElfWriter(is64, bigEndian);
        const byte notype = 0, obj = 1, func = 2, file = 4;
        const byte local = 0, weak = 2; // global (1) is the default
        w.Add("main.run", 0x1000, 0x10, func, 1);
        w.Add("runtime.text", 0x1000, 0, notype, 1, local);
        w.Add("main.helper", 0x1010, 8, func, 1, local);
        w.Add("main.greeting", 0x2000, 16, obj, 2);
        w.Add("main.table", 0x3000, 32, obj, 3);
        w.Add("main.tableAlias", 0x3000, 32, obj, 3, local);
        w.Add("main.inner", 0x3008, 8, obj, 3, weak);
        w.Add("runtime.buildVersion", 0x3020, (ulong)(2 * w.WordSize), obj, 3);
        w.Add("main.cache", 0x4000, 8, obj, 4);
        w.Add("go.go", 0, 0, file, 0xfff1, local);
        w.Add("printf", 0, 0, func, 0);
        // runtime.buildVersion = "go1.99.1", its bytes at .rodata + 0x10.
        Encoding.ASCII.GetBytes("go1.99.1").CopyTo(w.Rodata, 0x10);
        var word = w.Data.AsSpan(0x20);
        if (w.WordSize == 8)
        {
            if (bigEndian) { BinaryPrimitives.WriteUInt64BigEndian(word, 0x2010); BinaryPrimitives.WriteUInt64BigEndian(word[8..], 8); }
            else { BinaryPrimitives.WriteUInt64LittleEndian(word, 0x2010); BinaryPrimitives.WriteUInt64LittleEndian(word[8..], 8); }
        }
        else
        {
            if (bigEndian) { BinaryPrimitives.WriteUInt32BigEndian(word, 0x2010); BinaryPrimitives.WriteUInt32BigEndian(word[4..], 8); }
            else { BinaryPrimitives.WriteUInt32LittleEndian(word, 0x2010); BinaryPrimitives.WriteUInt32LittleEndian(word[4..], 8); }
        }
        return w;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ReadsHeadersSectionsAndSymbols(bool is64, bool bigEndian)
    {
        var w = Sample(is64, bigEndian);
        using var elf = ElfFile.Parse(w.Build(), "sample.elf", Limits.Default);
        Assert.Equal(is64, elf.Is64);
        Assert.Equal(bigEndian, elf.IsBigEndian);
        Assert.Equal(is64 ? 62 : 3, elf.Machine);
        Assert.Equal(0x1000UL, elf.Entry);
        Assert.Equal(["", ".text", ".rodata", ".data", ".bss", ".symtab", ".strtab", ".shstrtab", ".note.go.buildid"], elf.Sections.Select(s => s.Name));
        Assert.Equal(ElfSectionType.NoBits, elf.Sections[4].Type);
        Assert.Equal(0x3000UL, elf.Sections[elf.FindSection(".data")].Address);

        var t = ElfSymbolTable.Read(elf);
        Assert.Equal(".symtab", t.TableName);
        Assert.Equal(11, t.Count);
        // Address order, table order among equals.
        Assert.Equal(["go.go", "printf", "main.run", "runtime.text", "main.helper", "main.greeting", "main.table", "main.tableAlias", "main.inner", "runtime.buildVersion", "main.cache"],
            Enumerable.Range(0, t.Count).Select(t.Name));
        var kinds = Enumerable.Range(0, t.Count).ToDictionary(t.Name, t.Kind);
        Assert.Equal(ElfSymbolKind.Text, kinds["main.run"]);
        Assert.Equal(ElfSymbolKind.ReadOnly, kinds["main.greeting"]);
        Assert.Equal(ElfSymbolKind.Data, kinds["main.table"]);
        Assert.Equal(ElfSymbolKind.Bss, kinds["main.cache"]);
        Assert.Equal(ElfSymbolKind.Absolute, kinds["go.go"]);
        Assert.Equal(ElfSymbolKind.Undefined, kinds["printf"]);
        var helper = t[t.FindByName("main.helper")];
        Assert.Equal(new ElfSymbol("main.helper", 0x1010, 8, ElfSymbolKind.Text, ElfSymbolType.Function, ElfSymbolBinding.Local, 1), helper);
        Assert.Equal(ElfSymbolBinding.Weak, t.Binding(t.FindByName("main.inner")));
        Assert.Equal(ElfSymbolType.File, t.Type(t.FindByName("go.go")));
        Assert.Equal(-1, t.FindByName("main"));
        Assert.Equal(-1, t.FindByName("main.tableAliasX"));

        Assert.Equal("abc/def", elf.GoBuildId());
        Assert.Equal("go1.99.1", GoBuildVersion.Read(elf, t));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void LookupFindsTheInnermostSymbolHoldingAnAddress(bool is64, bool bigEndian)
    {
        using var elf = ElfFile.Parse(Sample(is64, bigEndian).Build(), "sample.elf", Limits.Default);
        var t = ElfSymbolTable.Read(elf);
        string? Name(ulong a) => t.Lookup(a)?.Name;
        Assert.Equal("main.run", Name(0x1000));   // not the zero-size runtime.text at the same address
        Assert.Equal("main.run", Name(0x100f));
        Assert.Equal("main.helper", Name(0x1010));
        Assert.Null(Name(0x1018));                // past the last function
        Assert.Null(Name(0xfff));
        Assert.Equal("main.greeting", Name(0x200f));
        Assert.Equal("main.table", Name(0x3000)); // the global alias over the local one
        Assert.Equal("main.inner", Name(0x300a)); // nested inside main.table
        Assert.Equal("main.table", Name(0x3010)); // past main.inner, still in main.table
        Assert.Equal("main.table", Name(0x301f));
        Assert.Equal("runtime.buildVersion", Name(0x3020));
        Assert.Equal("main.cache", Name(0x4007));
        Assert.Null(Name(0x4008));
        Assert.Null(Name(0));                     // the absolute and undefined symbols are never answers
        var cache = t.Lookup(0x4003)!.Value;
        Assert.Equal((0x4000UL, 8UL, ElfSymbolKind.Bss), (cache.Address, cache.Size, cache.Kind));
    }

    [Fact]
    public void AFileWithoutASymbolTableGivesAnEmptyOne()
    {
        var w = new TestElfWriter(true, false);
        var bytes = w.Build();
        // Turn .symtab into PROGBITS: the file then has no symbol table at all.
        w.Patch(bytes, w.SectionHeaderOffset + 5 * w.SectionHeaderSize + 4, 1, 4);
        using var elf = ElfFile.Parse(bytes, "stripped.elf", Limits.Default);
        var t = ElfSymbolTable.Read(elf);
        Assert.Null(t.TableName);
        Assert.Equal(0, t.Count);
        Assert.Null(t.Lookup(0x1000));
        Assert.Null(GoBuildVersion.Read(elf, t));
    }

    private static void AssertBad(byte[] bytes, string expected, Limits? limits = null, bool readSymbols = true)
    {
        var e = Assert.Throws<InputException>(() =>
        {
            using var elf = ElfFile.Parse(bytes, "bad.elf", limits ?? Limits.Default);
            if (readSymbols) ElfSymbolTable.Read(elf);
        });
        Assert.Equal("bad.elf", e.InputName);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void CorruptHeadersAreInputErrors(bool is64, bool bigEndian)
    {
        var w = Sample(is64, bigEndian);
        var good = w.Build();
        int hs = w.HeaderSize;
        AssertBad([], "offset 0: not an ELF file: expected the magic bytes 7f 45 4c 46");
        AssertBad("\u007fELG-not-an-elf-file"u8.ToArray(), "offset 0: not an ELF file");
        AssertBad(good[..10], "offset 10: truncated ELF header: expected 16 identification bytes");
        AssertBad(good[..(hs - 1)], $"offset {hs - 1}: truncated ELF header: expected {hs} bytes, the file has {hs - 1}");

        var badClass = (byte[])good.Clone();
        badClass[4] = 3;
        AssertBad(badClass, "offset 4: expected ELF class 1 (32-bit) or 2 (64-bit), found 3");
        var badData = (byte[])good.Clone();
        badData[5] = 0;
        AssertBad(badData, "offset 5: expected ELF data encoding 1 (little-endian) or 2 (big-endian), found 0");

        int shoffField = is64 ? 40 : 32, shnumField = hs - 4, shentsizeField = hs - 6;
        var pastEnd = (byte[])good.Clone();
        w.Patch(pastEnd, shoffField, (ulong)good.Length + 100, w.WordSize);
        AssertBad(pastEnd, $"offset {shoffField}: section header table offset {good.Length + 100} is past the end of the file ({good.Length} bytes)");

        var tooMany = (byte[])good.Clone();
        w.Patch(tooMany, shnumField, 1000, 2);
        AssertBad(tooMany, $"offset {w.SectionHeaderOffset}: section header table (1000 headers of {w.SectionHeaderSize} bytes) runs past the end of the file");

        var entsize = (byte[])good.Clone();
        w.Patch(entsize, shentsizeField, 12, 2);
        AssertBad(entsize, $"offset {shentsizeField}: expected section header size {w.SectionHeaderSize}, found 12");

        var limit = Limits.Default with { MaxElfSections = 4 };
        AssertBad(good, "9 section headers is over the limit of 4", limit);

        var shstrndx = (byte[])good.Clone();
        w.Patch(shstrndx, hs - 2, 40, 2);
        AssertBad(shstrndx, "section name table index 40 is not below the section count 9");

        var sectionName = (byte[])good.Clone();
        w.Patch(sectionName, w.SectionHeaderOffset + 2 * w.SectionHeaderSize, 5000, 4);
        AssertBad(sectionName, $"offset {w.SectionHeaderOffset + 2 * w.SectionHeaderSize}: section name index 5000 is past the end of its string table", readSymbols: false);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void CorruptSymbolTablesAreInputErrors(bool is64, bool bigEndian)
    {
        var w = Sample(is64, bigEndian);
        var good = w.Build();

        // The first real symbol's st_name past the string table.
        var name = (byte[])good.Clone();
        int firstSymbol = w.SymtabOffset + w.SymbolSize;
        w.Patch(name, firstSymbol, (ulong)w.StrtabSize + 5, 4);
        AssertBad(name, $"offset {firstSymbol}: symbol name index {w.StrtabSize + 5} is past the end of its string table ({w.StrtabSize} bytes)");

        // The string table's last NUL gone: the last symbol's name runs off the end.
        var unterminated = (byte[])good.Clone();
        unterminated[w.StrtabOffset + w.StrtabSize - 1] = (byte)'x';
        AssertBad(unterminated, "is not NUL-terminated");

        // A symbol count far beyond the limit: refused before anything is allocated for it.
        var huge = (byte[])good.Clone();
        w.Patch(huge, w.SectionSizeField(5), (ulong)w.SymbolSize * 100_000_000, w.WordSize);
        AssertBad(huge, $"offset {w.SymtabOffset}: symbol table .symtab: 100000000 symbols is over the limit of 50000000");

        // Under the limit but past the end of the file.
        var pastEnd = (byte[])good.Clone();
        w.Patch(pastEnd, w.SectionSizeField(5), (ulong)w.SymbolSize * 1000, w.WordSize);
        AssertBad(pastEnd, $"offset {w.SymtabOffset}: section 5 (.symtab) ({w.SymbolSize * 1000} bytes) runs past the end of the file ({good.Length} bytes)");

        var offset = (byte[])good.Clone();
        w.Patch(offset, w.SectionOffsetField(6), (ulong)good.Length - 3, w.WordSize);
        AssertBad(offset, $"offset {good.Length - 3}: section 6 (.strtab) ({w.StrtabSize} bytes) runs past the end of the file");

        var ragged = (byte[])good.Clone();
        w.Patch(ragged, w.SectionSizeField(5), (ulong)w.SymbolSize * 3 + 1, w.WordSize);
        AssertBad(ragged, $"symbol table .symtab: its size {w.SymbolSize * 3 + 1} is not a multiple of the entry size {w.SymbolSize}");

        AssertBad(good, "symbol table .symtab: 12 symbols is over the limit of 3", Limits.Default with { MaxElfSymbols = 3 });
        AssertBad(good, $"section 5 (.symtab) of {12 * w.SymbolSize} bytes is over the limit of 100", Limits.Default with { MaxElfSectionBytes = 100 });

        var link = (byte[])good.Clone();
        w.Patch(link, w.SectionHeaderOffset + 5 * w.SectionHeaderSize + (is64 ? 40 : 24), 1, 4);
        AssertBad(link, "symbol table .symtab: its string table link 1 is not a string table section");
    }

    [Fact]
    public void RandomBytesNeverEscapeAsAnythingButInputErrors()
    {
        var good = Sample(true, false).Build();
        var rng = new Random(8);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = (byte[])good.Clone();
            for (int k = rng.Next(1, 6); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (rng.Next(4) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            try
            {
                using var elf = ElfFile.Parse(bytes, "fuzz.elf", Limits.Default);
                var t = ElfSymbolTable.Read(elf);
                for (int s = 0; s < t.Count; s++) _ = t[s];
                t.Lookup(0x3004);
                elf.GoBuildId();
                GoBuildVersion.Read(elf, t);
            }
            catch (InputException e)
            {
                Assert.Equal("fuzz.elf", e.InputName);
            }
        }
    }
}
