using LeakHound.Reports.Source;

namespace LeakHound.Tests.Source;

/// <summary>
/// pprof's trimPath, checked by hand against its source (report/source.go in Go 1.19's vendored
/// pprof) and its comment's example; and Go's filepath.Join/Dir/SplitList.
/// </summary>
public class SourcePathsTests
{
    [Theory]
    // The heuristic of pprof's comment: the search folder's last element found in the recorded name.
    [InlineData("/some/remote/path/my-project/foo/bar.c", "", "/my/local/path/my-project", "foo/bar.c")]
    // Only without -trim_path; then the first matching prefix, with or without its slash.
    [InlineData("/some/remote/path/my-project/foo/bar.c", "/some/remote", "/my/local/path/my-project", "path/my-project/foo/bar.c")]
    [InlineData("/build/app/x.go", "/nope:/build/", "", "app/x.go")]
    [InlineData("/build/app/x.go", "/build/app", "", "x.go")]
    // Bazel's sandbox prefixes are always removed.
    [InlineData("/proc/self/cwd/./pkg/x.go", "", "", "pkg/x.go")]
    [InlineData("/proc/self/cwd/pkg/x.go", "/other", "", "pkg/x.go")]
    // No match: unchanged. A prefix must end at a folder boundary.
    [InlineData("/buildx/app/x.go", "/build", "", "/buildx/app/x.go")]
    [InlineData("/usr/lib/go/src/runtime/proc.go", "", "/home/me/proj", "/usr/lib/go/src/runtime/proc.go")]
    // Each search folder in turn; the first occurrence of "/BASE/".
    [InlineData("/a/src/b/src/c.go", "", "/x/y:/z/src", "b/src/c.go")]
    public void TrimsAsPprof(string path, string trim, string search, string expected) =>
        Assert.Equal(expected, SourcePaths.Trim(path, trim, search));

    [Theory]
    [InlineData("/a/b", "c/d.go", "/a/b/c/d.go")]
    [InlineData("/", "x.go", "/x.go")]
    [InlineData("rel", "../x.go", "x.go")]
    [InlineData("", "x.go", "x.go")]
    public void JoinsAsGo(string dir, string path, string expected) => Assert.Equal(expected, SourcePaths.Join(dir, path));

    [Theory]
    [InlineData("/a/b", "/a")]
    [InlineData("/a", "/")]
    [InlineData("/", "/")]
    [InlineData("a", ".")]
    [InlineData(".", ".")]
    public void DirIsGos(string path, string expected) => Assert.Equal(expected, SourcePaths.Dir(path));

    [Fact]
    public void AnEmptyListHasNoEntries()
    {
        Assert.Empty(SourcePaths.SplitList(""));
        Assert.Equal(["/a", "", "/b"], SourcePaths.SplitList("/a::/b"));
    }
}
