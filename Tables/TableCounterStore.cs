using Azure;
using Azure.Data.Tables;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>
/// <see cref="ICounterStore"/> on Azure Table Storage: one partition per counter, and one entity-group transaction
/// per increment, conditional on the <c>state</c> row's ETag.
/// </summary>
/// <remarks>
/// The transaction is: add the idempotency record (first, so that a replay is recognised before anything else is
/// judged), replace <c>state</c> If-Match its ETag (or add it when the counter is new), and set the visitor's total.
/// The visitor row needs no condition of its own: every increment of the counter must pass the <c>state</c>
/// condition in the same atomic transaction, which serialises them all. The counter is never upserted.
/// </remarks>
public sealed class TableCounterStore(TableClient table) : ICounterStore
{
    /// <summary>Where the idempotency record sits in a transaction that has one.</summary>
    public const int RecordActionIndex = 0;

    public async ValueTask<CounterState> ReadAsync(CounterName name, VisitorId? visitor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            // The counter first, then the visitor: see ICounterStore.ReadAsync for why the order matters.
            var state = await table.GetEntityIfExistsAsync<StateEntity>(name.Value, RowKeys.State, cancellationToken: cancellationToken);
            var counter = CounterSnapshot.Initial(name);
            string? token = null;
            if (state.HasValue && state.Value is { } entity)
            {
                counter = entity.ToSnapshot(name);
                token = entity.ETag.ToString();
            }

            long total = 0;
            if (visitor is not null)
            {
                var row = await table.GetEntityIfExistsAsync<VisitorEntity>(name.Value, RowKeys.Visitor(visitor), cancellationToken: cancellationToken);
                total = row.HasValue && row.Value is { } visitorEntity ? visitorEntity.Total : 0;
            }

            return new CounterState(counter, token, total);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            throw new CounterStoreUnavailableException("The counter table could not be read.", exception);
        }
    }

    public async ValueTask<CommitOutcome> CommitAsync(PendingIncrement increment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increment);
        try
        {
            await table.SubmitTransactionAsync(TransactionFor(increment), cancellationToken);
            return CommitOutcome.Applied;
        }
        catch (RequestFailedException rejected) when ((rejected.Status is 404 or 409 or 412) && !StoreFailures.IsTableMissing(rejected))
        {
            return await OutcomeOfRejectedAsync(increment, rejected, cancellationToken);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            return CommitOutcome.Unavailable;
        }
    }

    /// <summary>The actions of one increment, in the order the remarks above explain; all in the counter's partition.</summary>
    public static IReadOnlyList<TableTransactionAction> TransactionFor(PendingIncrement increment)
    {
        ArgumentNullException.ThrowIfNull(increment);
        var result = increment.Result;
        var actions = new List<TableTransactionAction>(3);
        if (increment.Key is { } key)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, RecordEntity.From(key, result)));
        }

        var state = StateEntity.From(result.Counter);
        actions.Add(increment.ExpectedToken is { } token
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, new ETag(token))
            : new TableTransactionAction(TableTransactionActionType.Add, state));

        if (result.Visitor is { } visitor && result.VisitorTotal is { } total)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, VisitorEntity.From(increment.Name, visitor, total)));
        }

        return actions;
    }

    async Task<CommitOutcome> OutcomeOfRejectedAsync(PendingIncrement increment, RequestFailedException rejected, CancellationToken cancellationToken)
    {
        // 412: another increment replaced state since it was read. 404: state vanished. Either way: read again.
        if (rejected.Status != 409 || increment.Key is not { } key)
        {
            return CommitOutcome.Conflict;
        }

        // 409 is an Add that found its row: the record (this key was used before) or, on a counter's first write,
        // state (another first write won). The failed index tells which; when the service did not say, the record
        // itself does.
        var failedIndex = (rejected as TableTransactionFailedException)?.FailedTransactionActionIndex;
        if (failedIndex is not (null or RecordActionIndex))
        {
            return CommitOutcome.Conflict;
        }

        try
        {
            var name = increment.Name;
            var record = await table.GetEntityIfExistsAsync<RecordEntity>(
                name.Value, RowKeys.Record(increment.Result.Visitor, key), cancellationToken: cancellationToken);
            return record.HasValue && record.Value is { } entity
                ? new CommitOutcome.AlreadyRecorded(entity.ToResult(name, increment.Result.Visitor))
                : CommitOutcome.Conflict;
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            return CommitOutcome.Unavailable;
        }
    }
}
