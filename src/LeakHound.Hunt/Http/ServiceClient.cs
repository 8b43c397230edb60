using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LeakHound.Hunt.Http;

/// <summary>
/// GETs from the hunted service: a time limit per answer, a size limit, every failure classified
/// (<see cref="FetchFailure"/>), and transient failures (refused, timed out, 5xx, reset) asked again
/// with doubling backoff, within a deadline. Never throws for the service's sake; only cancellation
/// by the caller's token escapes, as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class ServiceClient : IDisposable
{
    /// <summary>A try is not started with less time than this left: it could not succeed.</summary>
    private static readonly TimeSpan MinimumTry = TimeSpan.FromMilliseconds(20);

    /// <summary>Connecting may take this long at most, so a dropped SYN leaves time for another try.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _client;

    public ServiceClient(long maxResponseBytes = 512L << 20)
    {
        MaxResponseBytes = maxResponseBytes;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.None, // pprof bodies are gzip data, not gzip transfer
            ConnectTimeout = ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50), // under Go's usual IdleTimeout of 60 s
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("leakhound/" + HuntVersion.Number);
    }

    public long MaxResponseBytes { get; }

    /// <summary>
    /// GET with up to <paramref name="tries"/> tries while transient failures last, waiting
    /// <paramref name="firstBackoff"/>, then twice that, between tries; each try may use all the
    /// time left before <paramref name="deadline"/> (a <see cref="Stopwatch"/> timestamp), and no
    /// try starts when the wait would pass it.
    /// </summary>
    public async Task<FetchResult> GetAsync(Uri url, long deadline, int tries, TimeSpan firstBackoff, CancellationToken ct)
    {
        var backoff = firstBackoff;
        for (int attempt = 1; ; attempt++)
        {
            var remaining = Remaining(deadline);
            if (remaining <= MinimumTry)
                return new FetchResult(url, FetchFailure.Timeout, null, null, "no time left within the interval", attempt - 1);
            var r = await GetOnceAsync(url, remaining, ct).ConfigureAwait(false);
            r = r with { Tries = attempt };
            if (r.Ok || !FetchResult.IsTransient(r.Failure) || attempt >= tries || Remaining(deadline) <= backoff)
                return r;
            await Task.Delay(backoff, ct).ConfigureAwait(false);
            backoff *= 2;
        }
    }

    /// <summary>One GET, answered within <paramref name="timeout"/> or failed.</summary>
    public async Task<FetchResult> GetOnceAsync(Uri url, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var failure = status >= 500 ? FetchFailure.ServerError : FetchFailure.ClientError;
                return new FetchResult(url, failure, status, null, $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), 1);
            }
            if (response.Content.Headers.ContentLength is long n && n > MaxResponseBytes)
                return TooLarge(url, status);
            var body = await ReadBodyAsync(response.Content, response.Content.Headers.ContentLength, cts.Token).ConfigureAwait(false);
            return body is null ? TooLarge(url, status) : new FetchResult(url, FetchFailure.None, status, body, null, 1);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new FetchResult(url, FetchFailure.Timeout, null, null, $"no answer within {Seconds(timeout)}", 1);
        }
        catch (HttpRequestException e) when (IsRefused(e))
        {
            return new FetchResult(url, FetchFailure.Refused, null, null, "connection refused", 1);
        }
        catch (HttpRequestException e)
        {
            return new FetchResult(url, FetchFailure.Network, null, null, OneLine(e), 1);
        }
        catch (IOException e)
        {
            return new FetchResult(url, FetchFailure.Network, null, null, "connection lost while reading the answer: " + OneLine(e), 1);
        }
    }

    private FetchResult TooLarge(Uri url, int status) =>
        new(url, FetchFailure.TooLarge, status, null, $"answer larger than the limit of {MaxResponseBytes} bytes", 1);

    /// <summary>The body, or null when it is over the limit. One exact-size array when the length is known.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContent content, long? length, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        if (length is long known)
        {
            var exact = new byte[known];
            await stream.ReadExactlyAsync(exact, ct).ConfigureAwait(false);
            return exact;
        }
        using var ms = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + read > MaxResponseBytes) return null;
            ms.Write(buffer, 0, read);
        }
        return ms.ToArray();
    }

    private static bool IsRefused(HttpRequestException e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return true;
        return false;
    }

    private static string OneLine(Exception e)
    {
        // The innermost message says what happened ("Connection reset by peer"); the outer ones wrap it.
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        string m = inner == e ? e.Message : $"{e.Message} ({inner.Message})";
        return m.ReplaceLineEndings(" ");
    }

    private static string Seconds(TimeSpan t) =>
        t.TotalSeconds >= 0.95 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

    public static TimeSpan Remaining(long deadline) => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);

    public void Dispose() => _client.Dispose();
}
