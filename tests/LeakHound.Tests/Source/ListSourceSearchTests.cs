using LeakHound.Reports.Source;
using LeakHound.Tests.Support;

namespace LeakHound.Tests.Source;

/// <summary>
/// LeakHound's search where pprof finds nothing: a sample's profile whose recorded source names are
/// rewritten as a build elsewhere records them (a container's /app, -trimpath, another GOROOT or
/// module cache), listed by the leakhound command run from a folder laid out as a module. The
/// expected output is go tool pprof -list on the original profile (whose sources are where it
/// recorded them) with only the file name of each ROUTINE line changed to the rewritten one.
/// </summary>
public class ListSourceSearchTests : IDisposable
{
    private const string MainFunctions = @"main\.";
    private const string RuntimeFunctions = @"runtime\.(main|gopark)$";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"lh-search-{Guid.NewGuid():N}");
    private readonly string _corpus = Path.Combine(TestPaths.RequireDirectory(TestPaths.Corpus, "run .ci/run"), "cacheleak");

    public ListSourceSearchTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The recorded cacheleak/main.go (which exists: the corpus was built from it).</summary>
    private string RecordedMain(string profile)
    {
        string checkout = ProfileEdits.RecordedCheckout(ProfileEdits.Read(profile)) ?? throw new InvalidOperationException("no samples path recorded in " + profile);
        string main = checkout + "/samples/cacheleak/main.go";
        Assert.True(File.Exists(main), main + " is missing: the corpus must be captured from this checkout's samples");
        return main;
    }

    private string Module(string folder, string modulePath)
    {
        string root = Path.Combine(_dir, folder);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "go.mod"), $"module {modulePath}\n\ngo 1.19\n");
        return root;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }

    /// <summary>Lists the profile with <paramref name="recorded"/> in place of the original name, from <paramref name="cwd"/>; compares with pprof on the original.</summary>
    private (string Stdout, string Stderr) ListRewritten(string profile, string original, string recorded, string regex, string cwd, Dictionary<string, string>? env = null)
    {
        var edited = ProfileEdits.MapFiles(ProfileEdits.Read(profile), f => f == original ? recorded : f);
        string path = ProfileEdits.Write(edited, _dir, $"edited-{Guid.NewGuid():N}.pb.gz");
        var pprof = GoPprof.Run("-list", regex, profile);
        Assert.True(pprof.ExitCode == 0, pprof.Stderr);
        Assert.Contains(" in " + original + "\n", pprof.Stdout);
        Assert.DoesNotContain(" Error: ", pprof.Stdout);
        string expected = pprof.Stdout.Replace(" in " + original + "\n", " in " + recorded + "\n");

        var ours = LeakHoundProcess.Run(cwd, env, "list", regex, path);
        Assert.True(ours.ExitCode == 0, ours.Stderr);
        Assert.Null(TextDiff.FirstDifference(expected, ours.Stdout));
        // Found by LeakHound's search, not by pprof's: the note says so.
        Assert.Contains($"leakhound: source of {recorded} read from ", ours.Stderr);
        return (ours.Stdout, ours.Stderr);
    }

    [Fact]
    public void TrimpathNameIsFoundByModulePath()
    {
        string heap = Path.Combine(_corpus, "heap.pb.gz"), main = RecordedMain(heap);
        string root = Module("mod", "leakhound/samples");
        Copy(main, Path.Combine(root, "cacheleak", "main.go"));
        // From the module root: from root/cacheleak, pprof's own heuristic (the folder's name in the
        // recorded one) would already find it.
        var (_, stderr) = ListRewritten(heap, main, "leakhound/samples/cacheleak/main.go", MainFunctions, root);
        Assert.Contains($"read from {root}/cacheleak/main.go", stderr);
    }

    [Fact]
    public void ContainerPathIsFoundBySuffixUnderTheModuleRoot()
    {
        string heap = Path.Combine(_corpus, "heap.pb.gz"), main = RecordedMain(heap);
        string root = Module("suffix", "example.com/svc");
        Copy(main, Path.Combine(root, "cacheleak", "main.go"));
        Directory.CreateDirectory(Path.Combine(root, "cacheleak", "deeper"));
        ListRewritten(heap, main, "/app/cacheleak/main.go", MainFunctions, Path.Combine(root, "cacheleak", "deeper"));
    }

    [Fact]
    public void ContainerPathIsFoundInAModuleSubfolder()
    {
        string heap = Path.Combine(_corpus, "heap.pb.gz"), main = RecordedMain(heap);
        string root = Module("mono", "example.com/mono");
        Copy(main, Path.Combine(root, "services", "cacheleak", "main.go"));
        // A file of the same name sharing only its name with the recorded one is not taken.
        File.WriteAllText(Path.Combine(root, "services", "main.go"), "package wrong\n");
        ListRewritten(heap, main, "/build/cacheleak/main.go", MainFunctions, root);
    }

    [Fact]
    public void AppRootFileIsFoundAtTheModuleRoot()
    {
        string heap = Path.Combine(_corpus, "heap.pb.gz"), main = RecordedMain(heap);
        string root = Module("approot", "example.com/app");
        Copy(main, Path.Combine(root, "main.go"));
        ListRewritten(heap, main, "/app/main.go", MainFunctions, root);
    }

    [Fact]
    public void StandardLibraryUnderAnotherGoRootIsFoundInThisOne()
    {
        string goroutines = Path.Combine(_corpus, "goroutine.pb.gz");
        var p = ProfileEdits.Read(goroutines);
        string proc = p.Functions.Select(f => f.Filename).First(f => f.EndsWith("/src/runtime/proc.go", StringComparison.Ordinal));
        var goroot = GoEnv("GOROOT");
        Assert.True(proc == goroot + "/src/runtime/proc.go", $"the corpus was built by the Go at {goroot}, so its runtime sources are there ({proc})");
        string cwd = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(cwd);
        ListRewritten(goroutines, proc, "/usr/local/go-elsewhere/src/runtime/proc.go", RuntimeFunctions, cwd);
        ListRewritten(goroutines, proc, "runtime/proc.go", RuntimeFunctions, cwd);
    }

    [Fact]
    public void ModuleCacheNamesAreFoundInGoModCache()
    {
        string heap = Path.Combine(_corpus, "heap.pb.gz"), main = RecordedMain(heap);
        string cache = Path.Combine(_dir, "modcache");
        Copy(main, Path.Combine(cache, "example.com", "!dep@v1.2.3", "cacheleak", "main.go"));
        string cwd = Path.Combine(_dir, "elsewhere");
        Directory.CreateDirectory(cwd);
        var env = new Dictionary<string, string> { ["GOMODCACHE"] = cache };
        ListRewritten(heap, main, "example.com/Dep@v1.2.3/cacheleak/main.go", MainFunctions, cwd, env);
        ListRewritten(heap, main, "/home/ci/go/pkg/mod/example.com/!dep@v1.2.3/cacheleak/main.go", MainFunctions, cwd, env);
    }

    [Fact]
    public void AFileFoundNowhereIsPprofsErrorLineAndExitZero()
    {
        string heap = Path.Combine(_corpus, "heap.pb.gz"), main = RecordedMain(heap);
        string root = Module("missing", "example.com/missing");
        var edited = ProfileEdits.MapFiles(ProfileEdits.Read(heap), f => f == main ? "/app/nothere/main.go" : f);
        string path = ProfileEdits.Write(edited, _dir, "missing.pb.gz");
        var pprof = GoPprof.Run("-list", MainFunctions, path);
        var ours = LeakHoundProcess.Run(root, null, "list", MainFunctions, path);
        Assert.Equal(0, ours.ExitCode);
        Assert.Contains(" Error: open /app/nothere/main.go: no such file or directory\n", ours.Stdout);
        Assert.Null(TextDiff.FirstDifference(pprof.Stdout, ours.Stdout));
        Assert.DoesNotContain("read from", ours.Stderr);
    }

    [Theory]
    [InlineData("module example.com/a\n", "example.com/a")]
    [InlineData("// c\nmodule   \"example.com/q\" // comment\n", "example.com/q")]
    [InlineData("modules x\n", null)]
    public void ModulePathIsReadFromGoMod(string text, string? expected)
    {
        string gomod = Path.Combine(_dir, "go.mod");
        File.WriteAllText(gomod, text);
        Assert.Equal(expected, GoSourceSearch.ReadModulePath(gomod));
    }

    [Theory]
    [InlineData("github.com/BurntSushi/toml@v1.2.0/Decode.go", "github.com/!burnt!sushi/toml@v1.2.0/Decode.go")]
    [InlineData("example.com/x@v0.0.0-2023-abcDEF/y.go", "example.com/x@v0.0.0-2023-abc!d!e!f/y.go")]
    [InlineData("runtime/proc.go", "runtime/proc.go")]
    public void ModuleCacheEscapesUpperCaseInModuleAndVersion(string rel, string expected) =>
        Assert.Equal(expected, GoSourceSearch.EscapeModuleVersion(rel));

    private static string GoEnv(string name)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("go", "env " + name) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string value = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return value;
    }
}
