using System.Security.Cryptography;
using System.Text;
using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>
/// The row keys of a counter's partition: one <c>lane-NN</c> row per lane written (and the <c>state</c> row of a
/// counter from before lanes), one <c>visitor:…</c> row per visitor and one <c>key:…</c> row per idempotency key.
/// </summary>
/// <remarks>
/// In the ordinal order Table Storage sorts keys in, <c>key:</c> &lt; <c>lane-</c> &lt; <c>state</c> &lt;
/// <c>visitor:</c>, so the rows that make up the counter are exactly the range from <see cref="LanesFrom"/> to
/// <see cref="State"/>: one range query reads the counter. A visitor id is a bearer secret, so it is never stored
/// or sent to the service as-is: rows are keyed by the SHA-256 of it, which is also all that a request URL (and any
/// log of one) can ever show.
/// </remarks>
public static class RowKeys
{
    /// <summary>The counter's one row from before lanes: read as one more lane, never written.</summary>
    public const string State = LaneTallies.Legacy;

    /// <summary>Every lane's row key starts with this, and so the range of the counter's rows does.</summary>
    public const string LanesFrom = LaneTallies.LanePrefix;

    /// <summary>Every record's row key starts with this; <see cref="RecordsEnd"/> is the first key after them all.</summary>
    public const string RecordPrefix = "key:";

    /// <summary>The first row key after every record's (';' follows ':').</summary>
    public const string RecordsEnd = "key;";

    const string Anonymous = "anonymous";

    public static string Lane(LaneId lane) => LaneTallies.NameOf(lane);

    /// <summary>The lane a row key names, or null for <see cref="State"/>.</summary>
    /// <exception cref="FormatException">The key is neither a lane's nor <see cref="State"/>.</exception>
    public static LaneId? LaneOf(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        if (rowKey == State)
        {
            return null;
        }

        return LaneTallies.TryParseLane(rowKey, out var lane)
            ? lane
            : throw new FormatException($"The row '{rowKey}' is in the counter's range but names no lane.");
    }

    public static string Visitor(VisitorId visitor) => "visitor:" + Hash(visitor);

    /// <summary>The record of one idempotency key, per visitor (or anonymous), as the design scopes keys.</summary>
    public static string Record(RecordId id) =>
        RecordPrefix + (id.Visitor is null ? Anonymous : Hash(id.Visitor)) + ":" + id.Key.Value;

    static string Hash(VisitorId visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(visitor.Value)));
    }
}
