using Azure;
using Azure.Data.Tables;

namespace LiveCounter.Tables;

/// <summary>Row <c>state</c> of a counter's partition: the counter itself. Its ETag is the concurrency token.</summary>
public sealed class StateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = RowKeys.State;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Value { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public static StateEntity From(CounterSnapshot counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return new StateEntity
        {
            PartitionKey = counter.Name.Value,
            RowKey = RowKeys.State,
            Value = counter.Value,
            Version = counter.Version.Value,
            UpdatedAt = counter.UpdatedAt,
        };
    }

    public CounterSnapshot ToSnapshot(CounterName name) => new(name, Value, new LiveCounter.Version(Version), UpdatedAt);
}
