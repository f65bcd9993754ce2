using Azure;
using Azure.Data.Tables;
using LiveCounter.Retention;

namespace LiveCounter.Tables;

/// <summary>
/// Deletes expired idempotency records (<c>key:…</c> rows) from the counters table, in transactions of at most 100
/// rows of one partition. <c>state</c> and visitor rows are outside the row-key range it reads, so it never sees them.
/// </summary>
/// <remarks>
/// The query asks the service for expired records only, so a sweep that stopped at its limit leaves exactly the rows
/// the next one will find first: deleting is what makes the next sweep resume where this one stopped. Each row is
/// deleted on condition of the ETag it was found with, so a record written again meanwhile (its key reused after it
/// expired) is not.
/// </remarks>
public sealed class TableExpiredRecords(CounterTable table) : IExpiredRecords
{
    public async Task<SweepReport> DeleteAsync(DateTimeOffset createdBefore, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.RecordsEnd} and CreatedAt lt {createdBefore}");
        var pending = new List<TableEntity>(CommitLimit);
        var deleted = 0;
        try
        {
            await foreach (var row in table.Reads.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken))
            {
                if (pending.Count == CommitLimit || (pending.Count > 0 && pending[0].PartitionKey != row.PartitionKey))
                {
                    deleted += await DeleteAsync(pending, cancellationToken);
                    pending.Clear();
                }

                if (deleted + pending.Count >= maxRows)
                {
                    break;
                }

                pending.Add(row);
            }

            deleted += await DeleteAsync(pending, cancellationToken);
            return new SweepReport(deleted, Finished: deleted < maxRows);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SweepReport(deleted, Finished: false);
        }
    }

    const int CommitLimit = 100;

    /// <summary>One partition's rows in one transaction; one by one when some of them changed or went since they were read.</summary>
    async Task<int> DeleteAsync(List<TableEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        try
        {
            await table.Reads.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag)), cancellationToken);
            return rows.Count;
        }
        catch (RequestFailedException refused) when (refused.Status is 404 or 412)
        {
            var deleted = 0;
            foreach (var row in rows)
            {
                try
                {
                    await table.Reads.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                    deleted++;
                }
                catch (RequestFailedException gone) when (gone.Status is 404 or 412)
                {
                    // Deleted by another sweep, or written again after it expired: either way not this sweep's to delete.
                }
            }

            return deleted;
        }
    }
}
