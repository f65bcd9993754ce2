using System.Diagnostics;
using Azure.Data.Tables;

namespace LiveCounter.Tables.Tests;

/// <summary>The Table service's clock, which decides expiry: tests wait on it, bounded, never on their own.</summary>
public static class ServiceTime
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Returns once the service's time, as its answers' <c>Date</c> tells it, has reached <paramref name="instant"/>.</summary>
    public static async Task WaitUntilAsync(CounterTable table, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var waited = Stopwatch.StartNew();
        while (await ServiceClock.NowAsync(table.Reads, cancellationToken) < instant)
        {
            Assert.True(waited.Elapsed < Patience, $"The Table service's clock did not reach {instant:O} within {Patience}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Returns once every record in the table now is at least <paramref name="age"/> old on the service's clock.</summary>
    public static async Task WaitUntilRecordsAreAsync(CounterTable table, TimeSpan age, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var stamps = await table.Reads.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey ge {RowKeys.RecordPrefix} and RowKey lt {RowKeys.RecordsEnd}"), select: ["Timestamp"], cancellationToken: cancellationToken)
            .Select(row => row.Timestamp!.Value)
            .ToListAsync(cancellationToken);
        await WaitUntilAsync(table, stamps.Max() + age, cancellationToken);
    }
}
