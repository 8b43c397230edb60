namespace LeakHound.Tests.Support;

/// <summary>Where the tests find the repository, the shared test data and the captured corpus.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>../shared/testdata beside the repository (present in CI; never copied into the repository).</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "testdata"));

    public static string CommittedProfiles => Path.Combine(RepoRoot, "testdata", "profiles");

    /// <summary>Profiles captured from the samples by .ci/run (samples/capture.sh); LEAKHOUND_CORPUS overrides.</summary>
    public static string Corpus => Environment.GetEnvironmentVariable("LEAKHOUND_CORPUS") is { Length: > 0 } c
        ? c
        : Path.Combine(RepoRoot, "artifacts", "corpus");

    public static string RequireDirectory(string dir, string howToMake)
    {
        if (!Directory.Exists(dir))
            throw new InvalidOperationException($"test input folder {dir} is missing: {howToMake}");
        return dir;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "LeakHound.slnx"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (LeakHound.slnx) above " + AppContext.BaseDirectory);
    }
}
