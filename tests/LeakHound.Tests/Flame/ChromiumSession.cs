using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeakHound.Tests.Flame;

/// <summary>
/// A headless Chromium driven over the Chrome DevTools Protocol on one WebSocket (flattened target
/// sessions): open a page, evaluate script in it, collect its errors. Uses Debian's chromium as
/// installed; installs nothing.
/// </summary>
public sealed partial class ChromiumSession : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profileDir;
    private readonly ClientWebSocket _socket = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly List<JsonElement> _events = [];
    private readonly object _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receive;
    private int _nextId;

    private ChromiumSession(Process process, string profileDir)
    {
        _process = process;
        _profileDir = profileDir;
    }

    public static string? FindChromium()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    public static async Task<ChromiumSession> StartAsync()
    {
        string chromium = FindChromium() ?? throw new InvalidOperationException(
            "Chromium is not installed, and the flame graph page is tested in a real browser. " +
            "Install Debian's: sudo apt-get install -y chromium (CI's .ci/run installs it).");
        string profileDir = Path.Combine(Path.GetTempPath(), "leakhound-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profileDir);
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--hide-scrollbars", "--window-size=1400,900",
            "--user-data-dir=" + profileDir, "--remote-debugging-port=0", "about:blank",
        })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + chromium);
        var session = new ChromiumSession(process, profileDir);
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { url.TrySetException(new InvalidOperationException("chromium exited before listening:\n" + stderr)); return; }
            lock (stderr) stderr.AppendLine(e.Data);
            var m = DevToolsLine().Match(e.Data);
            if (m.Success) url.TrySetResult(m.Groups[1].Value);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            string ws = await url.Task.WaitAsync(Timeout);
            await session._socket.ConnectAsync(new Uri(ws), CancellationToken.None).WaitAsync(Timeout);
            session._receive = Task.Run(session.ReceiveLoop);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();

    /// <summary>Opens <paramref name="url"/> in a new tab with Runtime, Log and Page events on, and waits for its load event; returns the session id.</summary>
    public async Task<string> OpenAsync(string url)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
        string session = attached.GetProperty("sessionId").GetString()!;
        await SendAsync("Runtime.enable", null, session);
        await SendAsync("Log.enable", null, session);
        await SendAsync("Page.enable", null, session);
        int seen = EventCount;
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, session);
        await WaitForEventAsync("Page.loadEventFired", session, seen);
        return session;
    }

    /// <summary>Evaluates an expression in the page (promises awaited) and returns its value as JSON; a thrown exception fails.</summary>
    public async Task<JsonElement> EvaluateAsync(string session, string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true, ["userGesture"] = true,
        }, session);
        if (r.TryGetProperty("exceptionDetails", out var ex))
            throw new InvalidOperationException("page script failed: " + ex.GetRawText());
        var result = r.GetProperty("result");
        return result.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    /// <summary>Uncaught exceptions, console.error calls and error log entries of a page so far.</summary>
    public List<string> Errors(string session)
    {
        var errors = new List<string>();
        lock (_lock)
        {
            foreach (var e in _events)
            {
                if (!e.TryGetProperty("sessionId", out var s) || s.GetString() != session) continue;
                string method = e.GetProperty("method").GetString()!;
                var p = e.GetProperty("params");
                if (method == "Runtime.exceptionThrown")
                    errors.Add("exception: " + p.GetProperty("exceptionDetails").GetRawText());
                else if (method == "Runtime.consoleAPICalled" && p.GetProperty("type").GetString() is "error" or "assert")
                    errors.Add("console." + p.GetProperty("type").GetString() + ": " + p.GetProperty("args").GetRawText());
                else if (method == "Log.entryAdded" && p.GetProperty("entry").GetProperty("level").GetString() == "error")
                    errors.Add("log: " + p.GetProperty("entry").GetRawText());
            }
        }
        return errors;
    }

    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters, string? session = null)
    {
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_lock)
        {
            id = ++_nextId;
            _pending[id] = tcs;
        }
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (session is not null) message["sessionId"] = session;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);
        var reply = await tcs.Task.WaitAsync(Timeout);
        if (reply.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"{method} failed: {error.GetRawText()}");
        return reply.GetProperty("result");
    }

    private int EventCount
    {
        get { lock (_lock) return _events.Count; }
    }

    private async Task WaitForEventAsync(string method, string session, int after)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_lock)
            {
                for (int i = after; i < _events.Count; i++)
                    if (_events[i].GetProperty("method").GetString() == method
                        && _events[i].TryGetProperty("sessionId", out var s) && s.GetString() == session)
                        return;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"no {method} within {Timeout.TotalSeconds} s");
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var doc = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                message.SetLength(0);
                lock (_lock)
                {
                    if (doc.TryGetProperty("id", out var id) && _pending.Remove(id.GetInt32(), out var tcs)) tcs.TrySetResult(doc);
                    else if (doc.TryGetProperty("method", out _)) _events.Add(doc);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // closing
        }
        lock (_lock)
        {
            foreach (var tcs in _pending.Values) tcs.TrySetException(new InvalidOperationException("the DevTools connection closed"));
            _pending.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await SendAsync("Browser.close", null).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or WebSocketException)
        {
            // it is going away anyway
        }
        _stop.Cancel();
        if (_receive is not null)
        {
            try { await _receive.WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { }
        }
        if (!_process.WaitForExit(5000))
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        _socket.Dispose();
        _stop.Dispose();
        try { Directory.Delete(_profileDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
