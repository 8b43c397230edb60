using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeakHound.Tests.Hunt;

/// <summary>One answer of a <see cref="FakeService"/>: status, body, and an optional delay before it.</summary>
internal sealed record FakeResponse(int Status, byte[] Body, TimeSpan Delay = default)
{
    public static FakeResponse Text(string body, int status = 200) => new(status, Encoding.UTF8.GetBytes(body));
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for tests that need answers a real Go service will not
/// give on demand: pprof under another prefix, 5xx, slow answers, a listener that goes away and
/// comes back on the same port. Answers come from a handler given the path and query (null: 404);
/// every connection is closed after one answer.
/// </summary>
internal sealed class FakeService : IDisposable
{
    private readonly Func<string, FakeResponse?> _handler;
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public FakeService(Func<string, FakeResponse?> handler)
    {
        _handler = handler;
        Listen(0);
    }

    public int Port { get; private set; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>Requests seen for a path and query ("/debug/pprof/heap?gc=1").</summary>
    public int Hits(string pathAndQuery) => _hits.TryGetValue(pathAndQuery, out int n) ? n : 0;

    /// <summary>Stops listening: connections are refused until <see cref="Listen"/>.</summary>
    public void StopListening()
    {
        _listener?.Stop();
        _listener = null;
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Resume() => Listen(Port);

    private void Listen(int port)
    {
        var l = new TcpListener(IPAddress.Loopback, port);
        l.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        l.Start();
        _listener = l;
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        _accepting = Task.Run(() => AcceptLoop(l));
    }

    private async Task AcceptLoop(TcpListener l)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await l.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                string? target = await ReadRequestTarget(stream);
                if (target is null) return;
                _hits.AddOrUpdate(target, 1, (_, n) => n + 1);
                var r = _handler(target) ?? FakeResponse.Text("404 page not found\n", 404);
                if (r.Delay > TimeSpan.Zero) await Task.Delay(r.Delay, _stop.Token);
                var head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {r.Status} {Reason(r.Status)}\r\nContent-Length: {r.Body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(r.Body, _stop.Token);
                await stream.FlushAsync(_stop.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (a timeout on its side) or the server is stopping.
            }
        }
    }

    /// <summary>Reads the request head; returns the request target of "GET TARGET HTTP/1.1".</summary>
    private static async Task<string?> ReadRequestTarget(NetworkStream stream)
    {
        var buffer = new byte[8192];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(filled));
            if (n == 0) return null;
            filled += n;
            string head = Encoding.ASCII.GetString(buffer, 0, filled);
            if (head.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var parts = head[..head.IndexOf('\r')].Split(' ');
                return parts.Length == 3 ? parts[1] : null;
            }
        }
        return null;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public void Dispose()
    {
        _stop.Cancel();
        StopListening();
        _stop.Dispose();
    }
}
