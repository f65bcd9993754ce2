using System.Security.Cryptography;
using System.Text;
using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>
/// The row keys of a counter's partition: <c>state</c>, one <c>visitor:…</c> row per visitor and one <c>key:…</c>
/// row per idempotency key.
/// </summary>
/// <remarks>
/// A visitor id is a bearer secret, so it is never stored or sent to the service as-is: rows are keyed by the SHA-256
/// of it, which is also all that a request URL (and any log of one) can ever show.
/// </remarks>
public static class RowKeys
{
    public const string State = "state";

    /// <summary>Every record's row key starts with this; <see cref="RecordsEnd"/> is the first key after them all.</summary>
    public const string RecordPrefix = "key:";

    /// <summary>The first row key after every record's (';' follows ':' in the ordinal order Table Storage sorts keys in).</summary>
    public const string RecordsEnd = "key;";

    const string Anonymous = "anonymous";

    public static string Visitor(VisitorId visitor) => "visitor:" + Hash(visitor);

    /// <summary>The record of one idempotency key, per visitor (or anonymous), as the design scopes keys.</summary>
    public static string Record(VisitorId? visitor, IdempotencyKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RecordPrefix + (visitor is null ? Anonymous : Hash(visitor)) + ":" + key.Value;
    }

    static string Hash(VisitorId visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(visitor.Value)));
    }
}
