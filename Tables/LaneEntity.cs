using Azure;
using Azure.Data.Tables;
using LiveCounter.Storage;

namespace LiveCounter.Tables;

/// <summary>A lane's row (<c>lane-NN</c>), or the <c>state</c> row of a counter from before lanes: a tally, and the lane's recent commits.</summary>
public sealed class LaneEntity : PartitionEntity
{
    public long Value { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>The lane's <see cref="CommitLog"/>: which commit started from each of its last versions.</summary>
    public string? Commits { get; set; }

    /// <exception cref="InvalidOperationException">
    /// The row holds a negative value or version: a lane only grows from zero, by increments of 1 to 1,000, so the row
    /// is corrupt, and counting it would be wrong.
    /// </exception>
    public Tally ToTally() => Value >= 0 && Version >= 0
        ? new(Value, new CounterVersion(Version), UpdatedAt)
        : throw new InvalidOperationException($"The row '{RowKey}' of counter '{PartitionKey}' holds a negative value or version.");

    /// <summary>The row a batch writes: the lane after it, and the log with the batch's own commit added.</summary>
    public static LaneEntity After(CommitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new LaneEntity
        {
            PartitionKey = batch.Name.Value,
            RowKey = RowKeys.Lane(batch.Lane.Id),
            Value = batch.LaneAfter.Value,
            Version = batch.LaneAfter.Version.Value,
            UpdatedAt = batch.LaneAfter.UpdatedAt,
            Commits = LaneToken.CommitsOf(batch.Lane.Token).After(batch.Lane.Tally.Version, batch.Id).ToString(),
        };
    }

    public LaneRow ToRow(LaneId lane) => new(lane, ToTally(), LaneToken.For(ETag, Commits));
}
