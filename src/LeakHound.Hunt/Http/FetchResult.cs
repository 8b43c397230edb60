namespace LeakHound.Hunt.Http;

/// <summary>Why a fetch failed; <see cref="None"/> when it did not.</summary>
public enum FetchFailure
{
    None,
    /// <summary>Nothing listens at the address: the service is down (or restarting).</summary>
    Refused,
    /// <summary>No complete answer within the time allowed.</summary>
    Timeout,
    /// <summary>HTTP 5xx.</summary>
    ServerError,
    /// <summary>HTTP 4xx (and any other non-success status): asking again will not help.</summary>
    ClientError,
    /// <summary>Another network failure: a reset connection, a truncated body, DNS.</summary>
    Network,
    /// <summary>The answer is larger than the limit.</summary>
    TooLarge,
}

/// <summary>The outcome of one GET, after its retries: the body, or why there is none.</summary>
public sealed record FetchResult(Uri Url, FetchFailure Failure, int? Status, byte[]? Body, string? Error, int Tries)
{
    public bool Ok => Failure == FetchFailure.None;

    /// <summary>Failures that may go away on their own: asked again, with backoff.</summary>
    public static bool IsTransient(FetchFailure f) =>
        f is FetchFailure.Refused or FetchFailure.Timeout or FetchFailure.ServerError or FetchFailure.Network;

    /// <summary>One line: "GET URL: connection refused (3 tries)".</summary>
    public string Describe() => $"{Url}: {Error}{(Tries > 1 ? $" ({Tries} tries)" : "")}";
}
