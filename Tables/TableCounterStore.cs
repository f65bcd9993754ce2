using Azure;
using Azure.Data.Tables;
using LiveCounter.Metrics;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>
/// <see cref="ICounterStore"/> on Azure Table Storage: one partition per counter, one row per lane, and one
/// entity-group transaction per batch, conditional on the lane's ETag and on each visitor row's.
/// </summary>
/// <remarks>
/// A read is one range query over the counter's lane rows (and a pre-lanes <c>state</c> row), so it is exact whichever
/// processes wrote them; a commit writes its own process's lane only (<see cref="CommitTransaction"/>), so processes
/// race only on a visitor who incremented through two of them at once.
/// <para>
/// Outcomes are exact: a transaction is sent once per try (<see cref="CounterTable"/>), and after a refusal (412, 409)
/// or a lost answer the store reads back before answering, since the lane's <see cref="CommitLog"/> names the commit
/// that started from the batch's base version and each record names the commit that wrote it. So an applied commit is
/// answered as applied even if its answer never arrived, and "nothing was written" is said only when it is known.
/// </para>
/// </remarks>
public sealed class TableCounterStore(CounterTable table, CounterMetrics metrics) : ICounterStore
{
    /// <summary>A store without a meter of the host's: what it counts goes to a meter of its own.</summary>
    public TableCounterStore(CounterTable table)
        : this(table, CounterMetrics.Unregistered())
    {
    }

    public async ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var recreated = false; ; recreated = true)
        {
            try
            {
                return await ReadLanesAsync(name, cancellationToken);
            }
            catch (RequestFailedException missing) when (!recreated && StoreFailures.IsTableMissing(missing))
            {
                if (!await RecreateTableAsync(cancellationToken))
                {
                    throw new CounterStoreUnavailableException("The counter table is missing and could not be created again.", missing);
                }
            }
            catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
            {
                throw Unreadable(exception);
            }
        }
    }

    static CounterStoreUnavailableException Unreadable(Exception exception) =>
        new("The counter table could not be read.", exception) { Busy = StoreFailures.IsServerBusy(exception) };

    async Task<CounterLanes> ReadLanesAsync(CounterName name, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {name.Value} and RowKey ge {RowKeys.LanesFrom} and RowKey le {RowKeys.State}");
        var lanes = new List<LaneRow>();
        var legacy = Tally.Zero;
        await foreach (var row in table.Reads.QueryAsync<LaneEntity>(filter, cancellationToken: cancellationToken))
        {
            if (RowKeys.LaneOf(row.RowKey) is { } lane)
            {
                lanes.Add(row.ToRow(lane));
            }
            else
            {
                legacy = row.ToTally();
            }
        }

        return new CounterLanes(name, lanes, legacy);
    }

    /// <summary>
    /// Creates the table again after a request found it missing (an in-memory Azurite restarted, the table deleted), so
    /// that the request can go once more within its deadline; false when the service could not be reached for it.
    /// </summary>
    async Task<bool> RecreateTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            // 409: another request (or process) created it first, or the service is still deleting it, in which case
            // the request that goes again finds it missing once more and is answered as unavailable.
            var answer = await table.Reads.CreateIfNotExistsAsync(cancellationToken);
            if (answer.GetRawResponse().Status != 409)
            {
                metrics.TableRecreated();
            }

            return true;
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            return false;
        }
    }

    public async ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(
        CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(visitors);
        try
        {
            var rows = await Task.WhenAll(visitors.Select(async visitor =>
            {
                var row = await table.Reads.GetEntityIfExistsAsync<VisitorEntity>(name.Value, RowKeys.Visitor(visitor), cancellationToken: cancellationToken);
                return (visitor, Total: row.HasValue && row.Value is { } entity ? entity.ToTotal() : VisitorTotal.None);
            }));
            return rows.ToDictionary(row => row.visitor, row => row.Total);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            throw Unreadable(exception);
        }
    }

    public async ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var transaction = new CommitTransaction(batch);
        for (var recreated = false; ; recreated = true)
        {
            try
            {
                var answers = await table.Transactions.SubmitTransactionAsync(transaction.Actions, cancellationToken);
                return transaction.Committed(answers.Value);
            }
            catch (RequestFailedException missing) when (!recreated && StoreFailures.IsTableMissing(missing))
            {
                // The answer is definite: there was no table to write to. Once there is one, the same transaction goes.
                if (!await RecreateTableAsync(cancellationToken))
                {
                    return new CommitOutcome.Unavailable();
                }
            }
            catch (Exception exception) when (StoreFailures.NothingSent(exception))
            {
                return new CommitOutcome.Unavailable();
            }
            catch (RequestFailedException busy) when (StoreFailures.IsServerBusy(busy))
            {
                // Throttled before it was handled: known to have written nothing, and a read-back would only add load.
                return new CommitOutcome.Busy();
            }
            catch (RequestFailedException refused) when (refused.Status is 409 or 412 or 404)
            {
                var row = transaction.RowAt((refused as TableTransactionFailedException)?.FailedTransactionActionIndex);
                return refused.Status == 409 && (row is TransactionRow.Record || (row is TransactionRow.Unnamed && batch.Records.Count > 0))
                    ? await OutcomeOfConflictingAddAsync(batch, row, cancellationToken)
                    : await ResolveAsync(batch, row, cancellationToken);
            }
            catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
            {
                return await ResolveAsync(batch, refusedRow: null, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A 409 is an add that found its row: one of the batch's records, or the lane or a visitor row when another first
    /// write won. For a record, the answer is its stored result, unless the record is this batch's own, written by an
    /// earlier send whose answer was lost. When the service does not say which action failed, the records themselves tell.
    /// </summary>
    async Task<CommitOutcome> OutcomeOfConflictingAddAsync(CommitBatch batch, TransactionRow row, CancellationToken cancellationToken)
    {
        try
        {
            var candidates = row is TransactionRow.Record { Index: var index } ? [index] : Enumerable.Range(0, batch.Records.Count).ToArray();
            var stored = await Task.WhenAll(candidates.Select(async i => (Index: i, Entity: await ReadRecordAsync(batch, batch.Records[i], cancellationToken))));
            if (stored.FirstOrDefault(found => found.Entity is not null) is not { Entity: { } entity } taken)
            {
                return await ResolveAsync(batch, new TransactionRow.Unnamed(), cancellationToken);
            }

            return entity.CommitId == batch.Id.Value
                ? CommitOutcome.Committed.WithoutTokens
                : new CommitOutcome.KeyTaken(taken.Index, entity.ToResult(batch.Name, batch.Records[taken.Index].Result.Visitor));
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            // The 409 itself was definite: the batch was refused and wrote nothing; only what to answer is missing.
            return StoreFailures.IsServerBusy(exception) ? new CommitOutcome.Busy() : new CommitOutcome.Unavailable();
        }
    }

    async Task<RecordEntity?> ReadRecordAsync(CommitBatch batch, IncrementRecord record, CancellationToken cancellationToken)
    {
        var stored = await table.Reads.GetEntityIfExistsAsync<RecordEntity>(
            batch.Name.Value, RowKeys.Record(record.Id), cancellationToken: cancellationToken);
        return stored.HasValue ? stored.Value : null;
    }

    /// <summary>
    /// Finds out, by reading the lane back, whether a batch whose answer was a refusal of <paramref name="refusedRow"/>
    /// (null: whose answer was lost) has been applied.
    /// </summary>
    async Task<CommitOutcome> ResolveAsync(CommitBatch batch, TransactionRow? refusedRow, CancellationToken cancellationToken)
    {
        if (refusedRow is not null && !batch.SentBefore)
        {
            // The store refused the only send there ever was of this batch: nothing to read back.
            return new CommitOutcome.Conflict(refusedRow.Conflicted);
        }

        try
        {
            var stored = await table.Reads.GetEntityIfExistsAsync<LaneEntity>(batch.Name.Value, RowKeys.Lane(batch.Lane.Id), cancellationToken: cancellationToken);
            var lane = stored.HasValue ? stored.Value : null;
            if (CommitLog.Parse(lane?.Commits).CommitFrom(batch.Lane.Tally.Version) is { } id)
            {
                return id == batch.Id
                    ? new CommitOutcome.Committed(lane!.Version == batch.LaneAfter.Version.Value ? lane.ToRow(batch.Lane.Id).Token : null, VisitorTokens: null)
                    : new CommitOutcome.Conflict(ConflictedRow.Lane);
            }

            if (lane?.ToRow(batch.Lane.Id).Token == batch.Lane.Token)
            {
                // Nothing was committed to the lane since the base. After a lost answer the batch may still be on its way;
                // after a refusal it was a visitor's row that moved on, which no send of this batch can ever pass again.
                return refusedRow is null ? new CommitOutcome.Unknown() : new CommitOutcome.Conflict(refusedRow.Conflicted);
            }

            // More commits than the log holds have passed; a record of the batch still tells (absent: never applied).
            if (batch.Records.Count > 0)
            {
                return (await ReadRecordAsync(batch, batch.Records[0], cancellationToken))?.CommitId == batch.Id.Value
                    ? CommitOutcome.Committed.WithoutTokens
                    : new CommitOutcome.Conflict(ConflictedRow.Lane);
            }

            return new CommitOutcome.Unknown();
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            return new CommitOutcome.Unknown();
        }
    }
}
