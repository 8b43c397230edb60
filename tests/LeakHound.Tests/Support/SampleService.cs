using System.Diagnostics;

namespace LeakHound.Tests.Support;

/// <summary>
/// A sample Go service (built by samples/build.sh into samples/bin) running on 127.0.0.1 for one
/// test, and the load driver to send it requests; stopped when disposed.
/// </summary>
public sealed class SampleService : IDisposable
{
    private readonly Process _process;

    public string BaseUrl { get; }

    private SampleService(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public static string Binary(string name)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "samples", "bin", name);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} is missing: run 'bash samples/build.sh' (Go needed), as .ci/run does");
        return path;
    }

    /// <summary>The port it listens on (from <see cref="BaseUrl"/>).</summary>
    public int Port => new Uri(BaseUrl).Port;

    public static SampleService Start(string name) => Start(name, 0);

    /// <summary>
    /// Starts the sample on <paramref name="port"/> (0 picks a free one): a sample restarted on the
    /// port of one that was stopped comes back at the same URL.
    /// </summary>
    public static SampleService Start(string name, int port)
    {
        var psi = new ProcessStartInfo(Binary(name), "-port " + port.ToString(System.Globalization.CultureInfo.InvariantCulture)) { RedirectStandardOutput = true, RedirectStandardError = true };
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        var line = p.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || line.Result is not { } text || !text.StartsWith("listening on http://127.0.0.1:", StringComparison.Ordinal))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"sample {name} did not start listening on 127.0.0.1");
        }
        return new SampleService(p, text["listening on ".Length..].Trim());
    }

    /// <summary>Sends <paramref name="requests"/> requests to /work with the samples' load driver (bounded, loopback only).</summary>
    public void Drive(int requests)
    {
        var psi = new ProcessStartInfo(Binary("load"));
        foreach (var a in new[] { "drive", "-url", BaseUrl + "/work", "-n", requests.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "4", "-timeout", "60s" })
            psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(90_000)) p.Kill(entireProcessTree: true);
        if (p.ExitCode != 0) throw new InvalidOperationException("load drive failed: " + p.StandardError.ReadToEnd());
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
