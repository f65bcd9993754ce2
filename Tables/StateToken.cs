using Azure;

namespace LiveCounter.Tables;

/// <summary>
/// The concurrency token the Table store hands out for a counter: the <c>state</c> row's ETag, and the commit log that
/// row held, so a batch built from it can extend the log without reading it again. Opaque to everything else.
/// </summary>
internal static class StateToken
{
    const char Separator = '\n';

    public static string For(ETag etag, string? commits) => etag.ToString() + Separator + commits;

    public static ETag ETagOf(string token) => new(token[..token.IndexOf(Separator, StringComparison.Ordinal)]);

    public static string? CommitsOf(string? token) =>
        token is null ? null : token[(token.IndexOf(Separator, StringComparison.Ordinal) + 1)..] is { Length: > 0 } commits ? commits : null;
}
