using Azure;
using LiveCounter.Storage;

namespace LiveCounter.Tables;

/// <summary>
/// The token the Table store hands out for a lane: the lane row's ETag, and the commit log that row held, so a batch
/// built from it can extend the log without reading it again. Opaque to everything else.
/// </summary>
internal static class LaneToken
{
    const char Separator = '\n';

    public static string For(ETag etag, string? commits) => etag.ToString() + Separator + commits;

    public static ETag ETagOf(string token) => new(token[..token.IndexOf(Separator, StringComparison.Ordinal)]);

    public static CommitLog CommitsOf(string? token) =>
        token is null ? CommitLog.Empty : CommitLog.Parse(token[(token.IndexOf(Separator, StringComparison.Ordinal) + 1)..]);
}
