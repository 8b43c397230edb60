using System.Diagnostics;
using System.Net;
using LeakHound.Formats.Pprof;
using LeakHound.Hunt;

namespace LeakHound.Bench;

/// <summary>
/// The CPU LeakHound spends taking and storing one snapshot whose heap profile is about 1 MB:
/// a loopback HTTP server in a child process (this program, <c>serve-heaps</c>) serves generated
/// heap profiles and a <c>/metrics</c> page; 100 snapshots are taken 100 ms apart and the
/// per-snapshot process CPU the hunt reports is summarised: the first, the warm-up while the JIT
/// recompiles hot paths (the first half), and the steady cost (the second half).
/// Only the hunting process is measured: the server's work is not LeakHound's.
/// </summary>
public static class SnapshotCost
{
    /// <param name="keepStore">Write a store of <paramref name="snapshots"/> snapshots there (for timing analyze) instead of a temporary one.</param>
    public static async Task RunAsync(int snapshots = 100, string? keepStore = null)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (!Environment.ProcessPath!.EndsWith("LeakHound.Bench", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(SnapshotCost).Assembly.Location);
        psi.ArgumentList.Add("serve-heaps");
        using var server = Process.Start(psi)!;
        try
        {
            // The child prints "PORT BYTES" once it listens.
            var ready = (await server.StandardOutput.ReadLineAsync())?.Split(' ') ?? throw new InvalidOperationException("the server did not start");
            int port = int.Parse(ready[0], System.Globalization.CultureInfo.InvariantCulture);
            string store = keepStore ?? Path.Combine(Path.GetTempPath(), $"lh-cost-{Guid.NewGuid():N}.hunt");
            try
            {
                using var hunter = await Hunter.StartAsync(new Uri($"http://127.0.0.1:{port}/"), store,
                    new HuntOptions { Interval = TimeSpan.FromMilliseconds(100), MaxSnapshots = snapshots }, CancellationToken.None);
                var cpu = new List<double>();
                await hunter.RunAsync(new Collect(p => cpu.Add(p.Cpu.TotalMilliseconds)), CancellationToken.None);
                    // The runtime's tiered compilation recompiles the hot paths during the first few dozen
                // snapshots (on its own thread, but in this process's CPU): the second half is the
                // steady cost, the first half's largest the price of that warm-up.
                var warm = cpu.Skip(cpu.Count / 2).Order().ToList();
                double warmUpMax = cpu.Skip(1).Take(cpu.Count / 2 - 1).DefaultIfEmpty(0).Max();
                Console.WriteLine($"heap profile {ready[1]} bytes; CPU per snapshot: first {cpu[0]:F1} ms, while the JIT warms up (2 to {cpu.Count / 2}) at most {warmUpMax:F1} ms; " +
                    $"then median {warm[warm.Count / 2]:F1} ms, p90 {warm[(int)(warm.Count * 0.9)]:F1} ms, max {warm[^1]:F1} ms ({warm.Count} snapshots)");
            }
            finally
            {
                if (keepStore is null)
                    foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(store) + "*")) File.Delete(f);
            }
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    /// <summary>
    /// The server <see cref="RunAsync"/> hunts (<c>serve-heaps</c>): four generated ~1 MB heap
    /// profiles served in turn, so the stored snapshots differ, and a <c>/metrics</c> page; prints
    /// "PORT BYTES" when it listens, then serves until killed.
    /// </summary>
    public static async Task ServeAsync()
    {
        var heaps = new List<byte[]>();
        for (int v = 0; v < 4; v++)
        {
            using var ms = new MemoryStream();
            ProtoProfileWriter.Write(HeapProfileGenerator.Generate(13_000, 20_000, 4_000, 42 + (ulong)v), ms);
            heaps.Add(ms.ToArray());
        }
        int served = 0;
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Console.WriteLine($"{port} {heaps[0].Length}");
        while (listener.IsListening)
        {
            var ctx = await listener.GetContextAsync();
            string path = ctx.Request.Url!.PathAndQuery;
            byte[] body = path.StartsWith("/debug/pprof/heap", StringComparison.Ordinal) ? heaps[Interlocked.Increment(ref served) % heaps.Count]
                : path == "/debug/pprof/" ? "<a href=\"heap?debug=1\">heap</a> <a href=\"goroutine?debug=1\">goroutine</a>"u8.ToArray()
                // One process throughout: the profiles served in turn have allocation totals that
                // go up and down, which alone would read as restarts.
                : path == "/metrics" ? "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1.7637e+09\n"u8.ToArray()
                : [];
            ctx.Response.StatusCode = body.Length == 0 ? 404 : 200;
            await ctx.Response.OutputStream.WriteAsync(body);
            ctx.Response.Close();
        }
    }

    private sealed class Collect(Action<HuntProgress> action) : IProgress<HuntProgress>
    {
        public void Report(HuntProgress value) => action(value);
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
