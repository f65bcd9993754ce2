using Azure;
using Azure.Data.Tables;
using LiveCounter.Retention;

namespace LiveCounter.Tables;

/// <summary>
/// Deletes expired idempotency records (<c>key:…</c> rows) from the counters table, in transactions of at most 100
/// rows of one partition. Lane, <c>state</c> and visitor rows are outside the row-key range it reads, so it never sees them.
/// </summary>
/// <remarks>
/// <para>
/// Two queries, each asking the service for expired records only: those whose own <c>ExpiresAt</c> has passed, then
/// those written before records carried one, which expire the default window after <c>CreatedAt</c>. The second also
/// finds records with an expiry of their own that are older than the default window (written with a longer one) and
/// leaves them. A sweep that stopped at its limit leaves exactly the rows the next one will find first: deleting is what
/// makes the next sweep resume where this one stopped.
/// </para>
/// <para>
/// Each row is deleted on condition of the ETag it was found with, so a record written again meanwhile (its key
/// reused after it expired) is not.
/// </para>
/// </remarks>
public sealed class TableExpiredRecords(CounterTable table) : IExpiredRecords
{
    const int CommitLimit = 100;

    static readonly string[] Columns = ["PartitionKey", "RowKey", nameof(RecordEntity.ExpiresAt)];

    public async Task<SweepReport> DeleteAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sweep = new Sweep(table, maxRows);
        try
        {
            await sweep.DeleteAsync(TableClient.CreateQueryFilter($"RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.RecordsEnd} and ExpiresAt lt {now}"), _ => true, cancellationToken);
            var legacyCreatedBefore = now - RetentionOptions.Default.Window;
            await sweep.DeleteAsync(
                TableClient.CreateQueryFilter($"RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.RecordsEnd} and CreatedAt lt {legacyCreatedBefore}"),
                row => row.GetDateTimeOffset(nameof(RecordEntity.ExpiresAt)) is null,
                cancellationToken);
            return new SweepReport(sweep.Deleted, Finished: sweep.Deleted < maxRows);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SweepReport(sweep.Deleted, Finished: false);
        }
    }

    /// <summary>One sweep's count across its queries, so the row limit holds for the sweep as a whole.</summary>
    sealed class Sweep(CounterTable table, int maxRows)
    {
        public int Deleted { get; private set; }

        public async Task DeleteAsync(string filter, Func<TableEntity, bool> expired, CancellationToken cancellationToken)
        {
            var pending = new List<TableEntity>(CommitLimit);
            await foreach (var row in table.Reads.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: Columns, cancellationToken))
            {
                if (Deleted + pending.Count >= maxRows)
                {
                    break;
                }

                if (!expired(row))
                {
                    continue;
                }

                if (pending.Count == CommitLimit || (pending.Count > 0 && pending[0].PartitionKey != row.PartitionKey))
                {
                    Deleted += await DeleteAsync(pending, cancellationToken);
                    pending.Clear();
                }

                pending.Add(row);
            }

            Deleted += await DeleteAsync(pending, cancellationToken);
        }

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
}
