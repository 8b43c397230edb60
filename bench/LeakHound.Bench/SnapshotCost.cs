using System.Diagnostics;
using System.Net;
using LeakHound.Formats.Pprof;
using LeakHound.Hunt;

namespace LeakHound.Bench;

/// <summary>
/// The CPU LeakHound spends taking and storing one snapshot whose heap profile is about 1 MB:
/// a loopback HTTP server in this process serves a generated heap profile (and nothing else, so
/// the heap profile itself is parsed for heap in use); 40 snapshots are taken 100 ms apart and the
/// per-snapshot process CPU the hunt reports is summarised (the first 10 pay for JIT compilation).
/// The server's own work is counted too, so the figure overstates LeakHound's share.
/// </summary>
public static class SnapshotCost
{
    /// <param name="keepStore">Write a store of <paramref name="snapshots"/> snapshots there (for timing analyze) instead of a temporary one.</param>
    public static async Task RunAsync(int snapshots = 40, string? keepStore = null)
    {
        // A few different ~1 MB profiles, served in turn, so that the stored snapshots differ.
        var heaps = new List<byte[]>();
        for (int v = 0; v < 4; v++)
        {
            using var ms = new MemoryStream();
            ProtoProfileWriter.Write(HeapProfileGenerator.Generate(13_000, 20_000, 4_000, 42 + (ulong)v), ms);
            heaps.Add(ms.ToArray());
        }
        byte[] heap = heaps[0];
        int served = 0;
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
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
        });

        string store = keepStore ?? Path.Combine(Path.GetTempPath(), $"lh-cost-{Guid.NewGuid():N}.hunt");
        try
        {
            using var hunter = await Hunter.StartAsync(new Uri($"http://127.0.0.1:{port}/"), store,
                new HuntOptions { Interval = TimeSpan.FromMilliseconds(100), MaxSnapshots = snapshots }, CancellationToken.None);
            var cpu = new List<double>();
            await hunter.RunAsync(new Collect(p => cpu.Add(p.Cpu.TotalMilliseconds)), CancellationToken.None);
            var warm = cpu.Skip(10).Order().ToList();
            Console.WriteLine($"heap profile {heap.Length} bytes; CPU per snapshot: first {cpu[0]:F1} ms, warm median {warm[warm.Count / 2]:F1} ms, p90 {warm[(int)(warm.Count * 0.9)]:F1} ms, max {warm[^1]:F1} ms ({warm.Count} warm snapshots)");
        }
        finally
        {
            listener.Stop();
            if (keepStore is null)
                foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(store) + "*")) File.Delete(f);
        }
        await serving;
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
