using Azure;
using Azure.Data.Tables;
using LiveCounter.Storage;

namespace LiveCounter.Tables;

/// <summary>Row <c>state</c> of a counter's partition: the counter itself, and its recent commits. Its ETag is the concurrency token.</summary>
public sealed class StateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = RowKeys.State;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Value { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>The <see cref="CommitLog"/>: which commit started from each of the last versions.</summary>
    public string? Commits { get; set; }

    /// <summary>The row a batch writes: the counter after it, and the log with the batch's own commit added.</summary>
    public static StateEntity After(CommitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new StateEntity
        {
            PartitionKey = batch.Name.Value,
            RowKey = RowKeys.State,
            Value = batch.After.Value,
            Version = batch.After.Version.Value,
            UpdatedAt = batch.After.UpdatedAt,
            Commits = CommitLog.Append(StateToken.CommitsOf(batch.Base.Token), batch.Base.Counter.Version.Value, batch.Id),
        };
    }

    public CounterState ToState(CounterName name) =>
        new(new CounterSnapshot(name, Value, new LiveCounter.Version(Version), UpdatedAt), StateToken.For(ETag, Commits));
}
