using System.Runtime.CompilerServices;
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
/// Expiry is judged on the Table service's clock (<see cref="RecordExpiry"/>): the row's <c>Timestamp</c> plus its own
/// window, against the <c>Date</c> of the answer that brought it. The caller's time is not used at all, so a sweeping
/// process whose clock is off, by any amount, deletes exactly what one with a correct clock would.
/// </para>
/// <para>
/// One query asks the service for candidates only: records whose <c>ExpiresAt</c> is before the service's time plus
/// <see cref="Margin"/>, and records created more than the legacy window (minus the margin) ago, which takes in those
/// written before records carried an expiry. Both are on the writer's clock, so they only narrow what is read: a
/// writer whose clock runs ahead by more than the margin has its records found that much later, never earlier, and
/// a row the query returns is deleted only if it has expired on the service's clock. A sweep that stopped at its
/// limit leaves exactly the rows the next one will find first: deleting is what makes the next sweep resume where
/// this one stopped.
/// </para>
/// <para>
/// Each row is deleted on condition of the ETag it was found with, so a record written again meanwhile (its key
/// reused after it expired) is not.
/// </para>
/// </remarks>
public sealed class TableExpiredRecords : IExpiredRecords
{
    const int CommitLimit = 100;

    /// <summary>
    /// How far ahead of the service's time the query reaches in the writers' expiry times. Every row read and kept
    /// costs a read in each sweep, so it is small; a writer's clock that runs further ahead only delays its deletions.
    /// </summary>
    internal static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    static readonly string[] Columns =
        ["PartitionKey", "RowKey", "Timestamp", nameof(RecordEntity.CreatedAt), nameof(RecordEntity.ExpiresAt)];

    readonly CounterTable _table;
    readonly TimeSpan _legacyWindow;

    public TableExpiredRecords(CounterTable table)
        : this(table, RetentionOptions.Default.Window)
    {
    }

    /// <param name="table">The counters table.</param>
    /// <param name="legacyWindow">The window of records without an expiry of their own; other than the default only in tests, which cannot wait a day.</param>
    internal TableExpiredRecords(CounterTable table, TimeSpan legacyWindow)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        _legacyWindow = legacyWindow;
    }

    /// <remarks><paramref name="now"/> is not used: the Table service's clock decides.</remarks>
    public async Task<SweepReport> DeleteAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken)
    {
        var sweep = new Sweep(_table, maxRows);
        try
        {
            var serviceNow = await ServiceClock.NowAsync(_table.Reads, cancellationToken);
            var filter = TableClient.CreateQueryFilter(
                $"RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.RecordsEnd} and (ExpiresAt lt {serviceNow + Margin} or CreatedAt lt {serviceNow - _legacyWindow + Margin})");
            await sweep.DeleteAsync(filter, HasExpired, cancellationToken);
            return new SweepReport(sweep.Deleted, Finished: sweep.Deleted < maxRows);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SweepReport(sweep.Deleted, Finished: false);
        }
    }

    bool HasExpired(TableEntity row, DateTimeOffset serviceNow) => RecordExpiry.HasExpired(
        row.Timestamp,
        row.GetDateTimeOffset(nameof(RecordEntity.CreatedAt)),
        row.GetDateTimeOffset(nameof(RecordEntity.ExpiresAt)),
        _legacyWindow,
        serviceNow);

    /// <summary>One sweep's count, so the row limit holds for the sweep as a whole.</summary>
    sealed class Sweep(CounterTable table, int maxRows)
    {
        public int Deleted { get; private set; }

        /// <param name="filter">The candidates.</param>
        /// <param name="expired">Whether a candidate has expired, given the service's time when it answered with it.</param>
        /// <param name="cancellationToken">Stops the sweep.</param>
        public async Task DeleteAsync(string filter, Func<TableEntity, DateTimeOffset, bool> expired, CancellationToken cancellationToken)
        {
            var pending = new List<TableEntity>(CommitLimit);
            await foreach (var (row, serviceNow) in RowsAsync(filter, cancellationToken))
            {
                if (Deleted + pending.Count >= maxRows)
                {
                    break;
                }

                if (!expired(row, serviceNow))
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

        /// <summary>Each row with the service's time of the answer (page) it came in.</summary>
        async IAsyncEnumerable<(TableEntity Row, DateTimeOffset ServiceNow)> RowsAsync(string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var page in table.Reads.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: Columns, cancellationToken).AsPages())
            {
                var serviceNow = ServiceClock.DateOf(page.GetRawResponse());
                foreach (var row in page.Values)
                {
                    yield return (row, serviceNow);
                }
            }
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
