using System.Diagnostics;
using LeakHound.Reports.Source;

namespace LeakHound.Cli;

/// <summary>
/// GOROOT and the module caches of this machine: what <c>go env</c> reports when Go is installed,
/// otherwise the GOROOT, GOPATH and GOMODCACHE variables with Go's defaults (/usr/local/go, ~/go).
/// </summary>
public static class GoEnvironment
{
    public static GoDirectories Query()
    {
        var fromGo = AskGo();
        string goroot = fromGo?[0] ?? Variable("GOROOT") ?? "/usr/local/go";
        string gopath = fromGo?[1] ?? Variable("GOPATH") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "go");
        var caches = new List<string>();
        var gopaths = SourcePaths.SplitList(gopath).Where(p => p.Length != 0).ToList();
        string? modcache = fromGo?[2] ?? Variable("GOMODCACHE") ?? gopaths.Select(p => Path.Combine(p, "pkg", "mod")).FirstOrDefault();
        if (!string.IsNullOrEmpty(modcache)) caches.Add(modcache);
        foreach (var p in gopaths)
        {
            string c = Path.Combine(p, "pkg", "mod");
            if (!caches.Contains(c)) caches.Add(c);
        }
        return new GoDirectories(goroot, caches);
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>GOROOT, GOPATH and GOMODCACHE from <c>go env</c>, or null when Go is missing or fails.</summary>
    private static string?[]? AskGo()
    {
        var psi = new ProcessStartInfo("go") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "env", "GOROOT", "GOPATH", "GOMODCACHE" }) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000))
            {
                p.Kill(entireProcessTree: true);
                return null;
            }
            if (p.ExitCode != 0) return null;
            var lines = output.Result.Split('\n');
            if (lines.Length < 3) return null;
            return [.. lines.Take(3).Select(l => l.Trim() is { Length: > 0 } v ? v : null)];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
