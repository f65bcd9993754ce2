using Azure;
using Azure.Data.Tables;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tables;

/// <summary>
/// One batch's entity-group transaction, and where each of its rows sits in it: the records first (so a replay is
/// recognised before anything else is judged), then the lane, then each visitor. The service names a failed action by
/// its position and answers each action in order; this says which row a position is.
/// </summary>
/// <remarks>
/// Every row is conditional, none is ever upserted: a record is added only if its key is new, the lane is replaced
/// If-Match its ETag (or added, when the batch found it unwritten), and so is each visitor's row.
/// </remarks>
internal sealed class CommitTransaction
{
    readonly CommitBatch _batch;
    readonly VisitorId[] _visitors;

    public CommitTransaction(CommitBatch batch)
    {
        _batch = batch;
        _visitors = [.. batch.Totals.Keys];
        Lane = LaneEntity.After(batch);
        var actions = new List<TableTransactionAction>(batch.Entities);
        actions.AddRange(batch.Records.Select(record => new TableTransactionAction(TableTransactionActionType.Add, RecordEntity.From(record, batch))));
        actions.Add(Conditional(Lane, batch.Lane.Token is { } token ? LaneToken.ETagOf(token) : null));
        actions.AddRange(_visitors.Select(visitor =>
        {
            var update = batch.Totals[visitor];
            return Conditional(VisitorEntity.From(batch.Name, visitor, update.Total), update.Token is { } etag ? new ETag(etag) : null);
        }));
        Actions = actions;
    }

    public IReadOnlyList<TableTransactionAction> Actions { get; }

    /// <summary>The lane's row as this transaction writes it.</summary>
    public LaneEntity Lane { get; }

    int LaneIndex => _batch.Records.Count;

    /// <summary>The row at the position the service named as failed, or <see cref="TransactionRow.Unnamed"/> when it named none.</summary>
    public TransactionRow RowAt(int? index) => index switch
    {
        null => new TransactionRow.Unnamed(),
        { } i when i < LaneIndex => new TransactionRow.Record(i),
        { } i when i == LaneIndex => new TransactionRow.Lane(),
        { } i when i - LaneIndex - 1 < _visitors.Length => new TransactionRow.Visitor(_visitors[i - LaneIndex - 1]),
        _ => new TransactionRow.Unnamed(),
    };

    /// <summary>The outcome of the transaction the service applied: the lane's and the visitors' new tokens, from their actions' answers.</summary>
    public CommitOutcome.Committed Committed(IReadOnlyList<Response> answers)
    {
        var lane = answers[LaneIndex].Headers.ETag is { } etag ? LaneToken.For(etag, Lane.Commits) : null;
        var visitors = new Dictionary<VisitorId, string>(_visitors.Length);
        for (var i = 0; i < _visitors.Length; i++)
        {
            if (answers[LaneIndex + 1 + i].Headers.ETag is not { } visitorETag)
            {
                return new CommitOutcome.Committed(lane, VisitorTokens: null);
            }

            visitors[_visitors[i]] = visitorETag.ToString();
        }

        return new CommitOutcome.Committed(lane, visitors);
    }

    static TableTransactionAction Conditional(ITableEntity row, ETag? ifMatch) => ifMatch is { } etag
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
        : new TableTransactionAction(TableTransactionActionType.Add, row);
}

/// <summary>Which row of a commit's transaction an action is.</summary>
internal abstract record TransactionRow
{
    TransactionRow()
    {
    }

    public sealed record Record(int Index) : TransactionRow;

    public sealed record Lane : TransactionRow;

    public sealed record Visitor(VisitorId Id) : TransactionRow;

    /// <summary>The service did not say which.</summary>
    public sealed record Unnamed : TransactionRow;

    /// <summary>Which row of the counter another writer changed, for a refusal of this row's condition.</summary>
    public ConflictedRow Conflicted => this switch
    {
        Lane => ConflictedRow.Lane,
        Visitor => ConflictedRow.Visitor,
        _ => ConflictedRow.Unknown,
    };
}
