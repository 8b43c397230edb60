using System.Diagnostics;

namespace LeakHound.Tests.Support;

/// <summary>Runs the reference tools (go, readelf, cc); a missing tool fails the test with what to install.</summary>
public static class ReferenceTools
{
    public static string Run(string tool, string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? env = null, int timeoutSeconds = 120)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"the ELF tests need '{tool}' ({e.Message}): .ci/run installs golang-go, which brings gcc and binutils", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
            }
            if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
            return stdout.Result;
        }
    }
}
