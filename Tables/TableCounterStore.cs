using Azure;
using Azure.Data.Tables;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>
/// <see cref="ICounterStore"/> on Azure Table Storage: one partition per counter, and one entity-group transaction per
/// batch, conditional on the <c>state</c> row's ETag.
/// </summary>
/// <remarks>
/// <para>
/// A transaction adds the batch's records first (so a replay is recognised before anything else is judged), then
/// replaces <c>state</c> If-Match its ETag (or adds it when the counter is new), then sets each visitor's total. The
/// visitor rows need no condition of their own: every commit must pass the <c>state</c> condition in the same atomic
/// transaction, which serialises them all. The counter is never upserted.
/// </para>
/// <para>
/// Outcomes are exact. A transaction is sent once per try (see <see cref="CounterTable"/>). When its answer is a
/// refusal (412, 409) or is lost (a reset, a timeout, a 5xx), the store reads back before answering: the <c>state</c>
/// row's <see cref="CommitLog"/> names the one commit that started from the batch's base version, and each record
/// carries the id of the commit that wrote it. So a commit that was applied is answered as applied even if its answer
/// never arrived, and "nothing was written" is said only when that is known.
/// </para>
/// </remarks>
public sealed class TableCounterStore(CounterTable table) : ICounterStore
{
    public async ValueTask<CounterState> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            var state = await ReadStateAsync(name, cancellationToken);
            return state?.ToState(name) ?? CounterState.Initial(name);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            throw new CounterStoreUnavailableException("The counter table could not be read.", exception);
        }
    }

    public async ValueTask<IReadOnlyDictionary<VisitorId, long>> ReadTotalsAsync(
        CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(visitors);
        try
        {
            var rows = await Task.WhenAll(visitors.Select(async visitor =>
            {
                var row = await table.Reads.GetEntityIfExistsAsync<VisitorEntity>(name.Value, RowKeys.Visitor(visitor), cancellationToken: cancellationToken);
                return (visitor, Total: row.HasValue && row.Value is { } entity ? entity.Total : 0);
            }));
            return rows.ToDictionary(row => row.visitor, row => row.Total);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            throw new CounterStoreUnavailableException("The counter table could not be read.", exception);
        }
    }

    public async ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var state = StateEntity.After(batch);
        try
        {
            var answers = await table.Transactions.SubmitTransactionAsync(TransactionFor(batch, state), cancellationToken);
            var etag = answers.Value[batch.Records.Count].Headers.ETag;
            return new CommitOutcome.Committed(etag is { } written ? StateToken.For(written, state.Commits) : null);
        }
        catch (Exception exception) when (StoreFailures.NothingSent(exception))
        {
            return new CommitOutcome.Unavailable();
        }
        catch (RequestFailedException refused) when (refused.Status is 409 or 412 or 404)
        {
            return refused.Status == 409 && batch.Records.Count > 0
                ? await OutcomeOfConflictingAddAsync(batch, refused, cancellationToken)
                : await ResolveAsync(batch, refused: true, cancellationToken);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            return await ResolveAsync(batch, refused: false, cancellationToken);
        }
    }

    /// <summary>The actions of one batch, in the order the remarks above explain; all in the counter's partition.</summary>
    internal static IReadOnlyList<TableTransactionAction> TransactionFor(CommitBatch batch, StateEntity state)
    {
        var actions = new List<TableTransactionAction>(batch.Entities);
        foreach (var record in batch.Records)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, RecordEntity.From(record, batch)));
        }

        actions.Add(batch.Base.Token is { } token
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, StateToken.ETagOf(token))
            : new TableTransactionAction(TableTransactionActionType.Add, state));

        foreach (var (visitor, total) in batch.Totals)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, VisitorEntity.From(batch.Name, visitor, total)));
        }

        return actions;
    }

    /// <summary>
    /// A 409 is an add that found its row: one of the batch's records, or <c>state</c> when another first write won.
    /// For a record, the answer is its stored result, unless the record is this batch's own, written by an earlier
    /// send whose answer was lost. The service names the failed action; when it does not, the records themselves tell.
    /// </summary>
    async Task<CommitOutcome> OutcomeOfConflictingAddAsync(CommitBatch batch, RequestFailedException refused, CancellationToken cancellationToken)
    {
        var failedIndex = (refused as TableTransactionFailedException)?.FailedTransactionActionIndex;
        if (failedIndex >= batch.Records.Count)
        {
            return await ResolveAsync(batch, refused: true, cancellationToken);
        }

        try
        {
            var candidates = failedIndex is { } index ? [index] : Enumerable.Range(0, batch.Records.Count).ToArray();
            var stored = await Task.WhenAll(candidates.Select(async i => (Index: i, Entity: await ReadRecordAsync(batch, batch.Records[i], cancellationToken))));
            if (stored.FirstOrDefault(found => found.Entity is not null) is not { Entity: { } entity } taken)
            {
                return await ResolveAsync(batch, refused: true, cancellationToken);
            }

            return entity.CommitId == batch.Id.Value
                ? new CommitOutcome.Committed(Token: null)
                : new CommitOutcome.KeyTaken(taken.Index, entity.ToResult(batch.Name, batch.Records[taken.Index].Result.Visitor));
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            // The 409 itself was definite: the batch was refused and wrote nothing; only what to answer is missing.
            return new CommitOutcome.Unavailable();
        }
    }

    async Task<RecordEntity?> ReadRecordAsync(CommitBatch batch, IncrementRecord record, CancellationToken cancellationToken)
    {
        var stored = await table.Reads.GetEntityIfExistsAsync<RecordEntity>(
            batch.Name.Value, RowKeys.Record(record.Result.Visitor, record.Key), cancellationToken: cancellationToken);
        return stored.HasValue ? stored.Value : null;
    }

    /// <summary>Finds out, by reading back, whether a batch whose answer was a refusal (<paramref name="refused"/>) or was lost has been applied.</summary>
    async Task<CommitOutcome> ResolveAsync(CommitBatch batch, bool refused, CancellationToken cancellationToken)
    {
        if (refused && !batch.SentBefore)
        {
            // The store refused the only send there ever was of this batch: nothing to read back.
            return new CommitOutcome.Conflict();
        }

        try
        {
            var state = await ReadStateAsync(batch.Name, cancellationToken);
            var latest = state?.ToState(batch.Name) ?? CounterState.Initial(batch.Name);
            if (CommitLog.CommitFrom(state?.Commits, batch.Base.Counter.Version.Value) is { } id)
            {
                return id == batch.Id.Value
                    ? new CommitOutcome.Committed(latest.Counter.Version == batch.After.Version ? latest.Token : null)
                    : new CommitOutcome.Conflict();
            }

            if (latest.Token == batch.Base.Token)
            {
                // Nothing has been committed since the base: the batch has not landed, though it may still be on its way.
                return new CommitOutcome.Unknown();
            }

            // More commits than the log holds have passed; a record of the batch still tells (absent: never applied).
            if (batch.Records.Count > 0)
            {
                return (await ReadRecordAsync(batch, batch.Records[0], cancellationToken))?.CommitId == batch.Id.Value
                    ? new CommitOutcome.Committed(Token: null)
                    : new CommitOutcome.Conflict();
            }

            return new CommitOutcome.Unknown();
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            return new CommitOutcome.Unknown();
        }
    }

    async Task<StateEntity?> ReadStateAsync(CounterName name, CancellationToken cancellationToken)
    {
        var state = await table.Reads.GetEntityIfExistsAsync<StateEntity>(name.Value, RowKeys.State, cancellationToken: cancellationToken);
        return state.HasValue ? state.Value : null;
    }
}
