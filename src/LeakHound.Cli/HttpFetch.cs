using LeakHound.Core;

namespace LeakHound.Cli;

/// <summary>One bounded HTTP GET: a timeout, a size limit, and failures as one-line input errors.</summary>
public static class HttpFetch
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static byte[] Get(Uri url, long maxBytes)
    {
        try
        {
            using var response = Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw new InputException(url.ToString(), $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength is long n && n > maxBytes)
                throw new InputException(url.ToString(), $"response of {n} bytes is over the limit of {maxBytes}");
            using var body = response.Content.ReadAsStream();
            using var ms = new MemoryStream();
            var buffer = new byte[1 << 16];
            int read;
            while ((read = body.Read(buffer)) > 0)
            {
                if (ms.Length + read > maxBytes) throw new InputException(url.ToString(), $"response is over the limit of {maxBytes} bytes");
                ms.Write(buffer, 0, read);
            }
            return ms.ToArray();
        }
        catch (HttpRequestException e)
        {
            throw new InputException(url.ToString(), e.Message);
        }
        catch (TaskCanceledException)
        {
            throw new InputException(url.ToString(), "timed out after 60 s");
        }
    }
}
