using Azure;
using Azure.Data.Tables;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>Row <c>visitor:…</c> of a counter's partition: one visitor's running total on that counter. Its ETag is the total's token.</summary>
public sealed class VisitorEntity : PartitionEntity
{
    public long Total { get; set; }

    public static VisitorEntity From(CounterName counter, VisitorId visitor, long total)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return new VisitorEntity { PartitionKey = counter.Value, RowKey = RowKeys.Visitor(visitor), Total = total };
    }

    public VisitorTotal ToTotal() => new(Total, ETag.ToString());
}
