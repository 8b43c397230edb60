using System.Diagnostics;

namespace LeakHound.Tests.Support;

/// <summary>Runs the reference tool, <c>go tool pprof</c> of the installed Go, in the test's time zone.</summary>
public static class GoPprof
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => RunWithInput(null, args);

    /// <summary>Runs pprof with <paramref name="stdin"/> piped to it (its interactive mode reads commands from a pipe).</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithInput(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("go") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        psi.ArgumentList.Add("tool");
        psi.ArgumentList.Add("pprof");
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Same zone as this process, so the Time: header lines agree; pprof needs a writable HOME.
        psi.Environment["TZ"] = TimeZoneInfo.Local.Id;
        psi.Environment["HOME"] = Path.GetTempPath();
        psi.Environment["PPROF_TMPDIR"] = Path.GetTempPath();
        psi.Environment["PPROF_BINARY_PATH"] = "/nonexistent";
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the differential tests need Go's pprof: 'go' could not be started (" + e.Message + "); .ci/run installs golang-go", e);
        }
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("go tool pprof " + string.Join(' ', args) + " did not finish in 60 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
