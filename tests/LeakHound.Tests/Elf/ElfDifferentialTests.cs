using System.Globalization;
using System.Text.RegularExpressions;
using LeakHound.Core;
using LeakHound.Formats.Elf;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Elf;

/// <summary>
/// The symbol tables of real binaries against the reference tools: <c>go tool nm -n -size</c>
/// (Go's debug/elf) for .symtab, binutils' <c>readelf --dyn-syms</c> for .dynsym; and lookups of the
/// cacheleak sample's globals (samples/cacheleak/main.go: cache, cacheMu, seq) at addresses nm gives.
/// </summary>
public partial class ElfDifferentialTests
{
    public static TheoryData<string> CorpusBinaries() => [.. ElfSamples.CorpusBinaries()];

    public static TheoryData<string> CrossArchitectures() => [.. ElfSamples.CrossArchitectures];

    private readonly record struct NmSymbol(ulong Address, long Size, char Code, string Name);

    [GeneratedRegex(@"^\s*([0-9a-f]*) +(-?\d+) (.) (.*)$")]
    private static partial Regex NmLine();

    private static List<NmSymbol> GoNm(string binary)
    {
        var result = new List<NmSymbol>();
        foreach (var line in ReferenceTools.Run("go", ["tool", "nm", "-n", "-size", binary]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = NmLine().Match(line);
            Assert.True(m.Success, "unexpected go tool nm line: " + line);
            ulong address = m.Groups[1].Value.Length == 0 ? 0 : ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            result.Add(new NmSymbol(address, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Value[0], m.Groups[4].Value));
        }
        return result;
    }

    /// <summary>The letter go tool nm prints for a symbol (its rules: .bss counts as data, locals in lower case).</summary>
    private static char NmCode(ElfSymbolTable t, int i)
    {
        char c = t.Kind(i) switch
        {
            ElfSymbolKind.Text => 'T',
            ElfSymbolKind.Data or ElfSymbolKind.Bss => 'D',
            ElfSymbolKind.ReadOnly => 'R',
            ElfSymbolKind.Undefined => 'U',
            ElfSymbolKind.Common => 'B',
            _ => '?',
        };
        return t.Binding(i) == ElfSymbolBinding.Local ? (char)(c + ('a' - 'A')) : c;
    }

    private static List<NmSymbol> Ours(ElfSymbolTable t) =>
        Enumerable.Range(0, t.Count).Select(i =>
        {
            char code = NmCode(t, i);
            return new NmSymbol(code == 'U' ? 0 : t.Address(i), (long)t.Size(i), code, t.Name(i));
        }).ToList();

    private static void AssertSameAsNm(string binary)
    {
        var table = ElfSymbolTable.ReadFile(binary, Limits.Default);
        Assert.Equal(".symtab", table.TableName);
        var expected = GoNm(binary).Select(s => s with { Address = s.Code == 'U' ? 0 : s.Address }).ToList();
        var ours = Ours(table);
        // nm sorts by address with an unstable sort: compare in one total order.
        static List<string> Sorted(List<NmSymbol> xs) => xs
            .OrderBy(s => s.Address).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Size).ThenBy(s => s.Code)
            .Select(s => $"{s.Address:x} {s.Size} {s.Code} {s.Name}").ToList();
        Assert.True(expected.Count > 30, $"go tool nm listed only {expected.Count} symbols of {binary}");
        Assert.Equal(Sorted(expected), Sorted(ours));
        // Our own order is by address.
        for (int i = 1; i < table.Count; i++) Assert.True(table.Address(i - 1) <= table.Address(i));
    }

    [Theory]
    [MemberData(nameof(CorpusBinaries))]
    public void SampleServicesMatchGoToolNm(string binary) => AssertSameAsNm(binary);

    [Theory]
    [MemberData(nameof(CrossArchitectures))]
    public void OtherClassesAndByteOrdersMatchGoToolNm(string goarch)
    {
        string binary = ElfSamples.Cross(goarch);
        using (var elf = ElfFile.Open(binary, Limits.Default))
        {
            Assert.Equal(goarch is "ppc64" or "s390x", elf.Is64);
            Assert.Equal(goarch is "mips" or "ppc64" or "s390x", elf.IsBigEndian);
        }
        AssertSameAsNm(binary);
        AssertCacheleakGlobals(binary);
    }

    [Fact]
    public void CProgramMatchesGoToolNm() => AssertSameAsNm(ElfSamples.C);

    [Fact]
    public void CacheleakGlobalsAndFunctionsAreFoundInsideThem() =>
        AssertCacheleakGlobals(ElfSamples.CorpusBinaries().Single(b => Path.GetFileName(Path.GetDirectoryName(b)) == "cacheleak"));

    [Fact]
    public void CacheleakCorpusBinaryIsThere() =>
        Assert.Contains(ElfSamples.CorpusBinaries(), b => Path.GetFileName(Path.GetDirectoryName(b)) == "cacheleak");

    /// <summary>
    /// main.cache (the leaking map), main.cacheMu and main.seq are found from any address inside
    /// them, as main.handleWork is from one inside its code; every sized symbol nm lists is found
    /// from its middle (as itself, or a symbol nested at that address).
    /// </summary>
    private static void AssertCacheleakGlobals(string binary)
    {
        var nm = GoNm(binary);
        var table = ElfSymbolTable.ReadFile(binary, Limits.Default);
        foreach (var (name, code) in new[] { ("main.cache", 'D'), ("main.cacheMu", 'D'), ("main.seq", 'D'), ("main.handleWork", 'T'), ("main.cacheStore", 'T') })
        {
            var s = nm.Single(x => x.Name == name);
            Assert.Equal(code, s.Code);
            Assert.True(s.Size > 0);
            for (ulong probe = s.Address; probe < s.Address + (ulong)s.Size; probe += (ulong)Math.Max(1, s.Size / 7))
            {
                var found = table.Lookup(probe);
                Assert.True(found is not null, $"nothing found at 0x{probe:x} in {name}");
                Assert.Equal(name, found.Value.Name);
            }
            Assert.Equal(name, table.Lookup(s.Address + (ulong)s.Size - 1)!.Value.Name);
        }
        Assert.Equal(ElfSymbolKind.Bss, table.Lookup(nm.Single(x => x.Name == "main.cache").Address)!.Value.Kind);

        var sized = nm.Where(s => s.Size > 0 && char.ToUpperInvariant(s.Code) is 'T' or 'D' or 'R').ToList();
        foreach (var s in sized)
        {
            ulong probe = s.Address + (ulong)s.Size / 2;
            var found = table.Lookup(probe);
            Assert.True(found is not null, $"nothing found at 0x{probe:x} in {s.Name}");
            // nm's symbols holding the probe that start last: the answer must be one of them.
            var holding = sized.Where(x => x.Address <= probe && probe - x.Address < (ulong)x.Size).ToList();
            ulong last = holding.Max(x => x.Address);
            Assert.Contains(found.Value.Name, holding.Where(x => x.Address == last).Select(x => x.Name));
        }
    }

    [Theory]
    [MemberData(nameof(CorpusBinaries))]
    public void GoVersionAndBuildIdMatchTheGoCommand(string binary)
    {
        using var elf = ElfFile.Open(binary, Limits.Default);
        var table = ElfSymbolTable.Read(elf);
        // "go version FILE" prints "FILE: go1.19.8"; "go tool buildid FILE" prints the ID.
        string version = ReferenceTools.Run("go", ["version", binary]).Trim();
        Assert.Equal(binary + ": " + GoBuildVersion.Read(elf, table), version);
        Assert.Equal(ReferenceTools.Run("go", ["tool", "buildid", binary]).Trim(), elf.GoBuildId());
    }

    [Theory]
    [MemberData(nameof(CrossArchitectures))]
    public void GoVersionOfOtherArchitectures(string goarch)
    {
        string binary = ElfSamples.Cross(goarch);
        using var elf = ElfFile.Open(binary, Limits.Default);
        Assert.Equal(binary + ": " + GoBuildVersion.Read(elf, ElfSymbolTable.Read(elf)), ReferenceTools.Run("go", ["version", binary]).Trim());
        Assert.Equal(ReferenceTools.Run("go", ["tool", "buildid", binary]).Trim(), elf.GoBuildId());
    }

    [GeneratedRegex(@"^\s*(\d+):\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(?:\[[^\]]*\]\s+)?(\S+)\s?(.*)$")]
    private static partial Regex ReadelfLine();

    [Theory]
    [InlineData("/bin/ls")]
    [InlineData("c-sample")]
    public void DynamicSymbolsMatchReadelf(string which)
    {
        string binary = which == "c-sample" ? ElfSamples.C : which;
        var expected = new List<string>();
        foreach (var line in ReferenceTools.Run("readelf", ["--dyn-syms", "-W", binary]).Split('\n'))
        {
            var m = ReadelfLine().Match(line);
            if (!m.Success || m.Groups[1].Value == "0") continue; // headers, and the null symbol we leave out
            string size = m.Groups[3].Value;
            ulong sizeValue = size.StartsWith("0x", StringComparison.Ordinal)
                ? ulong.Parse(size[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : ulong.Parse(size, CultureInfo.InvariantCulture);
            string name = m.Groups[8].Value;
            int at = name.IndexOf('@');
            if (at >= 0) name = name[..at]; // symbol versions come from .gnu.version, which we do not read
            expected.Add($"{ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture):x} {sizeValue} {m.Groups[4].Value} {m.Groups[5].Value} {m.Groups[7].Value} {name}");
        }
        Assert.True(expected.Count > 5, $"readelf listed only {expected.Count} dynamic symbols of {binary}");

        using var elf = ElfFile.Open(binary, Limits.Default);
        var table = ElfSymbolTable.Read(elf, ElfSymbolSource.DynamicSymbols);
        Assert.Equal(".dynsym", table.TableName);
        var ours = Enumerable.Range(0, table.Count).Select(i =>
        {
            string type = table.Type(i) switch
            {
                ElfSymbolType.NoType => "NOTYPE", ElfSymbolType.Object => "OBJECT", ElfSymbolType.Function => "FUNC",
                ElfSymbolType.Section => "SECTION", ElfSymbolType.File => "FILE", ElfSymbolType.Common => "COMMON",
                ElfSymbolType.Tls => "TLS", ElfSymbolType.GnuIndirectFunction => "IFUNC", var t => ((int)t).ToString(CultureInfo.InvariantCulture),
            };
            string bind = table.Binding(i) switch
            {
                ElfSymbolBinding.Local => "LOCAL", ElfSymbolBinding.Global => "GLOBAL", ElfSymbolBinding.Weak => "WEAK",
                ElfSymbolBinding.GnuUnique => "UNIQUE", var b => ((int)b).ToString(CultureInfo.InvariantCulture),
            };
            string ndx = table.SectionIndex(i) switch { 0 => "UND", 0xfff1 => "ABS", 0xfff2 => "COM", var n => n.ToString(CultureInfo.InvariantCulture) };
            return $"{table.Address(i):x} {table.Size(i)} {type} {bind} {ndx} {table.Name(i)}";
        }).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
    }
}
