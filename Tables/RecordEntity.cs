using Azure;
using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>Row <c>key:…</c> of a counter's partition: the result first stored under one idempotency key.</summary>
public sealed class RecordEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Value { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public int By { get; set; }

    public long? VisitorTotal { get; set; }

    public static RecordEntity From(IdempotencyKey key, IncrementResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counter = result.Counter;
        return new RecordEntity
        {
            PartitionKey = counter.Name.Value,
            RowKey = RowKeys.Record(result.Visitor, key),
            Value = counter.Value,
            Version = counter.Version.Value,
            UpdatedAt = counter.UpdatedAt,
            By = result.By.Value,
            VisitorTotal = result.VisitorTotal,
        };
    }

    /// <exception cref="InvalidOperationException">The stored record is not a valid result.</exception>
    public IncrementResult ToResult(CounterName name, VisitorId? visitor)
    {
        var by = Amount.From(By);
        if (!by.Succeeded)
        {
            throw new InvalidOperationException("A stored idempotency record holds an invalid 'by'.");
        }

        return new IncrementResult(new CounterSnapshot(name, Value, new LiveCounter.Version(Version), UpdatedAt), by.Value, visitor, VisitorTotal);
    }
}
