using Azure;
using Azure.Data.Tables;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>Row <c>visitor:…</c> of a counter's partition: one visitor's running total on that counter.</summary>
public sealed class VisitorEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Total { get; set; }

    public static VisitorEntity From(CounterName counter, VisitorId visitor, long total)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return new VisitorEntity { PartitionKey = counter.Value, RowKey = RowKeys.Visitor(visitor), Total = total };
    }
}
