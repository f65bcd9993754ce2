using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using LiveCounter.Wire;

namespace LiveCounter.Tables;

/// <summary>Row <c>key:…</c> of a counter's partition: the result first stored under one idempotency key.</summary>
public sealed class RecordEntity : PartitionEntity
{
    public long Value { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public int By { get; set; }

    public long? VisitorTotal { get; set; }

    /// <summary>The commit that wrote the record: a writer whose answer was lost finds its own id here.</summary>
    public string CommitId { get; set; } = string.Empty;

    /// <summary>When the record was written.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the record expires, by the window of the process that wrote it; absent on records written before
    /// records carried it, which expire the default window after <see cref="CreatedAt"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The lane the increment was counted in (<c>lane-NN</c>); absent on records written before counters had lanes.</summary>
    public string? Lane { get; set; }

    /// <summary>That lane's own version after the increment.</summary>
    public long? LaneVersion { get; set; }

    /// <summary>The counter lane by lane as the increment's commit saw it (the wire's <c>lanes</c>, as JSON); absent on records written before results carried their lanes.</summary>
    public string? Lanes { get; set; }

    public static RecordEntity From(IncrementRecord record, CommitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(batch);
        var result = record.Result;
        var counter = result.Counter;
        return new RecordEntity
        {
            PartitionKey = counter.Name.Value,
            RowKey = RowKeys.Record(record.Id),
            CommitId = batch.Id.Value,
            CreatedAt = batch.At,
            ExpiresAt = batch.ExpiresAt,
            Value = counter.Value,
            Version = counter.Version.Value,
            UpdatedAt = counter.UpdatedAt,
            By = result.By.Value,
            VisitorTotal = result.VisitorTotal,
            Lane = result.Position is { } position ? RowKeys.Lane(position.Lane) : null,
            LaneVersion = result.Position?.Version.Value,
            Lanes = JsonSerializer.Serialize(LanesView.From(counter.Lanes)),
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

        var position = Lane is { } lane && LaneVersion is { } laneVersion && RowKeys.LaneOf(lane) is { } id
            ? new LanePosition(id, new CounterVersion(laneVersion))
            : null;
        var counter = new CounterSnapshot(name, Value, new CounterVersion(Version), UpdatedAt) { Lanes = StoredLanes() };
        return new IncrementResult(counter, by.Value, visitor, VisitorTotal, position);
    }

    /// <exception cref="InvalidOperationException">The stored lanes are not lanes, or do not add up to the stored counter.</exception>
    LaneTallies StoredLanes()
    {
        if (Lanes is null)
        {
            return LaneTallies.None;
        }

        try
        {
            var lanes = LaneTallies.None;
            foreach (var (lane, tally) in JsonSerializer.Deserialize<LanesView>(Lanes) ?? LanesView.None)
            {
                lanes = tally.Value >= 0 && tally.Version > 0 && LaneTallies.IsLaneName(lane)
                    ? lanes.With(lane, new Tally(tally.Value, new CounterVersion(tally.Version), null))
                    : throw new InvalidOperationException("A stored idempotency record holds an invalid lane.");
            }

            return (lanes.Sum.Value, lanes.Sum.Version.Value) == (Value, Version)
                ? lanes
                : throw new InvalidOperationException("A stored idempotency record's lanes do not add up to its counter.");
        }
        catch (JsonException)
        {
            throw new InvalidOperationException("A stored idempotency record holds lanes that are not valid JSON.");
        }
    }
}
