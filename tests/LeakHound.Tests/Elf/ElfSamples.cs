using LeakHound.Tests.Support;

namespace LeakHound.Tests.Elf;

/// <summary>
/// The binaries the ELF tests read: the sample services captured in the corpus (x86-64), the
/// cacheleak sample cross-compiled by the installed Go for 32-bit and big-endian targets, and a small
/// C program built by the system's C compiler (dynamically linked, so it has .dynsym too). The
/// reference tools are <c>go tool nm</c> (Go's debug/elf) and binutils' <c>readelf</c>.
/// Built once per test run into artifacts/elf-samples (go build and cc are incremental enough).
/// </summary>
public sealed class ElfSamples
{
    /// <summary>GOARCH → what it gives: ELF32 little-endian, ELF32 big-endian, ELF64 big-endian (two).</summary>
    public static readonly string[] CrossArchitectures = ["386", "arm", "mips", "ppc64", "s390x"];

    public static string Dir { get; } = Path.Combine(TestPaths.RepoRoot, "artifacts", "elf-samples");

    private static readonly Lazy<IReadOnlyDictionary<string, string>> s_cross = new(BuildCross);
    private static readonly Lazy<string> s_c = new(BuildC);

    /// <summary>Every sample service binary of the corpus (required: .ci/run captures it).</summary>
    public static IEnumerable<string> CorpusBinaries()
    {
        string corpus = TestPaths.RequireDirectory(TestPaths.Corpus, "run 'bash samples/capture.sh artifacts/corpus' (Go needed), as .ci/run does");
        var found = Directory.GetDirectories(corpus).Select(d => Path.Combine(d, "binary")).Where(File.Exists).Order(StringComparer.Ordinal).ToList();
        if (found.Count == 0) throw new InvalidOperationException($"no sample binaries in {corpus}/*/binary");
        return found;
    }

    /// <summary>The cacheleak sample built for <paramref name="goarch"/>.</summary>
    public static string Cross(string goarch) => s_cross.Value[goarch];

    /// <summary>The C sample (samples of every symbol kind; see CSource).</summary>
    public static string C => s_c.Value;

    private static IReadOnlyDictionary<string, string> BuildCross()
    {
        var result = new Dictionary<string, string>();
        foreach (var arch in CrossArchitectures)
        {
            string output = Path.Combine(Dir, "cacheleak-" + arch);
            var env = new Dictionary<string, string> { ["GOARCH"] = arch, ["GOOS"] = "linux", ["CGO_ENABLED"] = "0", ["GOTOOLCHAIN"] = "local" };
            // go needs a build cache and a GOPATH; give it both when there is no HOME (as samples/build.sh does).
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")))
            {
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOCACHE")))
                    env["GOCACHE"] = Path.Combine(Path.GetTempPath(), "leakhound-go-build-cache");
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOPATH")))
                    env["GOPATH"] = Path.Combine(Path.GetTempPath(), "leakhound-gopath");
            }
            ReferenceTools.Run("go", ["build", "-o", output, "./cacheleak"], Path.Combine(TestPaths.RepoRoot, "samples"), env, timeoutSeconds: 300);
            result[arch] = output;
        }
        return result;
    }

    public const string CSource = """
        #include <stdio.h>
        int counter;                                  /* .bss, global */
        static long hidden_total = 7;                 /* .data, local */
        const char greeting[] = "hello from leakhound"; /* .rodata, global */
        int table[64] = {1, 2, 3};                    /* .data, global */
        __attribute__((weak)) int tunable = 3;        /* .data, weak */
        static int helper(int x) { return x * 3 + (int)hidden_total; }
        __attribute__((noinline)) int compute(int x) { counter += helper(x); return counter + table[x & 63]; }
        int main(int argc, char **argv) { (void)argv; printf("%s %d %d\n", greeting, compute(argc), tunable); return 0; }
        """;

    private static string BuildC()
    {
        Directory.CreateDirectory(Dir);
        string source = Path.Combine(Dir, "csample.c"), output = Path.Combine(Dir, "csample");
        File.WriteAllText(source, CSource);
        ReferenceTools.Run("cc", ["-O0", "-o", output, source], Dir, new Dictionary<string, string>(), timeoutSeconds: 120);
        return output;
    }
}
