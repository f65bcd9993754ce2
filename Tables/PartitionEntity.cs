using Azure;
using Azure.Data.Tables;

namespace LiveCounter.Tables;

/// <summary>A row of a counter's partition (the partition key is the counter's name): what every row kind shares.</summary>
public abstract class PartitionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }
}
